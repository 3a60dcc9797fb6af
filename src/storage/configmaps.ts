/**
 * Storage ConfigMaps of a registry: written only after a whole successful sync (shards first, the
 * main ConfigMap — the index — last, stale shards deleted after), read back whole by the registry
 * API and the CLI. Only objects this registry controls (owner uid) are ever replaced or deleted.
 */
import { isStatus, METADATA_ACCEPT, METADATA_LIST_ACCEPT, type KubeClient } from '../kube/client.ts';
import { parseStorage, storageChunks, type Catalog } from '../registry/index.ts';
import { GROUP, LABEL_MANAGED_BY, LABEL_REGISTRY, MANAGED_BY, KIND } from '../api/constants.ts';
import {
  layoutCatalog,
  layoutPieces,
  readLayout,
  storageName,
  CHUNK_KEY,
  TornReadError,
  type Layout,
} from './layout.ts';
import { CONFIGMAPS as CM, type ConfigMapObject } from '../kube/configmaps.ts';
import { ANNOTATION_CONTENT_SHA256, contentSha256, controlledBy, NameConflictError } from './ownership.ts';
import { isLabelValue } from '../api/labels.ts';

export interface RegistryRef {
  namespace: string;
  name: string;
  uid: string;
}

export interface StoredInfo {
  configMaps: string[];
  bytes: number;
  compressed: boolean;
  /**
   * The resourceVersion each write returned, by name: the versions whose content is what was
   * written (the controller's integrity check trusts these without reading the content back). A
   * ConfigMap left as it was (writeStorage's `trusted`) has the version it had.
   */
  versions: Record<string, string>;
  /** The names actually written (created or replaced): the others already held this content. */
  written?: string[];
}

type Content = { data?: Record<string, string>; binaryData?: Record<string, string> };

function meta(reg: RegistryRef, name: string, content: Content) {
  return {
    name,
    namespace: reg.namespace,
    labels: { [LABEL_MANAGED_BY]: MANAGED_BY, [LABEL_REGISTRY]: reg.name },
    annotations: { [ANNOTATION_CONTENT_SHA256]: contentSha256(content) },
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

/**
 * The existing object at name, refusing one this registry does not control (never taken over). Its
 * metadata only: ownership, uid and resourceVersion are all a write needs, not ~110 KB of catalog.
 */
async function findOwned(client: KubeClient, reg: RegistryRef, name: string) {
  const existing = await client.find<ConfigMapObject>(
    { ...CM, namespace: reg.namespace, name },
    undefined,
    METADATA_ACCEPT,
  );
  if (existing && !controlledBy(existing, reg.uid))
    throw new NameConflictError('ConfigMap', reg.namespace, name, reg.name);
  return existing;
}

/**
 * Creates or replaces one ConfigMap of ours with exactly this content; returns the resourceVersion
 * written. The answer is asked as metadata: the apiserver would otherwise echo the content back.
 */
async function put(
  client: KubeClient,
  reg: RegistryRef,
  name: string,
  content: Content,
  guard: () => void,
  /** What writeStorage's check just read (undefined: absent), used for the first attempt only. */
  checked?: { existing: ConfigMapObject | undefined },
): Promise<string> {
  const body = { apiVersion: 'v1', kind: 'ConfigMap', metadata: meta(reg, name, content), ...content };
  for (let attempt = 0; attempt < 5; attempt++) {
    // A conflict re-reads: the first attempt reuses the check's read (one GET fewer per write).
    const existing = attempt === 0 && checked ? checked.existing : await findOwned(client, reg, name);
    guard();
    try {
      const written = !existing
        ? await client.create<ConfigMapObject>(
            { ...CM, namespace: reg.namespace },
            body,
            undefined,
            METADATA_ACCEPT,
          )
        : await client.replace<ConfigMapObject>(
            { ...CM, namespace: reg.namespace, name },
            // The uid precondition: a user's object created in place of ours since the read is not replaced.
            {
              ...body,
              metadata: {
                ...body.metadata,
                uid: existing.metadata.uid,
                resourceVersion: existing.metadata.resourceVersion,
              },
            },
            undefined,
            METADATA_ACCEPT,
          );
      return written.body.metadata.resourceVersion ?? '';
    } catch (e) {
      if (isStatus(e, 409)) continue;
      throw e;
    }
  }
  throw new Error(`ConfigMap ${reg.namespace}/${name}: conflicting writers, gave up after 5 attempts`);
}

/**
 * The storage ConfigMaps this registry controls. Selected by the managed-by label, whose value is
 * always valid (a registry name may not be a valid label value: one stored before admission refused
 * such names must still be deletable), then filtered by owner uid: a label proves nothing.
 */
export async function ownedStorage(
  client: KubeClient,
  reg: RegistryRef,
  /** Also select by the registry label when its name is a valid label value (writeStorage does). */
  narrow = false,
): Promise<ConfigMapObject[]> {
  // Narrowed, the list after every write returns this registry's few ConfigMaps, not every registry's
  // storage in the namespace: with 200 registries that list was ~21 MB of JSON per sync (docs/performance.md).
  const own = narrow && reg.name !== '' && isLabelValue(reg.name) ? `,${LABEL_REGISTRY}=${reg.name}` : '';
  // Metadata only: deleting needs names and uids, not every ConfigMap's content.
  const all = await client.list<ConfigMapObject>(
    { ...CM, namespace: reg.namespace },
    { labelSelector: `${LABEL_MANAGED_BY}=${MANAGED_BY}${own}` },
    METADATA_LIST_ACCEPT,
  );
  return all.items.filter((cm) => controlledBy(cm, reg.uid));
}

async function deleteOwned(client: KubeClient, reg: RegistryRef, cm: ConfigMapObject, guard: () => void) {
  guard();
  // The uid precondition: never delete an object that replaced ours since the list.
  await client
    .delete({ ...CM, namespace: reg.namespace, name: cm.metadata.name }, undefined, {
      preconditions: { uid: cm.metadata.uid },
    })
    .catch((e: unknown) => {
      if (!isStatus(e, 404) && !isStatus(e, 409)) throw e;
    });
}

/**
 * What the controller's informer knows of the namespace's ConfigMaps (metadata suffices), so a write
 * skips the reads it would repeat: a GET per name before writing, and the LIST for stale shards.
 * Pass one only when the informer has listed the namespace.
 */
export interface StorageCache {
  /** The cached object at name; undefined when the cache holds none. */
  get(name: string): ConfigMapObject | undefined;
  /** Every name that may be this registry's storage: the cache's and those its status records. */
  storageNames(): string[];
}

/**
 * The pre-write check of one name. From the cache when it says absent or ours: a stale answer only
 * makes the create or replace fail with 409, and put() then reads the object (a user's object
 * created since is refused there). A foreign object in the cache is confirmed with a GET: it may
 * have been deleted since.
 */
async function checkOwned(client: KubeClient, reg: RegistryRef, name: string, cache?: StorageCache) {
  const c = cache?.get(name);
  if (cache && (!c || controlledBy(c, reg.uid))) return c;
  return findOwned(client, reg, name);
}

/**
 * Stores a catalog: its storage text (serializeForStorage), the catalog itself, serialized and
 * gzipped piece by piece so the whole text never exists (a 10,000-server catalog is ~17 MB of it),
 * or the layout of either, made before.
 */
export async function writeStorage(
  client: KubeClient,
  reg: RegistryRef,
  content: string | Catalog | Layout,
  guard: () => void = () => {},
  cache?: StorageCache,
  /** Called with every name this write keeps once all are checked, before anything is written. */
  beforeWrite?: (names: string[]) => Promise<void>,
  /**
   * Whether this version of a ConfigMap is known to hold what its content-sha256 annotation says
   * (the controller's integrity check, storage-verified.ts). Such a ConfigMap whose annotation is
   * already the new content's hash is not written again: a resync that changed a few servers writes
   * only the shards whose bytes changed. Without it every ConfigMap is written: an annotation alone
   * proves nothing (anyone who may edit the ConfigMap may leave it in place).
   */
  trusted?: (name: string, resourceVersion: string) => boolean,
): Promise<StoredInfo> {
  // A Layout was made off the event loop already (the controller's sync workers).
  const layout =
    typeof content === 'string'
      ? layoutCatalog(reg.name, content)
      : 'main' in content
        ? content
        : await layoutPieces(reg.name, storageChunks(content));
  const names = [storageName(reg.name), ...layout.shards.map((s) => s.name)];
  // Every name is checked before anything is written: a conflict on shard 3 must not leave shards
  // 0-2 rewritten under the old index.
  const checked = new Map<string, { existing: ConfigMapObject | undefined }>();
  for (const name of names) checked.set(name, { existing: await checkOwned(client, reg, name, cache) });
  await beforeWrite?.(names);
  const versions: Record<string, string> = {};
  const written: string[] = [];
  const write = async (name: string, content: Content) => {
    const existing = checked.get(name)?.existing;
    const rv = existing?.metadata.resourceVersion;
    if (
      existing &&
      rv &&
      trusted?.(name, rv) &&
      existing.metadata.annotations?.[ANNOTATION_CONTENT_SHA256] === contentSha256(content)
    ) {
      guard();
      versions[name] = rv;
      return;
    }
    versions[name] = await put(client, reg, name, content, guard, checked.get(name));
    written.push(name);
  };
  for (const shard of layout.shards) await write(shard.name, { binaryData: shard.binaryData });
  await write(storageName(reg.name), layout.main);
  const keep = new Set(names);
  // The LIST (a request more) only when the cache or the status names a ConfigMap of this registry
  // that this layout does not keep.
  if (!cache || cache.storageNames().some((n) => !keep.has(n)))
    for (const cm of await ownedStorage(client, reg, true))
      if (!keep.has(cm.metadata.name)) await deleteOwned(client, reg, cm, guard);
  return { configMaps: names, bytes: layout.bytes, compressed: layout.compressed, versions, written };
}

/** Deletes the storage ConfigMaps this registry controls, and nothing else (the finalizer's cleanup). */
export async function deleteStorage(
  client: KubeClient,
  reg: RegistryRef,
  guard: () => void = () => {},
): Promise<void> {
  for (const cm of await ownedStorage(client, reg)) await deleteOwned(client, reg, cm, guard);
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
