/**
 * Rewrites a parsed YAML document in place to hold a new value, so that comments, key order and
 * scalar styles survive wherever the value did not change: a GitOps diff of a migration then shows
 * only what migrated.
 */
import { Document, isMap, isScalar, isSeq, Pair, Scalar, YAMLMap, YAMLSeq } from 'yaml';

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

function keyOf(pair: Pair): unknown {
  return isScalar(pair.key) ? pair.key.value : pair.key;
}

function withComments<T extends object>(fresh: T, old: unknown): T {
  if (old && typeof old === 'object' && 'commentBefore' in old) {
    const o = old as { commentBefore?: string | null; comment?: string | null };
    const f = fresh as { commentBefore?: string | null; comment?: string | null };
    f.commentBefore ??= o.commentBefore;
    f.comment ??= o.comment;
  }
  return fresh;
}

/** Returns the node to use for `target`: the old node, updated, where the shapes match. */
export function reconcileNode(doc: Document, node: unknown, target: unknown): unknown {
  if (isMap(node) && isObj(target)) {
    const map = node as YAMLMap;
    map.items = map.items.filter((p) => {
      const k = keyOf(p);
      return typeof k === 'string' && target[k] !== undefined;
    });
    let at = -1;
    for (const [k, v] of Object.entries(target)) {
      if (v === undefined) continue;
      const idx = map.items.findIndex((p) => keyOf(p) === k);
      if (idx >= 0) {
        const pair = map.items[idx] as Pair;
        pair.value = reconcileNode(doc, pair.value, v);
        at = idx;
      } else {
        map.items.splice(++at, 0, doc.createPair(k, v) as Pair);
      }
    }
    return map;
  }
  if (isSeq(node) && Array.isArray(target)) {
    const seq = node as YAMLSeq;
    seq.items = target.map((v, i) =>
      i < seq.items.length ? reconcileNode(doc, seq.items[i], v) : doc.createNode(v),
    );
    return seq;
  }
  if (isScalar(node) && !isObj(target) && !Array.isArray(target) && (node as Scalar).value === target)
    return node;
  return withComments(doc.createNode(target), node);
}

/** Renames a key where it stands, keeping its comments and position. */
export function renameKey(map: unknown, from: string, to: string): void {
  if (!isMap(map)) return;
  const pair = map.items.find((p) => keyOf(p) === from);
  if (!pair) return;
  if (isScalar(pair.key)) pair.key.value = to;
  else pair.key = new Scalar(to);
}

function at(node: unknown, key: string): unknown {
  return isMap(node) ? node.get(key, true) : undefined;
}

/** ToolHive → ours renames that keep the user's comments on the renamed fields. */
export function applyKnownRenames(doc: Document): void {
  renameKey(
    at(at(doc.contents, 'metadata'), 'annotations'),
    'toolhive.stacklok.dev/sync-trigger',
    'toolhive.stacklok.io/sync-trigger',
  );
  const spec = at(doc.contents, 'spec');
  const source = at(spec, 'source');
  renameKey(source, 'api', 'registry');
  renameKey(at(source, 'registry'), 'endpoint', 'url');
  const list = at(spec, 'registries');
  renameKey(spec, 'registries', 'sources');
  if (isSeq(list))
    for (const entry of list.items) {
      renameKey(entry, 'api', 'registry');
      renameKey(at(entry, 'registry'), 'endpoint', 'baseURL');
    }
}
