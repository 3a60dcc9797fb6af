/**
 * What the controller's ConfigMap informer keeps, and who may read what from it (pure).
 *
 * Storage ConfigMaps (our managed-by label) are kept as metadata plus a digest of their content: the
 * integrity check needs only the digest, and keeping each registry's ~100 KB of catalog text made
 * the cache grow with the number of registries (22 MiB for 200; docs/performance.md). Every other
 * ConfigMap is kept whole: a configmap source reads its data from the cache.
 *
 * A ConfigMap that is both (a configmap source pointed at a registry's storage ConfigMap, or a
 * user's source that carries our label) has no data in the cache: sourceContent() answers
 * undefined for it, so the source reads it with a GET, exactly as on a cache miss.
 */
import { LABEL_MANAGED_BY, LABEL_REGISTRY, MANAGED_BY } from '../api/constants.ts';
import type { ConfigMapObject } from '../kube/configmaps.ts';
import { storageName } from '../storage/layout.ts';
import { controlledBy, digestStorage } from '../storage/ownership.ts';

/** A cached ConfigMap: whole, or (a storage ConfigMap) metadata and contentDigest without data. */
export type CachedConfigMap = ConfigMapObject & { contentDigest?: string };

/** The informer's transform: digests a storage ConfigMap, keeps any other whole. */
export function cacheView(cm: ConfigMapObject): CachedConfigMap {
  return cm.metadata.labels?.[LABEL_MANAGED_BY] === MANAGED_BY ? digestStorage(cm) : cm;
}

/** The cached object as a configmap source may read it: undefined when its data was not kept. */
export function sourceContent(cm: CachedConfigMap | undefined): ConfigMapObject | undefined {
  return cm && cm.contentDigest === undefined ? cm : undefined;
}

/** Whether name is the registry's main storage ConfigMap or one of its shards (`<main>-<n>`). */
export function isStorageOf(cmName: string, registry: string): boolean {
  const main = storageName(registry);
  return cmName === main || (cmName.startsWith(`${main}-`) && /^\d+$/.test(cmName.slice(main.length + 1)));
}

/**
 * Names of the storage ConfigMaps the cache holds for this registry (controlled by its uid, or
 * carrying its registry label): what a write may have to delete when the layout shrinks.
 */
export function cachedStorageNames(
  cached: Iterable<CachedConfigMap>,
  reg: { namespace: string; name: string; uid: string },
): string[] {
  const out: string[] = [];
  for (const cm of cached)
    if (
      (cm.metadata.namespace ?? '') === reg.namespace &&
      (isStorageOf(cm.metadata.name, reg.name) ||
        (cm.metadata.labels?.[LABEL_REGISTRY] === reg.name &&
          cm.metadata.labels[LABEL_MANAGED_BY] === MANAGED_BY)) &&
      controlledBy(cm, reg.uid)
    )
      out.push(cm.metadata.name);
  return out;
}
