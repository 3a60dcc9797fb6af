/**
 * What a workload review needs from the cluster, gathered before the (worker-side) decision: the
 * namespace's MCPRegistries (their phase, whether they enforce), and the stored catalog of each one
 * the decision reads, loaded into the worker once per storage change. Only the request's own namespace
 * is read, plus the registries the platform policy names; storage is trusted only when the registry
 * controls it (owner uid), so a ConfigMap planted under a storage name is never read as a catalog.
 */
import { DNS_SUBDOMAIN_PATTERN } from '../../api/schema/common.ts';
import { METADATA_ACCEPT, type KubeClient } from '../../kube/client.ts';
import { CONFIGMAPS as CM, type ConfigMapObject } from '../../kube/configmaps.ts';
import { REGISTRIES } from '../../kube/mcpregistries.ts';
import { CHUNK_KEY, INDEX_KEY, storageName } from '../../storage/layout.ts';
import { controlledBy } from '../../storage/ownership.ts';
import type { WorkloadWorker } from './pool.ts';
import type { StoredContent } from './protocol.ts';

export interface RegistryObject {
  metadata: { name: string; namespace?: string; uid?: string };
  spec?: { enforceServers?: boolean };
  status?: { phase?: string };
}

export interface GatheredRegistry {
  name: string;
  namespace: string;
  phase?: string;
  enforces: boolean;
  /** The worker's key for its catalog; undefined when nothing is stored yet. */
  key?: string;
}

export function registryView(r: RegistryObject, namespace: string): GatheredRegistry {
  return {
    name: r.metadata.name,
    namespace,
    ...(r.status?.phase && { phase: r.status.phase }),
    enforces: r.spec?.enforceServers === true,
  };
}

export async function listRegistries(client: KubeClient, namespace: string): Promise<RegistryObject[]> {
  return (await client.list<RegistryObject>({ ...REGISTRIES, namespace })).items;
}

const OBJECT_NAME = new RegExp(DNS_SUBDOMAIN_PATTERN);

/**
 * The registry of that name; undefined, without asking, for a name no object can have (a workload
 * annotation is the tenant's text: `.` would otherwise name the collection, and the apiserver refuses
 * the GET of `..`), so every such name is answered like a missing registry.
 */
export async function getRegistry(
  client: KubeClient,
  namespace: string,
  name: string,
): Promise<RegistryObject | undefined> {
  if (name.length > 253 || !OBJECT_NAME.test(name)) return undefined;
  return client.find<RegistryObject>({ ...REGISTRIES, namespace, name });
}

async function readContent(
  client: KubeClient,
  namespace: string,
  main: ConfigMapObject,
): Promise<StoredContent> {
  const shards: Record<string, string> = {};
  const indexText = main.data?.[INDEX_KEY];
  if (indexText !== undefined) {
    const index = JSON.parse(indexText) as { shards?: unknown };
    for (const name of Array.isArray(index.shards) ? index.shards : []) {
      if (typeof name !== 'string') continue;
      const cm = await client.find<ConfigMapObject>({ ...CM, namespace, name });
      const chunk = cm?.binaryData?.[CHUNK_KEY];
      if (chunk !== undefined) shards[name] = chunk;
    }
  }
  return {
    main: { ...(main.data && { data: main.data }), ...(main.binaryData && { binaryData: main.binaryData }) },
    shards,
  };
}

/**
 * Makes sure the worker holds the registry's stored catalog at its current version; returns the key
 * (undefined: nothing stored, or storage this registry does not control). A metadata GET per request;
 * the content is read only when it changed.
 */
export async function loadCatalog(
  client: KubeClient,
  worker: WorkloadWorker,
  reg: RegistryObject,
  namespace: string,
): Promise<string | undefined> {
  const name = storageName(reg.metadata.name);
  const meta = await client.find<ConfigMapObject>({ ...CM, namespace, name }, undefined, METADATA_ACCEPT);
  if (!meta || !controlledBy(meta, reg.metadata.uid ?? '')) return undefined;
  const key = `${namespace}/${reg.metadata.name}`;
  const rv = meta.metadata.resourceVersion ?? '';
  for (let attempt = 0; ; attempt++) {
    try {
      await worker.ensure(key, rv, async () => {
        const full = await client.get<ConfigMapObject>({ ...CM, namespace, name });
        return readContent(client, namespace, full);
      });
      return key;
    } catch (e) {
      // A sharded write in progress: read again (the index and shards settle within a sync).
      if ((e as Error).name === 'TornReadError' && attempt < 2) continue;
      throw e;
    }
  }
}
