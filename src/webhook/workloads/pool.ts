/**
 * The webhook's side of the workload worker: one worker thread, requests matched to replies by id,
 * and the bounded record of which catalogs the worker holds (key → storage resourceVersion, least
 * recently used evicted past `maxCatalogs`). A catalog is loaded once per storage change; concurrent
 * requests for the same change share the load.
 */
import { Worker } from 'node:worker_threads';
import { extname } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { AdmissionReviewOut, Verdict } from '../../admission/index.ts';
import type { StoredContent, WithoutId, WorkerReply, WorkerRequest } from './protocol.ts';

export type ReviewOut = { review: AdmissionReviewOut; verdict: Verdict };

export class WorkloadWorker {
  private worker: Worker;
  private next = 1;
  private waiting = new Map<number, { resolve: (r: WorkerReply) => void; reject: (e: Error) => void }>();
  /** key → resourceVersion held by the worker, in least-recently-used order. */
  private held = new Map<string, string>();
  private loading = new Map<string, Promise<void>>();

  private readonly maxCatalogs: number;

  constructor(maxCatalogs = 64) {
    this.maxCatalogs = maxCatalogs;
    const here = fileURLToPath(import.meta.url);
    this.worker = new Worker(new URL(`./worker${extname(here)}`, import.meta.url));
    this.worker.unref();
    this.worker.on('message', (r: WorkerReply) => {
      const w = this.waiting.get(r.id);
      this.waiting.delete(r.id);
      w?.resolve(r);
    });
    this.worker.on('error', (e) => {
      for (const w of this.waiting.values()) w.reject(e);
      this.waiting.clear();
    });
  }

  private call(m: WithoutId<WorkerRequest>): Promise<WorkerReply> {
    const id = this.next++;
    return new Promise((resolve, reject) => {
      this.waiting.set(id, { resolve, reject });
      this.worker.postMessage({ ...m, id });
    });
  }

  private async ok(m: WithoutId<WorkerRequest>): Promise<Extract<WorkerReply, { ok: true }>> {
    const r = await this.call(m);
    if (!r.ok) throw Object.assign(new Error(r.error), { name: r.name ?? 'Error' });
    return r;
  }

  /** The worker holds this catalog at this resourceVersion; `read` fetches its ConfigMaps when not. */
  async ensure(key: string, rv: string, read: () => Promise<StoredContent>): Promise<void> {
    if (this.held.get(key) === rv) {
      this.held.delete(key);
      this.held.set(key, rv);
      return;
    }
    const lk = `${key}@${rv}`;
    let p = this.loading.get(lk);
    if (!p) {
      p = (async () => {
        const { main, shards } = await read();
        await this.ok({ op: 'load', key, main, shards });
        this.held.delete(key);
        this.held.set(key, rv);
        while (this.held.size > this.maxCatalogs) {
          const oldest = this.held.keys().next().value as string;
          this.held.delete(oldest);
          await this.ok({ op: 'evict', key: oldest });
        }
      })().finally(() => this.loading.delete(lk));
      this.loading.set(lk, p);
    }
    await p;
  }

  async review(m: WithoutId<WorkerRequest & { op: 'mutate' | 'validate' }>): Promise<ReviewOut> {
    const r = await this.ok(m);
    if (!r.out) throw new Error('workload worker answered without a review');
    return r.out;
  }

  /** Catalogs held, for readiness details. */
  size(): number {
    return this.held.size;
  }

  async close(): Promise<void> {
    await this.worker.terminate();
  }
}
