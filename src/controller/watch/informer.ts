/**
 * List-then-watch cache of one resource (optionally one namespace). Any watch error restarts it
 * with capped backoff; a restart re-lists (so a 410 Gone re-lists too) and emits the differences
 * as add/update/delete, so handlers stay level-triggered.
 */
import type { Logger } from 'pino';
import type { KubeClient, ResourceRef, WatchEvent } from '../../kube/client.ts';

export interface KubeObject {
  metadata: { name?: string; namespace?: string; resourceVersion?: string; labels?: Record<string, string> };
}

export type InformerHandler<T> = (type: 'add' | 'update' | 'delete', obj: T) => void;

export interface InformerOptions<T> {
  /** Only objects with these labels (a label selector). */
  labelSelector?: string;
  /**
   * What the cache keeps of each received object (like client-go's SetTransform): called once per
   * received resourceVersion, before the handler and the cache see it. The ConfigMap informer keeps
   * only metadata and a content digest of storage ConfigMaps (main.ts).
   */
  transform?: (obj: T) => T;
  /**
   * Objects per page of the (re)list: each page is transformed before the next one is read, so a
   * relist never holds every object whole at once (1,000 storage ConfigMaps are ~100 MB of JSON).
   */
  pageSize?: number;
  /**
   * Accept headers of the list and the watch (default plain JSON): METADATA_LIST_ACCEPT and
   * METADATA_ACCEPT make the apiserver send PartialObjectMetadata, so the data is never sent.
   */
  accept?: { list: string; watch: string };
}

export class Informer<T extends KubeObject> {
  private readonly cache = new Map<string, T>();
  private readonly client: KubeClient;
  private readonly ref: ResourceRef;
  private readonly handler: InformerHandler<T>;
  private readonly log: Logger;
  private readonly labelSelector?: string;
  private readonly transform: (obj: T) => T;
  private readonly pageSize: number;
  private readonly accept?: { list: string; watch: string };
  private abort = new AbortController();
  private running = false;
  private synced = false;
  private failures = 0;
  private lastFailure: { status?: number; message: string } | undefined;

  constructor(
    client: KubeClient,
    ref: ResourceRef,
    handler: InformerHandler<T>,
    log: Logger,
    opts: InformerOptions<T> = {},
  ) {
    this.client = client;
    this.ref = ref;
    this.handler = handler;
    this.log = log;
    this.labelSelector = opts.labelSelector;
    this.transform = opts.transform ?? ((o) => o);
    this.pageSize = opts.pageSize ?? 500;
    this.accept = opts.accept;
  }

  static key(o: KubeObject): string {
    return `${o.metadata.namespace ?? ''}/${o.metadata.name ?? ''}`;
  }

  get(namespace: string, name: string): T | undefined {
    return this.cache.get(`${namespace}/${name}`);
  }

  list(): T[] {
    return [...this.cache.values()];
  }

  hasSynced(): boolean {
    return this.synced;
  }

  /** What this informer lists, for logs: `nodes`, `services in ns`. */
  get resource(): string {
    return this.ref.namespace ? `${this.ref.plural} in ${this.ref.namespace}` : this.ref.plural;
  }

  /** Why the last list or watch failed (HTTP status when the apiserver answered); cleared by a list. */
  lastError(): { status?: number; message: string } | undefined {
    return this.lastFailure;
  }

  start(): void {
    if (this.running) return;
    this.running = true;
    void this.loop();
  }

  stop(): void {
    this.running = false;
    this.abort.abort();
  }

  private async loop(): Promise<void> {
    while (this.running) {
      try {
        const rv = await this.relist();
        this.failures = 0;
        this.lastFailure = undefined;
        await this.watchFrom(rv);
      } catch (e) {
        if (!this.running) return;
        this.failures++;
        const status = (e as { status?: unknown }).status;
        this.lastFailure = {
          ...(typeof status === 'number' ? { status } : {}),
          message: (e as Error).message,
        };
        const delay = Math.min(30_000, 250 * 2 ** Math.min(this.failures, 8));
        this.log.warn(
          { err: (e as Error).message, resource: this.ref.plural, retryInMs: delay },
          'watch failed; re-listing after backoff',
        );
        await new Promise((r) => setTimeout(r, delay));
      }
    }
  }

  private async relist(): Promise<string | undefined> {
    const seen = new Set<string>();
    let cont: string | undefined;
    let listRv: string | undefined;
    do {
      const page = await this.client.get<{
        items: T[] | null;
        metadata: { resourceVersion?: string; continue?: string };
      }>(
        this.ref,
        { labelSelector: this.labelSelector, limit: this.pageSize, continue: cont },
        this.accept?.list,
      );
      // A PartialObjectMetadataList without items says `items: null`.
      for (const received of page.items ?? []) {
        const k = Informer.key(received);
        seen.add(k);
        const old = this.cache.get(k);
        // The same version as cached: nothing changed, and the transform is not paid again.
        if (old && old.metadata.resourceVersion === received.metadata.resourceVersion) continue;
        const obj = this.transform(received);
        this.cache.set(k, obj);
        this.handler(old ? 'update' : 'add', obj);
      }
      cont = page.metadata.continue || undefined;
      listRv = page.metadata.resourceVersion;
    } while (cont);
    for (const [k, obj] of this.cache) {
      if (seen.has(k)) continue;
      this.cache.delete(k);
      this.handler('delete', obj);
    }
    this.synced = true;
    return listRv;
  }

  private async watchFrom(resourceVersion: string | undefined): Promise<void> {
    let rv = resourceVersion;
    while (this.running) {
      this.abort = new AbortController();
      let gone = false;
      await this.client.watch<T>(
        this.ref,
        {
          resourceVersion: rv,
          allowWatchBookmarks: true,
          timeoutSeconds: 240,
          labelSelector: this.labelSelector,
        },
        (ev: WatchEvent<T>) => {
          if (ev.type === 'ERROR') {
            const status = ev.object as unknown as { code?: number; message?: string };
            if (status.code === 410) gone = true;
            throw new Error(`watch error ${status.code ?? ''}: ${status.message ?? ''}`);
          }
          rv = ev.object.metadata.resourceVersion ?? rv;
          if (ev.type === 'BOOKMARK') return;
          const k = Informer.key(ev.object);
          const obj = this.transform(ev.object);
          if (ev.type === 'DELETED') {
            this.cache.delete(k);
            this.handler('delete', obj);
          } else {
            const existed = this.cache.has(k);
            this.cache.set(k, obj);
            this.handler(existed ? 'update' : 'add', obj);
          }
        },
        this.abort.signal,
        this.accept?.watch,
      );
      if (gone) throw new Error('resource version too old (410): re-listing');
    }
  }
}
