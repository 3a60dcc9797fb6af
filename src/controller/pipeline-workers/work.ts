/**
 * One sync's CPU work as a worker runs it: the pipeline (pipeline.ts, the same function the event
 * loop ran before) and, unless the result equals what is stored, the storage text and its gzip laid
 * out in ConfigMaps (storage/layout.ts, what writeStorage did on the event loop before). First, the
 * sources are weighed by their shape (heap-bound.ts): what the worker's heap cannot hold is refused
 * before it is parsed.
 */
import { storageChunks } from '../../registry/index.ts';
import { layoutPiecesSync, storageName, type Layout } from '../../storage/layout.ts';
import { contentSha256 } from '../../storage/ownership.ts';
import { runPipeline } from '../sync/pipeline.ts';
import { figuresOf, sameAsStored } from '../sync/sync-work.ts';
import { fromWire, toWireError, type WireRequest, type WireResult, type WireSource } from './wire.ts';
import { addShape, emptyShape, heapEstimate, type Shape } from './heap-bound.ts';

const MiB = 1024 * 1024;

/** The shape of every document a source brings as text or bytes (workloads are weighed before). */
function shapeOf(sources: WireSource[]): Shape {
  const s = emptyShape();
  const joined = (segments: Uint8Array[]) =>
    segments.length === 1 ? (segments[0] as Uint8Array) : Buffer.concat(segments);
  for (const w of sources) {
    if (w.text !== undefined) addShape(s, w.text);
    if (w.bytes) addShape(s, joined(w.bytes));
    for (const page of w.pages ?? []) addShape(s, joined(page));
  }
  return s;
}

function tooLarge(req: WireRequest): WireResult | undefined {
  if (!req.heapMb) return undefined;
  const s = shapeOf(req.sources);
  const need = heapEstimate(s);
  if (need <= req.heapMb * MiB) return undefined;
  const message = `the sources would take about ${Math.ceil(need / MiB)} MiB of heap to read (${s.entries} entries, ${s.containers} objects and lists, ${s.properties} properties in ${(s.chars / MiB).toFixed(1)} MiB of text); a sync worker of ${req.heapMb} MiB (--sync-worker-memory) cannot hold them`;
  return { ok: false, error: { name: 'SyncWorkerError', reason: 'SyncOutOfMemory', message } };
}

/** Each ConfigMap's content-sha256, computed here rather than on the event loop that writes them. */
function hashed(registry: string, layout: Layout): Layout {
  const sums: Record<string, string> = { [storageName(registry)]: contentSha256(layout.main) };
  for (const s of layout.shards) sums[s.name] = contentSha256({ binaryData: s.binaryData });
  return { ...layout, contentSha256: sums };
}

export async function doSyncWork(req: WireRequest): Promise<WireResult> {
  const refused = tooLarge(req);
  if (refused) return refused;
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
    return {
      ok: true,
      figures,
      layout: hashed(req.registry, layoutPiecesSync(req.registry, storageChunks(r.catalog))),
    };
  } catch (e) {
    return { ok: true, figures, layoutError: toWireError(e) };
  }
}
