/**
 * Registry federation, the pure part (SPEC §8 "Cluster-local HTTP and federation"): a `registry`
 * source with `registryRef` reads another MCPRegistry through that registry's API Service. Here: who a
 * registry references, whether the referenced one lets the reader's namespace in, reference cycles,
 * which registries must look again when one changes, and the fingerprint that tells them it did.
 * The I/O around it is registry-ref-resolver.ts.
 */
import { ANNOTATION_ALLOWED_READERS } from '../../api/constants.ts';
import type { MCPRegistryV1beta1 } from '../../api/types.ts';
import { API_PORT, apiName } from '../workload/api-workload.ts';

type Registry = Pick<MCPRegistryV1beta1, 'metadata' | 'spec'> & Partial<Pick<MCPRegistryV1beta1, 'status'>>;
type Source = MCPRegistryV1beta1['spec']['sources'][number];

export interface RefTarget {
  /** The reading source's name. */
  source: string;
  namespace: string;
  name: string;
}

export const keyOf = (namespace: string, name: string) => `${namespace}/${name}`;

/** The registries a registry's sources read, in source order (namespace defaults to the reader's). */
export function refTargets(reg: Pick<Registry, 'metadata' | 'spec'>): RefTarget[] {
  const own = reg.metadata.namespace ?? '';
  return reg.spec.sources.flatMap((s) => {
    const ref = s.type === 'registry' ? s.registry?.registryRef : undefined;
    return ref ? [{ source: s.name, namespace: ref.namespace ?? own, name: ref.name }] : [];
  });
}

/** How a source is named in status and Events: a reference says which registry it reads. */
export function sourceLabel(s: Source, readerNamespace: string): string {
  const ref = s.type === 'registry' ? s.registry?.registryRef : undefined;
  return ref ? `${s.name} (MCPRegistry ${ref.namespace ?? readerNamespace}/${ref.name})` : s.name;
}

/**
 * Whether a registry lets `readerNamespace` read it: its own namespace always; another only when
 * listed in its `toolhive.stacklok.io/allowed-reader-namespaces` annotation (comma-separated, `*` =
 * every namespace). The referenced registry's owners decide, not the reader: an annotation on the
 * object they control, so no cluster-wide policy change is needed to share a catalog.
 */
export function readerAllowed(target: Pick<Registry, 'metadata'>, readerNamespace: string): boolean {
  if ((target.metadata.namespace ?? '') === readerNamespace) return true;
  const list = target.metadata.annotations?.[ANNOTATION_ALLOWED_READERS] ?? '';
  return list
    .split(',')
    .map((s) => s.trim())
    .some((ns) => ns === '*' || ns === readerNamespace);
}

export type Lookup = (namespace: string, name: string) => Registry | undefined;

/** Longest reference chain followed; deeper is reported as a cycle would be (never walked forever). */
export const MAX_REF_DEPTH = 16;

/**
 * A cycle through `start` (A reads B reads A), as the keys along it ending with `start` again;
 * undefined when none. Only cycles through `start` are its problem: a registry that reads into someone
 * else's cycle fails because that registry has no data, which says so itself.
 */
export function findCycle(start: Registry, lookup: Lookup): string[] | undefined {
  const startKey = keyOf(start.metadata.namespace ?? '', start.metadata.name ?? '');
  const walk = (reg: Registry, path: string[], seen: Set<string>): string[] | undefined => {
    if (path.length > MAX_REF_DEPTH) return undefined;
    for (const t of refTargets(reg)) {
      const key = keyOf(t.namespace, t.name);
      if (key === startKey) return [...path, key];
      if (seen.has(key)) continue;
      seen.add(key);
      const next = lookup(t.namespace, t.name);
      const found = next && walk(next, [...path, key], seen);
      if (found) return found;
    }
    return undefined;
  };
  return walk(start, [startKey], new Set());
}

/** The keys of registries with a source referencing `changed` (they re-sync when its data changes). */
export function readersOf(changed: Pick<Registry, 'metadata'>, all: Iterable<Registry>): string[] {
  const key = keyOf(changed.metadata.namespace ?? '', changed.metadata.name ?? '');
  const out = new Set<string>();
  for (const reg of all)
    if (refTargets(reg).some((t) => keyOf(t.namespace, t.name) === key))
      out.add(keyOf(reg.metadata.namespace ?? '', reg.metadata.name ?? ''));
  return [...out];
}

/**
 * What a reader's sync depends on in the registries it references: their stored data (sources hash
 * and filter hash, as their status records them after a store) and whether they let the reader in.
 * A change here (data stored, annotation edited, registry created) syncs the reader at once, a failed
 * one included; status churn that changes no data (attempts, API replicas) does not.
 */
export function refFingerprint(reg: Pick<Registry, 'metadata' | 'spec'>, lookup: Lookup): string {
  const own = reg.metadata.namespace ?? '';
  return refTargets(reg)
    .map((t) => {
      const target = lookup(t.namespace, t.name);
      if (!target) return `ref:${keyOf(t.namespace, t.name)}@absent`;
      const sync = target.status?.sync;
      const allowed = readerAllowed(target, own) ? 'allowed' : 'refused';
      return `ref:${keyOf(t.namespace, t.name)}@${sync?.hash ?? '-'}/${sync?.filterHash ?? '-'}/${allowed}`;
    })
    .join(',');
}

/** The in-cluster address of a registry's REST API: its `<name>-api` Service (status.api.endpoint). */
export function serviceEndpoint(namespace: string, name: string): string {
  return `http://${apiName(name)}.${namespace}.svc:${API_PORT}`;
}
