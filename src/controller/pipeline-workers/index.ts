/**
 * The controller's sync work on worker threads: a SyncWork (../sync/sync-work.ts) that posts each
 * job to the pool and turns the answer back into what the in-process pipeline gives, errors included
 * (a DataError stays a DataError with its source; anything else keeps its name and message).
 */
import { availableParallelism } from 'node:os';
import { DataError } from '../sync/pipeline.ts';
import type { SyncWork } from '../sync/sync-work.ts';
import { SyncWorkerPool, type PoolOptions } from './pool.ts';
import { toWire, type WireError } from './wire.ts';

export { SyncWorkerPool, type PoolOptions } from './pool.ts';

/**
 * The default pool size: every core but the one the event loop needs, at least one worker. On a
 * 2-core node that is one worker beside the event loop.
 */
export function defaultSyncWorkers(cores = availableParallelism()): number {
  return Math.max(1, cores - 1);
}

/** The largest heap a sync worker gets unless told (--sync-worker-memory), in MiB. */
export const DEFAULT_SYNC_WORKER_MEMORY_MB = 384;

function fromWireError(w: WireError): Error {
  if (w.name === 'DataError') return new DataError(w.source ?? '', w.message);
  const e = new Error(w.message);
  e.name = w.name;
  return e;
}

export function workerSyncWork(pool: SyncWorkerPool): SyncWork {
  return async ({ registry, spec, fetched, stored }) => {
    const res = await pool.run({ registry, spec, sources: fetched.map(toWire), ...(stored && { stored }) });
    if (!res.ok) throw fromWireError(res.error);
    const { layout, layoutError } = res;
    return {
      ...res.figures,
      content: () => {
        if (layoutError) throw fromWireError(layoutError);
        if (!layout) throw new Error('the sync worker laid out no storage for a changed result');
        return layout;
      },
    };
  };
}

export function startSyncWorkers(o: Partial<PoolOptions> & Pick<PoolOptions, 'onReplaced'>): SyncWorkerPool {
  const size = o.size ?? defaultSyncWorkers();
  return new SyncWorkerPool({
    size,
    // Each reconcile worker waits for at most one job; more than this many waiting is a fault.
    maxQueued: o.maxQueued ?? 64,
    memoryMb: o.memoryMb ?? DEFAULT_SYNC_WORKER_MEMORY_MB,
    ...(o.onReplaced && { onReplaced: o.onReplaced }),
  });
}
