/**
 * Storage ConfigMaps of a registry: written only after a whole successful sync (shards first, the
 * main ConfigMap — the index — last, stale shards deleted after), read back whole by the registry
 * API and the CLI.
 */
import { isStatus, type KubeClient } from '../kube/client.ts';
import { parseStorage, type Catalog } from '../registry/index.ts';
import { GROUP, LABEL_MANAGED_BY, LABEL_REGISTRY, MANAGED_BY, KIND } from '../api/constants.ts';
import { layoutCatalog, readLayout, storageName, CHUNK_KEY, TornReadError } from './layout.ts';
import { CONFIGMAPS as CM, type ConfigMapObject } from '../kube/configmaps.ts';

export interface RegistryRef {
  namespace: string;
  name: string;
  uid: string;
}

export interface StoredInfo {
  configMaps: string[];
  bytes: number;
  compressed: boolean;
}

function meta(reg: RegistryRef, name: string) {
  return {
    name,
    namespace: reg.namespace,
    labels: { [LABEL_MANAGED_BY]: MANAGED_BY, [LABEL_REGISTRY]: reg.name },
    ownerReferences: [
      {
        apiVersion: `${GROUP}/v1beta1`,
        kind: KIND,
        name: reg.name,
        uid: reg.uid,
        controller: true,
        blockOwnerDeletion: true,
      },
    ],
  };
}

/** Creates or replaces one ConfigMap with exactly this content. Returns true when it wrote. */
async function put(
  client: KubeClient,
  reg: RegistryRef,
  name: string,
  content: { data?: Record<string, string>; binaryData?: Record<string, string> },
  guard: () => void,
): Promise<void> {
  const body = { apiVersion: 'v1', kind: 'ConfigMap', metadata: meta(reg, name), ...content };
  for (let attempt = 0; attempt < 5; attempt++) {
    const existing = await client.find<ConfigMapObject>({ ...CM, namespace: reg.namespace, name });
    guard();
    try {
      if (!existing) await client.create({ ...CM, namespace: reg.namespace }, body);
      else
        await client.replace(
          { ...CM, namespace: reg.namespace, name },
          { ...body, metadata: { ...body.metadata, resourceVersion: existing.metadata.resourceVersion } },
        );
      return;
    } catch (e) {
      if (isStatus(e, 409)) continue;
      throw e;
    }
  }
  throw new Error(`ConfigMap ${reg.namespace}/${name}: conflicting writers, gave up after 5 attempts`);
}

export async function writeStorage(
  client: KubeClient,
  reg: RegistryRef,
  text: string,
  guard: () => void = () => {},
): Promise<StoredInfo> {
  const layout = layoutCatalog(reg.name, text);
  for (const shard of layout.shards)
    await put(client, reg, shard.name, { binaryData: shard.binaryData }, guard);
  await put(client, reg, storageName(reg.name), layout.main, guard);
  const keep = new Set([storageName(reg.name), ...layout.shards.map((s) => s.name)]);
  const all = await client.list<ConfigMapObject>(
    { ...CM, namespace: reg.namespace },
    { labelSelector: `${LABEL_REGISTRY}=${reg.name}` },
  );
  for (const cm of all.items) {
    if (keep.has(cm.metadata.name)) continue;
    guard();
    await client.deleteIfExists({ ...CM, namespace: reg.namespace, name: cm.metadata.name });
  }
  return {
    configMaps: [storageName(reg.name), ...layout.shards.map((s) => s.name)],
    bytes: layout.bytes,
    compressed: layout.compressed,
  };
}

export async function deleteStorage(client: KubeClient, namespace: string, registry: string): Promise<void> {
  const all = await client.list<ConfigMapObject>(
    { ...CM, namespace },
    { labelSelector: `${LABEL_REGISTRY}=${registry},${LABEL_MANAGED_BY}=${MANAGED_BY}` },
  );
  for (const cm of all.items) await client.deleteIfExists({ ...CM, namespace, name: cm.metadata.name });
}

/** Reads the stored catalog text, retrying a read torn by a concurrent write. undefined when nothing is stored. */
export async function readStoredText(
  client: KubeClient,
  namespace: string,
  name: string,
): Promise<{ text: string; bytes: number; compressed: boolean; configMaps: string[] } | undefined> {
  for (let attempt = 0; ; attempt++) {
    const main = await client.find<ConfigMapObject>({ ...CM, namespace, name: storageName(name) });
    if (!main) return undefined;
    try {
      const r = await readLayout(main, async (shard) => {
        const cm = await client.find<ConfigMapObject>({ ...CM, namespace, name: shard });
        return cm?.binaryData?.[CHUNK_KEY];
      });
      return {
        text: r.text,
        bytes: r.bytes,
        compressed: r.compressed,
        configMaps: [storageName(name), ...r.shards],
      };
    } catch (e) {
      if (e instanceof TornReadError && attempt < 5) {
        await new Promise((res) => setTimeout(res, 200 * (attempt + 1)));
        continue;
      }
      throw e;
    }
  }
}

/** The registry's stored catalog, read whole (plain, gzip or sharded). */
export async function readStoredCatalog(
  client: KubeClient,
  namespace: string,
  name: string,
): Promise<{ catalog: Catalog; bytes: number; configMaps: string[] } | undefined> {
  const r = await readStoredText(client, namespace, name);
  if (!r) return undefined;
  return { catalog: parseStorage(r.text), bytes: r.bytes, configMaps: r.configMaps };
}
