/**
 * A small pool of sync worker threads (SPEC §18): each runs one job at a time, jobs beyond the busy
 * workers wait in a bounded queue, and a worker that runs out of its memory limit or dies fails only
 * the job it held (a SyncWorkerError: the registry's status says Failed, its last good data stays)
 * and is replaced before the next job. The event loop only posts jobs and receives answers.
 */
import { Worker } from 'node:worker_threads';
import { extname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { SyncWorkerError } from '../sync/sync-work.ts';
import type { WireRequest, WireResult } from './wire.ts';

export interface PoolOptions {
  /** Worker threads (≥ 1). */
  size: number;
  /** Jobs that may wait for a worker; one more is refused with SyncWorkersBusy. */
  maxQueued: number;
  /** Each worker's old-generation heap limit (resourceLimits.maxOldGenerationSizeMb). */
  memoryMb: number;
  /** Called when a worker is replaced (logged by the controller). */
  onReplaced?: (why: string) => void;
}

interface Job {
  req: WireRequest;
  /** Memory the post hands over (the sources' byte segments): gone from this thread once posted. */
  transfer: ArrayBuffer[];
  resolve: (r: WireResult) => void;
  reject: (e: Error) => void;
}

interface Slot {
  worker: Worker;
  job?: Job;
}

/** worker.ts next to this file: .ts when run from the sources, .js when built into dist/. */
const SCRIPT = new URL(`./worker${extname(fileURLToPath(import.meta.url))}`, import.meta.url);

export class SyncWorkerPool {
  private readonly o: PoolOptions;
  private readonly slots: Slot[] = [];
  private readonly queue: Job[] = [];
  private closed = false;

  constructor(o: PoolOptions) {
    this.o = o;
    for (let i = 0; i < Math.max(1, o.size); i++) this.slots.push(this.spawn());
  }

  get size(): number {
    return this.slots.length;
  }

  get memoryMb(): number {
    return this.o.memoryMb;
  }

  /** Runs one job; rejects with SyncWorkerError when its worker fails or the queue is full. */
  run(req: WireRequest, transfer: ArrayBuffer[] = []): Promise<WireResult> {
    if (this.closed)
      return Promise.reject(new SyncWorkerError('SyncWorkerFailed', 'the sync workers are stopped'));
    return new Promise((resolve, reject) => {
      const job = { req, transfer, resolve, reject };
      const idle = this.slots.find((s) => !s.job);
      if (idle) return this.start(idle, job);
      if (this.queue.length >= this.o.maxQueued)
        return reject(
          new SyncWorkerError(
            'SyncWorkersBusy',
            `all ${this.slots.length} sync workers are busy and ${this.queue.length} syncs wait; retrying later`,
          ),
        );
      this.queue.push(job);
    });
  }

  async close(): Promise<void> {
    this.closed = true;
    for (const j of this.queue.splice(0))
      j.reject(new SyncWorkerError('SyncWorkerFailed', 'the sync workers are stopped'));
    await Promise.all(this.slots.map((s) => s.worker.terminate()));
  }

  private spawn(): Slot {
    const worker = new Worker(SCRIPT, {
      resourceLimits: { maxOldGenerationSizeMb: this.o.memoryMb },
    });
    const slot: Slot = { worker };
    // An idle worker does not keep the process alive; a busy one does (its answer is awaited).
    worker.unref();
    worker.on('message', (res: WireResult) => {
      const job = slot.job;
      slot.job = undefined;
      worker.unref();
      job?.resolve(res);
      this.next(slot);
    });
    let failure: SyncWorkerError | undefined;
    worker.on('error', (e: Error & { code?: string }) => {
      failure =
        e.code === 'ERR_WORKER_OUT_OF_MEMORY'
          ? new SyncWorkerError(
              'SyncOutOfMemory',
              `reading the sources needs more memory than a sync worker has (${this.o.memoryMb} MiB, --sync-worker-memory); the source is too large for it`,
            )
          : new SyncWorkerError('SyncWorkerFailed', `the sync worker failed: ${e.message}`);
    });
    worker.on('exit', (code) => {
      const i = this.slots.indexOf(slot);
      if (i < 0) return;
      const job = slot.job;
      slot.job = undefined;
      const why =
        failure ?? new SyncWorkerError('SyncWorkerFailed', `the sync worker exited with code ${code}`);
      job?.reject(why);
      if (this.closed) return;
      // Replaced before the next job, so one failure never takes a slot away.
      this.slots[i] = this.spawn();
      this.o.onReplaced?.(why.message);
      this.next(this.slots[i]);
    });
    return slot;
  }

  private start(slot: Slot, job: Job): void {
    slot.job = job;
    slot.worker.ref();
    slot.worker.postMessage(job.req, job.transfer);
  }

  private next(slot: Slot): void {
    const job = this.queue.shift();
    if (job) this.start(slot, job);
  }
}
