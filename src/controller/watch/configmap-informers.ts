/**
 * The controller's ConfigMap cache for one namespace (or all): two informers read as one. Storage
 * ConfigMaps (our managed-by label) are listed and watched as metadata only (PartialObjectMetadata),
 * every other ConfigMap whole; the selectors `managed-by=ours` and `managed-by!=ours` (which also
 * matches a ConfigMap without the label) cover every ConfigMap exactly once (configmap-cache.ts).
 */
import type { Logger } from 'pino';
import { METADATA_ACCEPT, METADATA_LIST_ACCEPT, type KubeClient } from '../../kube/client.ts';
import { CONFIGMAPS } from '../../kube/configmaps.ts';
import { Informer, type InformerHandler } from './informer.ts';
import { metadataView, OTHER_SELECTOR, STORAGE_SELECTOR, type CachedConfigMap } from './configmap-cache.ts';

export class ConfigMapInformers {
  readonly storage: Informer<CachedConfigMap>;
  readonly others: Informer<CachedConfigMap>;

  constructor(
    client: KubeClient,
    namespace: string | undefined,
    handler: InformerHandler<CachedConfigMap>,
    log: Logger,
  ) {
    const ref = { ...CONFIGMAPS, namespace };
    this.storage = new Informer<CachedConfigMap>(client, ref, handler, log.child({ part: 'storage' }), {
      labelSelector: STORAGE_SELECTOR,
      accept: { list: METADATA_LIST_ACCEPT, watch: METADATA_ACCEPT },
      transform: metadataView,
    });
    // Whole objects, 50 per page: a relist never holds many large source ConfigMaps at once.
    this.others = new Informer<CachedConfigMap>(client, ref, handler, log, {
      labelSelector: OTHER_SELECTOR,
      pageSize: 50,
    });
  }

  /**
   * The cached ConfigMap. Both informers hold it only briefly, while its managed-by label changed and
   * one watch has not delivered that yet: the newer copy wins. resourceVersions are etcd revisions
   * (integers); were they not, the metadata copy wins, whose every reader falls back to a GET.
   */
  get(namespace: string, name: string): CachedConfigMap | undefined {
    const meta = this.storage.get(namespace, name);
    const whole = this.others.get(namespace, name);
    if (!meta || !whole) return meta ?? whole;
    const m = Number(meta.metadata.resourceVersion);
    const w = Number(whole.metadata.resourceVersion);
    return Number.isSafeInteger(m) && Number.isSafeInteger(w) && w > m ? whole : meta;
  }

  list(): CachedConfigMap[] {
    return [...this.storage.list(), ...this.others.list()];
  }

  hasSynced(): boolean {
    return this.storage.hasSynced() && this.others.hasSynced();
  }

  start(): void {
    this.storage.start();
    this.others.start();
  }

  stop(): void {
    this.storage.stop();
    this.others.stop();
  }
}
