/**
 * What the controller's ConfigMap informers keep, and who may read what from them (pure).
 *
 * Storage ConfigMaps (our managed-by label) are watched as metadata only (the apiserver's
 * PartialObjectMetadata): their ~110 KB of catalog text is never sent to the controller, which used
 * to parse every one it wrote when the watch delivered it back (~110 MB of JSON during a
 * 1,000-registry storm: the controller's peak RSS; docs/performance.md). The integrity check works on
 * metadata and the resourceVersions the controller itself wrote or verified (storage-verified.ts);
 * any other version is read by GET and compared whole. Every other ConfigMap is watched whole: a
 * configmap source reads its data from the cache. The two label selectors (`=` and `!=`, which also
 * matches a ConfigMap without the label) cover every ConfigMap exactly once.
 *
 * A ConfigMap that is both (a configmap source pointed at a registry's storage ConfigMap, or a
 * user's source that carries our label) has no data in the cache: sourceContent() answers
 * undefined for it, so the source reads it with a GET, exactly as on a cache miss.
 */
import { LABEL_MANAGED_BY, LABEL_REGISTRY, MANAGED_BY } from '../../api/constants.ts';
import type { ConfigMapObject } from '../../kube/configmaps.ts';
import { storageName } from '../../storage/layout.ts';
import { controlledBy } from '../../storage/ownership.ts';

/** The storage informer's label selector, and the one of the informer that keeps ConfigMaps whole. */
export const STORAGE_SELECTOR = `${LABEL_MANAGED_BY}=${MANAGED_BY}`;
export const OTHER_SELECTOR = `${LABEL_MANAGED_BY}!=${MANAGED_BY}`;

/** A cached ConfigMap: whole, or (watched as metadata only) its metadata and no content. */
export type CachedConfigMap = ConfigMapObject & { metadataOnly?: true };

/**
 * The storage informer's transform: the metadata the controller reads, marked as metadata only.
 * Content is dropped even if an apiserver that cannot send PartialObjectMetadata sent it whole, and
 * managedFields are not kept (nothing reads them).
 */
export function metadataView(cm: ConfigMapObject): CachedConfigMap {
  const { name, namespace, uid, resourceVersion, labels, annotations, ownerReferences } = cm.metadata;
  return {
    metadata: { name, namespace, uid, resourceVersion, labels, annotations, ownerReferences },
    metadataOnly: true,
  };
}

/** The cached object as a configmap source may read it: undefined when its data was not kept. */
export function sourceContent(cm: CachedConfigMap | undefined): ConfigMapObject | undefined {
  return cm && !cm.metadataOnly ? cm : undefined;
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
