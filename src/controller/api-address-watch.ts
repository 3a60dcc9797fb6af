/**
 * The informers behind the fetch-time rule that a registry's API is read only by its Service name
 * (SPEC §18, src/sources/api-address.ts): the registry API Services this operator created and the
 * EndpointSlices Kubernetes keeps for them (the API pods' addresses), in the watched namespaces, by
 * our labels (the EndpointSlice controller copies a Service's labels onto its slices). The index is
 * rebuilt on the first lookup after a change, so a fetch costs a few map reads.
 */
import type { Logger } from 'pino';
import type { KubeClient } from '../kube/client.ts';
import { LABEL_MANAGED_BY, MANAGED_BY } from '../api/constants.ts';
import { setRegistryApiAddresses } from '../sources/destinations.ts';
import { Informer } from './watch/informer.ts';
import {
  apiAddressIndex,
  type ApiAt,
  type EndpointSliceObject,
  type ServiceObject,
} from './workload/api-addresses.ts';

const SELECTOR = `${LABEL_MANAGED_BY}=${MANAGED_BY},app.kubernetes.io/name=thv-registry-api`;

/** Only what the index reads of a slice: a slice holds up to 100 endpoints with conditions and hints. */
function sliceAddresses(s: EndpointSliceObject): EndpointSliceObject {
  const { name, namespace, labels, ownerReferences, resourceVersion } = s.metadata;
  return {
    metadata: { name, namespace, labels, ownerReferences, resourceVersion },
    endpoints: (s.endpoints ?? []).map((e) => ({ addresses: e.addresses ?? [] })),
  };
}

export function watchApiAddresses(
  client: KubeClient,
  namespaces: (string | undefined)[],
  log: Logger,
): (Informer<ServiceObject> | Informer<EndpointSliceObject>)[] {
  let index: ApiAt | undefined;
  const changed = () => (index = undefined);
  const services = namespaces.map(
    (ns) =>
      new Informer<ServiceObject>(
        client,
        { group: '', version: 'v1', plural: 'services', namespace: ns },
        changed,
        log.child({ informer: 'services', namespace: ns }),
        { labelSelector: SELECTOR },
      ),
  );
  const slices = namespaces.map(
    (ns) =>
      new Informer<EndpointSliceObject>(
        client,
        { group: 'discovery.k8s.io', version: 'v1', plural: 'endpointslices', namespace: ns },
        changed,
        log.child({ informer: 'endpointslices', namespace: ns }),
        { labelSelector: SELECTOR, transform: sliceAddresses },
      ),
  );
  setRegistryApiAddresses((address, port) => {
    index ??= apiAddressIndex(
      services.flatMap((i) => i.list()),
      slices.flatMap((i) => i.list()),
    );
    return index(address, port);
  });
  return [...services, ...slices];
}

const LIST_WARN_MS = 30_000;

/**
 * Resolves true once every address informer has listed, false if `active()` turns false first. Until
 * then no fetch may run: an address not yet listed would pass the check. Fails closed: missing RBAC
 * (list/watch on endpointslices) keeps the workers waiting, with an error that says so.
 */
export async function apiAddressesListed(
  informers: { hasSynced(): boolean }[],
  active: () => boolean,
  log: Logger,
): Promise<boolean> {
  const since = Date.now();
  let warned = false;
  while (!informers.every((i) => i.hasSynced())) {
    if (!active()) return false;
    if (!warned && Date.now() - since > LIST_WARN_MS) {
      warned = true;
      log.error(
        'registry API Services and EndpointSlices not listed yet: syncs wait for them (SPEC §18); the operator needs list/watch on services and discovery.k8s.io endpointslices',
      );
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  return active();
}
