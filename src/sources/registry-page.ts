/**
 * One page of an upstream registry API answer (`{servers: [{server, _meta}], metadata: {nextCursor}}`),
 * read strictly: anything that breaks the page contract becomes a SourceError with a message naming
 * the page and the field, never an exception the controller cannot turn into a status. Entries that
 * keep the contract but carry an invalid server.json are left to the pipeline, which skips and counts
 * them like any other invalid entry.
 */
import { SourceError, type ParsedDocument } from './types.ts';

export type Json = Record<string, unknown>;
export const OFFICIAL = 'io.modelcontextprotocol.registry/official';
/** server.json documents nest about 8 levels; this leaves room and keeps every later walk shallow. */
export const MAX_NESTING = 100;

export interface Page {
  items: Json[];
  /** Absent on the last page. */
  nextCursor?: string;
}

const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

function kindOf(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'a list';
  if (typeof v === 'object') return 'an object';
  return typeof v === 'string' ? 'a string' : `a ${typeof v}`;
}

/** Deepest bracket nesting outside strings, found without recursion (so without a stack to overflow). */
export function nestingDepth(text: string): number {
  let depth = 0;
  let max = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c) i++;
      else if (c === 0x22) inString = false;
    } else if (c === 0x22) inString = true;
    else if (c === 0x7b || c === 0x5b) max = Math.max(max, ++depth);
    else if (c === 0x7d || c === 0x5d) depth--;
  }
  return max;
}

/**
 * nestingDepth of the text a parsed value came from (the depth of valid JSON text is the depth of
 * its value), capped: the walk stops at the first level deeper than `max`, so it is bounded by the
 * value's size, not its depth. Without recursion, like nestingDepth. Walking the parsed objects costs ~7 ms for the
 * 10,000-server catalog where scanning its 10 MB of text cost ~50 ms (docs/performance.md).
 */
export function valueDepth(value: unknown, max = MAX_NESTING): number {
  let deepest = 0;
  const stack: unknown[] = [value];
  const depths: number[] = [1];
  while (stack.length > 0) {
    const v = stack.pop();
    const d = depths.pop() as number;
    if (typeof v !== 'object' || v === null) continue;
    if (d > deepest) deepest = d;
    if (d > max) return deepest;
    if (Array.isArray(v)) {
      for (let i = 0; i < v.length; i++) {
        const c: unknown = v[i];
        if (typeof c === 'object' && c !== null) {
          stack.push(c);
          depths.push(d + 1);
        }
      }
    } else {
      // for…in allocates no key list; what JSON.parse builds has only own, enumerable keys.
      for (const k in v) {
        const c = (v as Json)[k];
        if (typeof c === 'object' && c !== null) {
          stack.push(c);
          depths.push(d + 1);
        }
      }
    }
  }
  return deepest;
}

/**
 * Parses page `n` (1-based) of `where`. The JSON parser's own message is not echoed (it quotes the
 * fetched bytes); only the offset it names is. Too deep a page is refused before anything else, as
 * always: V8's JSON.parse does not recurse, so the depth is measured on what it built (cheaper than
 * scanning the text), and on the text only when it is not JSON.
 */
export function parsePage(text: string, where: string, n: number): Page {
  const malformed = (detail: string) =>
    new SourceError('InvalidResponse', `${where} page ${n} is malformed: ${detail}`);
  const tooDeep = () => malformed(`JSON nested deeper than ${MAX_NESTING} levels`);
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (e) {
    if (nestingDepth(text) > MAX_NESTING) throw tooDeep();
    const at = /at position (\d+)/.exec((e as Error).message)?.[1];
    throw new SourceError(
      'InvalidResponse',
      `${where} page ${n} is not valid JSON${at ? ` (error at byte offset ${at})` : ''}`,
    );
  }
  if (valueDepth(doc) > MAX_NESTING) throw tooDeep();
  const must = (field: string, expected: string, v: unknown) =>
    malformed(
      v === undefined
        ? `${field} is missing; expected ${expected}`
        : `${field} must be ${expected}, not ${kindOf(v)}`,
    );
  if (!isObject(doc)) throw must('the page', 'a JSON object {servers, metadata}', doc);
  if (!Array.isArray(doc.servers)) throw must('"servers"', 'a list', doc.servers);
  doc.servers.forEach((item: unknown, i: number) => {
    if (!isObject(item)) throw must(`servers[${i}]`, 'an object {server, _meta}', item);
    if (!isObject(item.server)) throw must(`servers[${i}].server`, 'an object (a server.json)', item.server);
    if (item._meta !== undefined && !isObject(item._meta))
      throw must(`servers[${i}]._meta`, 'an object', item._meta);
  });
  const metadata = doc.metadata;
  if (metadata !== undefined && !isObject(metadata)) throw must('"metadata"', 'an object', metadata);
  const next = metadata?.nextCursor;
  if (next !== undefined && next !== null && typeof next !== 'string')
    throw must('metadata.nextCursor', 'a string', next);
  return { items: doc.servers as Json[], ...(next ? { nextCursor: next } : {}) };
}

function serverOf(item: Json): Json {
  return isObject(item.server) ? item.server : {};
}

/**
 * Every version of each server the registry lists (SPEC §14 "Mirror fidelity": older and deleted
 * versions are served too), fed page by page. A version listed twice (the same name and version, as
 * a registry may when its data changes between two pages) is held once, at its first place, with its
 * later content. Which version is catalogued, and how many are kept, is the pipeline's decision
 * (registry/versions.ts). Entries without a usable name are kept as they are, so the pipeline
 * reports them as invalid instead of them vanishing here.
 *
 * Entries are kept as parsed, not as text: the JSON text the sources hash needs is made when it is
 * hashed. Made here, while paging, ~9 MB of text for 10,000 servers lived through every scavenge
 * until the hash and was promoted, and paging has no idle time to hide it in when the controller
 * shares its core (docs/performance.md, the 10,000-server sync).
 */
export class PagedVersions {
  private readonly byVersion = new Map<string, Json>();
  private readonly unnamed: Json[] = [];

  /** Whether the item is kept (always: a later page may still give the same version again). */
  add(item: Json): boolean {
    const { name, version } = serverOf(item);
    if (typeof name !== 'string' || name === '') {
      this.unnamed.push(item);
      return true;
    }
    // JSON.stringify of the pair: no name or version can make two pairs one key.
    this.byVersion.set(JSON.stringify([name, version]), item);
    return true;
  }

  items(): Json[] {
    return [...this.byVersion.values(), ...this.unnamed];
  }
}

/**
 * The versions kept as one API page document, `{servers, metadata: {count}}`, without its text:
 * `chunks()` yields exactly `JSON.stringify(value)` one server at a time (JSON.stringify of an object
 * literal and of an array has no whitespace, so joining the pieces gives the same text), so the
 * sources hash is what it was when this document was one string. `textBytes`: the pages' bytes.
 */
export function apiDocument(servers: Json[], textBytes: number): ParsedDocument {
  const metadata = { count: servers.length };
  return {
    value: { servers, metadata },
    textBytes,
    *chunks() {
      yield '{"servers":[';
      for (let i = 0; i < servers.length; i++)
        yield i === 0 ? JSON.stringify(servers[i]) : `,${JSON.stringify(servers[i])}`;
      yield `],"metadata":${JSON.stringify(metadata)}}`;
    },
  };
}
