/**
 * The informers behind the fetch-time rule that a registry's API is read only by its Service name
 * (SPEC §18, src/sources/destinations/api-address.ts): the registry API Services this operator created and the
 * EndpointSlices Kubernetes keeps for them (the API pods' addresses), in the watched namespaces, by
 * our labels (the EndpointSlice controller copies a Service's labels onto its slices); and every Node,
 * cluster-wide whatever namespaces are watched (a node port answers on each node's addresses, public
 * ones included). The index is rebuilt on the first lookup after a change, so a fetch costs a few map
 * reads.
 */
import type { Logger } from 'pino';
import type { KubeClient } from '../kube/client.ts';
import { LABEL_MANAGED_BY, MANAGED_BY } from '../api/constants.ts';
import { setRegistryApiAddresses } from '../sources/destinations/destinations.ts';
import { Informer } from './watch/informer.ts';
import {
  apiAddressIndex,
  type ApiAt,
  type EndpointSliceObject,
  type NodeObject,
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

/** Only a Node's name and addresses: its status also lists every image it holds, its conditions... */
function nodeAddresses(n: NodeObject): NodeObject {
  const { name, resourceVersion } = n.metadata;
  return {
    metadata: { name, resourceVersion },
    status: { addresses: (n.status?.addresses ?? []).map(({ type, address }) => ({ type, address })) },
  };
}

const addressesOf = (n: NodeObject) => (n.status?.addresses ?? []).map((a) => a.address ?? '').join(',');

export type ApiAddressInformer =
  Informer<ServiceObject> | Informer<EndpointSliceObject> | Informer<NodeObject>;

export function watchApiAddresses(
  client: KubeClient,
  namespaces: (string | undefined)[],
  log: Logger,
): ApiAddressInformer[] {
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
  // Nodes report their status every few minutes: only a change of addresses rebuilds the index.
  const known = new Map<string, string>();
  const nodes = new Informer<NodeObject>(
    client,
    { group: '', version: 'v1', plural: 'nodes' },
    (type, n) => {
      const name = n.metadata.name ?? '';
      const now = type === 'delete' ? undefined : addressesOf(n);
      if (known.get(name) === now) return;
      if (now === undefined) known.delete(name);
      else known.set(name, now);
      changed();
    },
    log.child({ informer: 'nodes' }),
    { transform: nodeAddresses, pageSize: 100 },
  );
  setRegistryApiAddresses((address, port) => {
    index ??= apiAddressIndex(
      services.flatMap((i) => i.list()),
      slices.flatMap((i) => i.list()),
      nodes.list(),
    );
    return index(address, port);
  });
  return [...services, ...slices, nodes];
}

const LIST_WARN_MS = 30_000;

/** What the wait reads of an informer (a plain object in the unit test). */
export interface Listing {
  hasSynced(): boolean;
  lastError(): { status?: number; message: string } | undefined;
  readonly resource: string;
}

const DENIED = new Set([401, 403]);

/**
 * Resolves true once every address informer has listed, false if `active()` turns false first. Until
 * then no fetch may run: an address not yet listed would pass the check. Fails closed: missing RBAC
 * (list/watch on services, endpointslices or nodes) keeps the workers waiting, with an error naming
 * the resource and the apiserver's answer at once, and the informers keep retrying, so granting it
 * later starts them without a restart.
 */
export async function apiAddressesListed(
  informers: Listing[],
  active: () => boolean,
  log: Logger,
): Promise<boolean> {
  const since = Date.now();
  let warned = false;
  const denied = new Set<string>();
  while (!informers.every((i) => i.hasSynced())) {
    if (!active()) return false;
    const pending = informers.filter((i) => !i.hasSynced());
    for (const i of pending) {
      const err = i.lastError();
      if (!err?.status || !DENIED.has(err.status) || denied.has(i.resource)) continue;
      denied.add(i.resource);
      log.error(
        { resource: i.resource, status: err.status, err: err.message },
        `syncs wait: the operator may not list ${i.resource} (${err.status}: ${err.message}), and a registry API's addresses must be known before any fetch (SPEC §18); grant it list/watch on services, discovery.k8s.io endpointslices and nodes (the shipped ClusterRole does)`,
      );
    }
    if (!warned && Date.now() - since > LIST_WARN_MS) {
      warned = true;
      const why = pending.map((i) => {
        const err = i.lastError();
        return err ? `${i.resource} (${err.message})` : i.resource;
      });
      log.error(
        { pending: pending.map((i) => i.resource) },
        `registry API addresses not listed yet: syncs wait for them (SPEC §18); not listed: ${why.join(', ')}; the operator needs list/watch on services, discovery.k8s.io endpointslices and nodes`,
      );
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  return active();
}
