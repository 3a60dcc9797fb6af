/**
 * One sync's CPU work as a worker runs it: the pipeline (pipeline.ts, the same function the event
 * loop ran before) and, unless the result equals what is stored, the storage text and its gzip laid
 * out in ConfigMaps (storage/layout.ts, what writeStorage did on the event loop before).
 */
import { storageChunks } from '../../registry/index.ts';
import { layoutPiecesSync } from '../../storage/layout.ts';
import { runPipeline } from '../sync/pipeline.ts';
import { figuresOf, sameAsStored } from '../sync/sync-work.ts';
import { fromWire, toWireError, type WireRequest, type WireResult } from './wire.ts';

export async function doSyncWork(req: WireRequest): Promise<WireResult> {
  let r;
  try {
    r = runPipeline(req.spec, req.sources.map(fromWire));
  } catch (e) {
    return { ok: false, error: toWireError(e) };
  }
  const figures = figuresOf(r);
  if (sameAsStored(figures, req.stored)) return { ok: true, figures };
  try {
    // Gzipped on this thread (nice 19), not on libuv's thread pool beside the event loop.
    return { ok: true, figures, layout: layoutPiecesSync(req.registry, storageChunks(r.catalog)) };
  } catch (e) {
    return { ok: true, figures, layoutError: toWireError(e) };
  }
}
