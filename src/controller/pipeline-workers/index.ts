/**
 * The controller's sync work on worker threads: a SyncWork (../sync/sync-work.ts) that posts each
 * job to the pool and turns the answer back into what the in-process pipeline gives, errors included
 * (a DataError stays a DataError with its source; anything else keeps its name and message).
 */
import { availableParallelism } from 'node:os';
import { DataError } from '../sync/pipeline.ts';
import { SyncWorkerError, type SyncWork } from '../sync/sync-work.ts';
import { SyncWorkerPool, type PoolOptions } from './pool.ts';
import { toWire, type WireError } from './wire.ts';
import { HEAP_PER_TEXT } from './heap-bound.ts';
import { storageName } from '../../storage/layout.ts';
import { knownContentSha256 } from '../../storage/ownership.ts';
import type { FetchedSource } from '../../sources/types.ts';

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

export { HEAP_PER_TEXT } from './heap-bound.ts';

/** What a source weighs in a worker's heap, in characters of text (see checkFits). */
function weight(f: FetchedSource): number {
  if (f.parsed) return f.parsed.textBytes;
  if (f.discovered) return f.discovered.chars;
  // Undecoded bytes: at most as many characters once decoded, and the same bytes besides.
  if (f.bytes) return f.bytes.length;
  return f.text.length;
}

/**
 * Refuses, before the worker sees them, sources its heap cannot hold: source text, a url source's
 * bytes (one character per byte), a registry source's
 * parsed pages weighed by the bytes of text they were read from (ParsedDocument.textBytes), and a
 * kubernetes source's workloads by their annotations' characters (DiscoveredSource.chars).
 * V8 ends a worker that reaches its limit step by step (many small objects: ERR_WORKER_OUT_OF_MEMORY),
 * but not always: one huge allocation, or sometimes a heap exhausted object by object, aborts the
 * whole process instead (nodejs/node#47224), the webhooks with it. So this is the rule for everything
 * handed to a worker, and the heap limit only a backstop.
 */
function checkFits(fetched: readonly FetchedSource[], memoryMb: number): void {
  const chars = fetched.reduce((n, f) => n + weight(f), 0);
  const max = Math.floor(memoryMb / HEAP_PER_TEXT);
  if (chars * HEAP_PER_TEXT > memoryMb * 1024 * 1024)
    throw new SyncWorkerError(
      'SyncOutOfMemory',
      `the sources hold ${(chars / 1024 / 1024).toFixed(1)} MiB of text; a sync worker of ${memoryMb} MiB (--sync-worker-memory) reads at most ${max} MiB`,
    );
}

function fromWireError(w: WireError): Error {
  if (w.name === 'DataError') return new DataError(w.source ?? '', w.message);
  if (w.name === 'SyncWorkerError' && w.reason) return new SyncWorkerError(w.reason, w.message);
  const e = new Error(w.message);
  e.name = w.name;
  return e;
}

export function workerSyncWork(pool: SyncWorkerPool): SyncWork {
  return async ({ registry, spec, fetched, stored }) => {
    checkFits(fetched, pool.memoryMb);
    const wired = [];
    for (const f of fetched) wired.push(await toWire(f));
    const res = await pool.run(
      {
        registry,
        spec,
        sources: wired.map((w) => w.source),
        heapMb: pool.memoryMb,
        ...(stored && { stored }),
      },
      wired.flatMap((w) => w.transfer),
    );
    if (!res.ok) throw fromWireError(res.error);
    const { layout, layoutError } = res;
    return {
      ...res.figures,
      content: () => {
        if (layoutError) throw fromWireError(layoutError);
        if (!layout) throw new Error('the sync worker laid out no storage for a changed result');
        // The worker hashed each ConfigMap's content: writeStorage uses those, not hashing again here.
        const sums = layout.contentSha256 ?? {};
        const main = layout.main.data ?? layout.main.binaryData;
        const mainSum = sums[storageName(registry)];
        if (main && mainSum) knownContentSha256(main, mainSum);
        for (const s of layout.shards)
          if (sums[s.name]) knownContentSha256(s.binaryData, sums[s.name] as string);
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
