/**
 * Registry federation at fetch time: each `registryRef` source becomes a `registry` source with the
 * referenced registry's API address as its baseURL, after the checks that make reading it legitimate
 * and meaningful. Every refusal is a SourceError (condition SourceAvailable=False with its reason),
 * so a reference problem reads like any other source problem and retries with the same backoff.
 *
 *   RegistryRefForbidden  another namespace's registry that does not exist or does not list the
 *                         reader's namespace in allowed-reader-namespaces (one answer for both)
 *   RegistryRefNotFound   no such MCPRegistry in the reader's own namespace
 *   RegistryRefCycle      A reads B reads A (found before any request: never a sync loop); other
 *                         namespaces' registries on the ring are not named
 *   RegistryRefNotReady   it has stored no data yet (its API would serve nothing)
 *   RegistryRefNoAPI      the operator deploys no registry APIs and no endpoint is configured
 */
import { ANNOTATION_ALLOWED_READERS } from '../../api/constants.ts';
import type { MCPRegistryV1beta1, SourceV1beta1 } from '../../api/types.ts';
import { SourceError } from '../../sources/types.ts';
import { sourcePolicy } from '../../sources/destinations/destinations.ts';
import {
  foreignRegistryApi,
  foreignRegistryRefusal,
} from '../../admission/source-rules/registry-api-host.ts';
import {
  describeCycle,
  findCycle,
  keyOf,
  readerAllowed,
  refFingerprint,
  serviceEndpoint,
  type Lookup,
} from './registry-refs.ts';

export interface RefResolverOptions {
  /** A registry from the informer cache; undefined when not cached. */
  cached: Lookup;
  /** A registry read from the apiserver (a namespace outside --watch-namespaces is not cached). */
  get: (namespace: string, name: string) => Promise<MCPRegistryV1beta1 | undefined>;
  /** Fixed API addresses by `namespace/name` (--registry-ref-endpoints): tests and the local stack. */
  endpoints: Readonly<Record<string, string>>;
  /** Whether the operator deploys each registry's API Service (--deploy-registry-api). */
  apiDeployed: boolean;
}

/** The one answer for another namespace's registry that is missing or does not let `own` read it. */
export function refusedMessage(source: string, key: string, own: string): string {
  return `source ${source}: MCPRegistry ${key} does not exist or does not allow registries in namespace ${own} to read it; its owners can add "${own}" to its ${ANNOTATION_ALLOWED_READERS} annotation`;
}

/**
 * A url or registry source whose URL names another namespace's registry API Service reads that
 * registry as a registryRef would: the same consent, asked at every fetch (SPEC §18), with the same
 * answer for a registry that is missing and one that refuses.
 */
async function checkApiConsent(s: SourceV1beta1, own: string, o: RefResolverOptions): Promise<void> {
  const url = s.type === 'url' ? s.url?.href : s.type === 'registry' ? s.registry?.baseURL : undefined;
  const t = url ? foreignRegistryApi(url, own, sourcePolicy().clusterDomain) : undefined;
  if (!t) return;
  const target = o.cached(t.namespace, t.name) ?? (await o.get(t.namespace, t.name));
  if (!target || !readerAllowed(target, own))
    throw new SourceError(
      'RegistryRefForbidden',
      `source ${s.name}: ${foreignRegistryRefusal(t, own, ANNOTATION_ALLOWED_READERS)}`,
    );
}

/** The registry's sources with every registryRef resolved to a baseURL (others unchanged). */
export async function resolveSources(
  reg: MCPRegistryV1beta1,
  o: RefResolverOptions,
): Promise<SourceV1beta1[]> {
  const own = reg.metadata.namespace ?? '';
  const out: SourceV1beta1[] = [];
  for (const s of reg.spec.sources) {
    const ref = s.type === 'registry' ? s.registry?.registryRef : undefined;
    if (!ref || !s.registry) {
      await checkApiConsent(s, own, o);
      out.push(s);
      continue;
    }
    const ns = ref.namespace ?? own;
    const key = keyOf(ns, ref.name);
    const target = o.cached(ns, ref.name) ?? (await o.get(ns, ref.name));
    // Another namespace's registry that is missing reads exactly like one that refuses this reader:
    // otherwise a reference would tell whether a registry exists where its author cannot look.
    if (ns !== own && (!target || !readerAllowed(target, own)))
      throw new SourceError('RegistryRefForbidden', refusedMessage(s.name, key, own));
    if (!target)
      throw new SourceError(
        'RegistryRefNotFound',
        `source ${s.name}: MCPRegistry ${key} not found; this registry syncs as soon as it exists`,
      );
    // The start is this very object (its newest spec), not the cache's copy of it.
    const self = keyOf(own, reg.metadata.name ?? '');
    const cycle = findCycle(reg, (n, m) =>
      keyOf(n, m) === self ? reg : keyOf(n, m) === key ? target : o.cached(n, m),
    );
    if (cycle)
      throw new SourceError(
        'RegistryRefCycle',
        `source ${s.name}: registry reference cycle ${describeCycle(cycle, own)}: a registry cannot read itself, directly or through others; remove one of these references`,
      );
    if (!target.status?.sync?.lastSyncTime)
      throw new SourceError(
        'RegistryRefNotReady',
        `source ${s.name}: MCPRegistry ${key} has no data yet (phase ${target.status?.phase ?? 'Pending'}); this registry syncs as soon as it has`,
      );
    const endpoint =
      o.endpoints[key] ??
      (o.apiDeployed ? serviceEndpoint(ns, ref.name, target.spec.api?.basePath) : undefined);
    if (!endpoint)
      throw new SourceError(
        'RegistryRefNoAPI',
        `source ${s.name}: MCPRegistry ${key} has no API Service to read: the operator runs with --deploy-registry-api=false (set --registry-ref-endpoints to read it elsewhere)`,
      );
    out.push({ ...s, registry: { ...s.registry, baseURL: endpoint } });
  }
  return out;
}

/**
 * How long after a referenced registry changes its readers look (they are queued, not synced at once):
 * its API reloads the new storage through its own watch, which normally lands well within this.
 */
export const REF_SETTLE_MS = 500;

/** The ReconcilerIO hooks of federation, over the registry informers' cache and a GET fallback. */
export function federationHooks(o: RefResolverOptions): {
  resolveSources: (reg: MCPRegistryV1beta1) => Promise<SourceV1beta1[]>;
  registryRefVersions: (reg: MCPRegistryV1beta1) => string;
} {
  return {
    resolveSources: (reg) => resolveSources(reg, o),
    registryRefVersions: (reg) => refFingerprint(reg, o.cached),
  };
}
