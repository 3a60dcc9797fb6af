/**
 * Every side effect the reconciler has, behind one interface: the real one talks to the apiserver
 * (kubeReconcilerIO), a unit test passes a fake so the reconciler's logic runs without a cluster.
 * Writes go through `guard` so a replica that lost its lease never writes.
 */
import { METADATA_ACCEPT, type KubeClient } from '../../kube/client.ts';
import { prepareValidators, type Catalog } from '../../registry/index.ts';
import type { MCPRegistryV1beta1, SourceV1beta1, StatusV1beta1 } from '../../api/types.ts';
import { CONFIGMAPS, type ConfigMapObject } from '../../kube/configmaps.ts';
import { getRegistry, setFinalizers, updateStatus } from '../../kube/mcpregistries.ts';
import { deleteStorage, writeStorage, type StorageCache, type StoredInfo } from '../../storage/configmaps.ts';
import { storageName, type Layout } from '../../storage/layout.ts';
import { storageDrift, storageMetaDrift } from '../../storage/ownership.ts';
import {
  cachedStorageNames,
  metadataView,
  sourceContent,
  type CachedConfigMap,
} from '../watch/configmap-cache.ts';
import { VerifiedStorage } from '../watch/storage-verified.ts';
import { OwnWrites } from '../watch/own-writes.ts';
import { fetchSource, type FetchedSource, type UrlCache } from '../../sources/index.ts';
import { recordEvent } from '../events.ts';
import type { ApiView } from './decide.ts';
import { Mirrors } from './mirrors.ts';
import { fallbackEvents } from './mirror-status.ts';

export interface ApiWorkloadHooks {
  /** Applies the workload; its Role grants `storage` (default: the ConfigMaps status records). */
  reconcile(reg: MCPRegistryV1beta1, storage?: readonly string[]): Promise<ApiView>;
  /** Applies only the Role, granting `storage`: before a write that adds shards the main ConfigMap will name. */
  grant?(reg: MCPRegistryV1beta1, storage: readonly string[]): Promise<void>;
  /** The workload's state from the controller's cache; undefined when its Deployment is missing. */
  observe(reg: MCPRegistryV1beta1): ApiView | undefined;
  cleanup(reg: MCPRegistryV1beta1): Promise<void>;
}

export interface ReconcilerIO {
  getRegistry(namespace: string, name: string): Promise<MCPRegistryV1beta1 | undefined>;
  setFinalizers(reg: MCPRegistryV1beta1, finalizers: string[]): Promise<MCPRegistryV1beta1>;
  /** Writes status computed from the freshest object (re-read on conflict); undefined = object gone. */
  updateStatus(
    reg: MCPRegistryV1beta1,
    compute: (fresh: MCPRegistryV1beta1) => StatusV1beta1 | undefined,
  ): Promise<MCPRegistryV1beta1 | undefined>;
  /** Whether the registry's main storage ConfigMap exists. */
  storagePresent(namespace: string, name: string): Promise<boolean>;
  /** Resource versions of the named source ConfigMaps (a fingerprint; changes when one changes). */
  configMapVersions(namespace: string, names: string[]): string;
  /** The same fingerprint of the named Secrets (read by GET: Secrets are not watched). */
  secretVersions(namespace: string, names: string[]): Promise<string>;
  /** Why the registry's stored ConfigMaps differ from what was written (storage integrity), or undefined. */
  storageDrift(reg: MCPRegistryV1beta1): Promise<string | undefined>;
  /**
   * Fetches every source in order (a registry source for its changes only when it can: mirrors.ts);
   * throws SourceError for a source's failure.
   */
  fetchSources(reg: MCPRegistryV1beta1): Promise<FetchedSource[]>;
  /** Fingerprint of the registries its registryRef sources read (registry-refs.ts); '' without any. */
  registryRefVersions?(reg: MCPRegistryV1beta1): string;
  /**
   * Stores the catalog (serialized and gzipped piece by piece: no whole text is built), or its
   * layout made by a sync worker (sync-work.ts).
   */
  writeStorage(reg: MCPRegistryV1beta1, content: Catalog | Layout): Promise<StoredInfo>;
  /** Deletes the storage ConfigMaps the registry controls (owner uid), nothing else. */
  deleteStorage(reg: MCPRegistryV1beta1): Promise<void>;
  recordEvent(
    reg: MCPRegistryV1beta1,
    type: 'Normal' | 'Warning',
    reason: string,
    message: string,
  ): Promise<void>;
  apiWorkload?: ApiWorkloadHooks;
  /** Throws when this process may not write (not the leader, or its lease may have lapsed). */
  guard(): void;
}

export interface KubeIOOptions {
  client: KubeClient;
  guard: () => void;
  urlCache: UrlCache;
  retryDelayMs?: number;
  /** Informer-cache lookups: a fingerprint of source ConfigMaps, and whether one is cached. */
  configMapVersions: (namespace: string, names: string[]) => string;
  configMapCached: (namespace: string, name: string) => boolean;
  /** The cached ConfigMap: whole, or for a storage ConfigMap its metadata only (configmap-cache.ts). */
  configMapObject?: (namespace: string, name: string) => CachedConfigMap | undefined;
  /** Every cached ConfigMap of the namespace once its informer has listed it; undefined before. */
  configMapsOf?: (namespace: string) => Iterable<CachedConfigMap> | undefined;
  apiWorkload?: ApiWorkloadHooks;
  /**
   * The registry from the informer's cache (own-writes.ts says when it is too old); without it, or
   * on a miss, every reconcile GETs the registry.
   */
  registryCached?: (namespace: string, name: string) => MCPRegistryV1beta1 | undefined;
  /** registryRef sources resolved to their registry's API (registry-ref-resolver.ts), and their fingerprint. */
  resolveSources?: (reg: MCPRegistryV1beta1) => Promise<SourceV1beta1[]>;
  registryRefVersions?: (reg: MCPRegistryV1beta1) => string;
}

export function kubeReconcilerIO(o: KubeIOOptions): ReconcilerIO {
  const { client, guard } = o;
  // The entry schemas compile while the informers list, not in the first sync (docs/performance.md).
  setTimeout(prepareValidators, 0).unref();
  const ref = (reg: MCPRegistryV1beta1) => ({
    namespace: reg.metadata.namespace ?? '',
    name: reg.metadata.name ?? '',
    uid: reg.metadata.uid ?? '',
  });
  /** The informer's view for writeStorage, with the names the registry's status records. */
  const storageCache = (reg: MCPRegistryV1beta1): StorageCache | undefined => {
    const r = ref(reg);
    const all = o.configMapsOf?.(r.namespace);
    if (!all || !o.configMapObject) return undefined;
    const get = o.configMapObject;
    return {
      get: (name) => get(r.namespace, name),
      storageNames: () => [...cachedStorageNames(all, r), ...(reg.status?.storage?.configMaps ?? [])],
    };
  };
  const own = new OwnWrites();
  const mirrors = new Mirrors();
  const verified = new VerifiedStorage();
  /**
   * The integrity check of one storage ConfigMap (storage-verified.ts): from metadata when the
   * version is one this process wrote or already compared, else read whole by GET and compared with
   * its annotation (then that version is remembered, so it is read once).
   */
  const checkStorage = async (namespace: string, name: string, uid: string): Promise<string | undefined> => {
    const cmRef = { ...CONFIGMAPS, namespace, name };
    // A cache miss may be our own write not delivered yet: ask the API (metadata) before calling it drift.
    const seen =
      o.configMapObject?.(namespace, name) ??
      (await client
        .find<ConfigMapObject>(cmRef, undefined, METADATA_ACCEPT)
        .then((m) => m && metadataView(m)));
    const why = storageMetaDrift(name, seen, uid);
    if (why || !seen) return why;
    if (verified.verified(uid, name, seen.metadata.resourceVersion)) return undefined;
    // A version this process neither wrote nor compared: someone else's edit, or any after a restart.
    const whole = sourceContent(seen) ?? (await client.find<ConfigMapObject>(cmRef));
    const drift = storageDrift(name, whole, uid);
    if (!drift) verified.remember(uid, name, whole?.metadata.resourceVersion);
    return drift;
  };
  return {
    async getRegistry(namespace, name) {
      const cached = o.registryCached?.(namespace, name);
      // A copy so the reconcile never changes the informer's object.
      if (cached && own.usable(cached)) return structuredClone(cached);
      const got = await getRegistry(client, namespace, name);
      if (!got) own.forget(namespace, name);
      if (!got) mirrors.forget(`${namespace}/${name}`);
      return got;
    },
    setFinalizers(reg, finalizers) {
      guard();
      return own.track(reg, setFinalizers(client, reg, finalizers));
    },
    updateStatus: (reg, compute) => own.track(reg, updateStatus(client, reg, compute, guard)),
    async storagePresent(namespace, name) {
      if (o.configMapCached(namespace, storageName(name))) return true;
      // A miss may be a write the watch has not delivered yet: ask the API (metadata) rather than resync.
      const ref = { ...CONFIGMAPS, namespace, name: storageName(name) };
      return (await client.find(ref, undefined, METADATA_ACCEPT)) !== undefined;
    },
    configMapVersions: o.configMapVersions,
    async secretVersions(namespace, names) {
      const out: string[] = [];
      for (const n of names) {
        const s = await client.find<{ metadata: { resourceVersion?: string } }>({
          group: '',
          version: 'v1',
          plural: 'secrets',
          namespace,
          name: n,
        });
        out.push(`${n}@${s?.metadata.resourceVersion ?? 'absent'}`);
      }
      return out.join(',');
    },
    async storageDrift(reg) {
      const { namespace, uid } = ref(reg);
      const main = storageName(ref(reg).name);
      const names = [main, ...(reg.status?.storage?.configMaps ?? []).filter((n) => n !== main)];
      for (const name of names) {
        const why = await checkStorage(namespace, name, uid);
        if (why) {
          verified.forget(uid, name);
          return why;
        }
      }
      return undefined;
    },
    async fetchSources(reg) {
      const ctx = {
        client,
        namespace: reg.metadata.namespace ?? '',
        urlCache: o.urlCache,
        retryDelayMs: o.retryDelayMs,
        // Source ConfigMaps from the informer (the version the sync decision fingerprinted), not a
        // GET; one whose data the cache did not keep (ours) is read with a GET.
        configMaps: (namespace: string, name: string) => sourceContent(o.configMapObject?.(namespace, name)),
      };
      const fetched: FetchedSource[] = [];
      const sources = o.resolveSources ? await o.resolveSources(reg) : reg.spec.sources;
      const { namespace, name, uid } = ref(reg);
      for (const s of sources)
        fetched.push(await mirrors.read(`${namespace}/${name}`, uid, s, (x) => fetchSource(ctx, x)));
      // A registry source found not to honour updated_since: said once, when found (mirror-status.ts).
      for (const e of fallbackEvents(fetched)) {
        guard();
        await recordEvent(client, ref(reg), e.type, e.reason, e.message).catch(() => undefined);
      }
      return fetched;
    },
    async writeStorage(reg, content) {
      const r = ref(reg);
      const granted = new Set([storageName(r.name), ...(reg.status?.storage?.configMaps ?? [])]);
      const grant = o.apiWorkload?.grant;
      const info = await writeStorage(
        client,
        r,
        content,
        guard,
        storageCache(reg),
        async (names) => {
          // The API reads the shards the new main ConfigMap names as soon as it changes: the Role must
          // grant them first (old ones too, until the write is done; the sync narrows it afterwards).
          if (grant && names.some((n) => !granted.has(n)))
            await grant(reg, [...new Set([...granted, ...names])]);
        },
        // Versions this process wrote or compared whole: unchanged shards are not written again.
        (name, rv) => verified.verified(r.uid, name, rv),
      );
      // Stale shards this write deleted stay remembered until a check finds them missing: harmless.
      for (const [name, rv] of Object.entries(info.versions)) verified.remember(r.uid, name, rv);
      return info;
    },
    async deleteStorage(reg) {
      await deleteStorage(client, ref(reg), guard);
      verified.forgetRegistry(ref(reg).uid);
      mirrors.forget(`${ref(reg).namespace}/${ref(reg).name}`);
    },
    recordEvent: (reg, type, reason, message) => {
      guard();
      return recordEvent(client, ref(reg), type, reason, message);
    },
    apiWorkload: o.apiWorkload,
    registryRefVersions: o.registryRefVersions,
    guard,
  };
}
