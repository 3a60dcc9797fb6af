/**
 * The webhook's side of the workload threads: a loader thread (load.ts) that inflates, parses and
 * indexes catalogs, and a review thread (worker.ts) that holds the indexes and decides; requests are
 * matched to replies by id. Two threads so that a large catalog being loaded for one namespace never
 * queues another namespace's reviews. Also the bounded record of which catalogs the review thread
 * holds (key → storage resourceVersion, least recently used evicted past `maxCatalogs`): a catalog is
 * loaded once per storage change; concurrent requests for the same change share the load. A thread
 * that dies fails what it was asked and both are started afresh, so admission never waits on a dead one.
 */
import { MessageChannel, Worker } from 'node:worker_threads';
import { extname } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { AdmissionReviewOut, Verdict } from '../../admission/index.ts';
import type { LoaderData } from './load.ts';
import type { LoadRequest, StoredContent, WithoutId, WorkerReply, WorkerRequest } from './protocol.ts';

export type ReviewOut = { review: AdmissionReviewOut; verdict: Verdict };

export interface WorkloadWorkerOptions {
  maxCatalogs?: number;
  /** The loader thread's entry and what it is given besides the review thread's port (tests). */
  loader?: { url: URL; data?: unknown };
}

const sibling = (name: string) =>
  new URL(`./${name}${extname(fileURLToPath(import.meta.url))}`, import.meta.url);

type Waiter = { resolve: (r: WorkerReply) => void; reject: (e: Error) => void };

export class WorkloadWorker {
  private threads: { reviewer: Worker; loader: Worker };
  private next = 1;
  private waiting = new Map<number, Waiter>();
  /** key → resourceVersion held by the review thread, in least-recently-used order. */
  private held = new Map<string, string>();
  private loading = new Map<string, Promise<void>>();
  private closing = false;
  private readonly o: WorkloadWorkerOptions;

  constructor(o: WorkloadWorkerOptions = {}) {
    this.o = o;
    this.threads = this.spawn();
  }

  private spawn(): { reviewer: Worker; loader: Worker } {
    const { port1, port2 } = new MessageChannel();
    const reviewer = new Worker(sibling('worker'), { workerData: { loads: port2 }, transferList: [port2] });
    const data: LoaderData = { reviewer: port1, data: this.o.loader?.data };
    const loader = new Worker(this.o.loader?.url ?? sibling('loader'), {
      workerData: data,
      transferList: [port1],
    });
    const threads = { reviewer, loader };
    for (const w of [reviewer, loader]) {
      w.unref();
      w.on('message', (r: WorkerReply) => {
        const waiter = this.waiting.get(r.id);
        this.waiting.delete(r.id);
        waiter?.resolve(r);
      });
      w.on('error', (e) => this.restart(threads, e));
      w.on('exit', (code) => this.restart(threads, new Error(`workload thread exited (code ${code})`)));
    }
    return threads;
  }

  /** Fails every pending call and starts both threads afresh (their catalogs are gone with them). */
  private restart(dead: { reviewer: Worker; loader: Worker }, e: Error): void {
    if (this.closing || this.threads !== dead) return;
    const pending = [...this.waiting.values()];
    this.waiting.clear();
    this.held.clear();
    this.threads = this.spawn();
    void dead.reviewer.terminate();
    void dead.loader.terminate();
    const why = new Error(`the workload admission thread failed: ${e.message}`);
    for (const w of pending) w.reject(why);
  }

  private call(to: 'reviewer', m: WithoutId<WorkerRequest>): Promise<WorkerReply>;
  private call(to: 'loader', m: WithoutId<LoadRequest>): Promise<WorkerReply>;
  private call(to: 'reviewer' | 'loader', m: object): Promise<WorkerReply> {
    const id = this.next++;
    return new Promise((resolve, reject) => {
      this.waiting.set(id, { resolve, reject });
      this.threads[to].postMessage({ ...m, id });
    });
  }

  private async ok(reply: Promise<WorkerReply>): Promise<Extract<WorkerReply, { ok: true }>> {
    const r = await reply;
    if (!r.ok) throw Object.assign(new Error(r.error), { name: r.name ?? 'Error' });
    return r;
  }

  /** The review thread holds this catalog at this resourceVersion; `read` fetches its ConfigMaps when not. */
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
        // Answered by the review thread once it holds the index the loader built.
        await this.ok(this.call('loader', { op: 'load', key, main, shards }));
        this.held.delete(key);
        this.held.set(key, rv);
        while (this.held.size > (this.o.maxCatalogs ?? 64)) {
          const oldest = this.held.keys().next().value as string;
          this.held.delete(oldest);
          await this.ok(this.call('reviewer', { op: 'evict', key: oldest }));
        }
      })().finally(() => this.loading.delete(lk));
      this.loading.set(lk, p);
    }
    await p;
  }

  async review(m: WithoutId<WorkerRequest & { op: 'mutate' | 'validate' }>): Promise<ReviewOut> {
    const r = await this.ok(this.call('reviewer', m));
    if (!r.out) throw new Error('workload worker answered without a review');
    return r.out;
  }

  /** Catalogs held, for readiness details. */
  size(): number {
    return this.held.size;
  }

  async close(): Promise<void> {
    this.closing = true;
    await Promise.all([this.threads.reviewer.terminate(), this.threads.loader.terminate()]);
  }
}
