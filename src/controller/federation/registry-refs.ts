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
import { readerAllowed as readerAllowedBy } from '../../admission/source-rules/registry-api-host.ts';

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
  const { namespace = '', annotations } = target.metadata;
  return readerAllowedBy({ namespace, annotations }, readerNamespace, ANNOTATION_ALLOWED_READERS);
}

export type Lookup = (namespace: string, name: string) => Registry | undefined;

/**
 * A cycle through `start` (A reads B reads A), as the keys along it ending with `start` again;
 * undefined when none. Only cycles through `start` are its problem: a registry that reads into someone
 * else's cycle fails because that registry has no data, which says so itself. Every registry is
 * visited at most once, so any ring is found however long, and the walk is bounded by the number of
 * registries; it keeps its own stack (no recursion), so a chain of thousands cannot overflow the
 * call stack.
 */
export function findCycle(start: Registry, lookup: Lookup): string[] | undefined {
  const startKey = keyOf(start.metadata.namespace ?? '', start.metadata.name ?? '');
  const parent = new Map<string, string>([[startKey, '']]);
  const stack: [string, Registry][] = [[startKey, start]];
  while (stack.length) {
    const [at, reg] = stack.pop() as [string, Registry];
    for (const t of refTargets(reg)) {
      const key = keyOf(t.namespace, t.name);
      if (key === startKey) {
        const path = [key];
        for (let k: string | undefined = at; k; k = parent.get(k)) path.unshift(k);
        return path;
      }
      if (parent.has(key)) continue;
      parent.set(key, at);
      const next = lookup(t.namespace, t.name);
      if (next) stack.push([key, next]);
    }
  }
  return undefined;
}

/**
 * A cycle as its reader may see it: registries of the reader's own namespace by name, any other
 * namespace's only as "a registry in another namespace" (their names and references are theirs;
 * SPEC §18 "whether a registry exists in another namespace cannot be probed").
 */
export function describeCycle(cycle: string[], readerNamespace: string): string {
  return cycle
    .map((k) => (k.startsWith(`${readerNamespace}/`) ? k : 'a registry in another namespace'))
    .join(' → ');
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
      // The base path is where readers find the API: a move must reach them at once.
      const base = target.spec.api?.basePath ?? '';
      return `ref:${keyOf(t.namespace, t.name)}@${sync?.hash ?? '-'}/${sync?.filterHash ?? '-'}/${allowed}${base}`;
    })
    .join(',');
}

/**
 * The in-cluster address of a registry's REST API: its `<name>-api` Service (status.api.endpoint),
 * under its `spec.api.basePath` (the API answers only there).
 */
export function serviceEndpoint(namespace: string, name: string, basePath = ''): string {
  return `http://${apiName(name)}.${namespace}.svc:${API_PORT}${basePath}`;
}
