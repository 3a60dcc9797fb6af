/**
 * What crosses between the event loop and a sync worker (structured clone). Sources go as fetched:
 * a url source's bytes and a registry source's pages as undecoded segments whose memory is
 * transferred, not copied (fetch-body.ts; decoded and parsed in the worker), text as one copy, never
 * parsed on the event loop; results come back as the pipeline's figures and the laid-out storage,
 * whose shards are already base64 text (cloning that text is cheaper than encoding it on the event loop).
 */
import type { SpecV1beta1 } from '../../api/types.ts';
import type { Layout } from '../../storage/layout.ts';
import type { SourceFormat } from '../../registry/index.ts';
import type { DiscoveredSource, FetchedSource } from '../../sources/types.ts';
import { apiDocument } from '../../sources/registry-page.ts';
import { documentFromMirror, documentFromPages } from '../../sources/fetch/fetch-pages.ts';
import { Body } from '../../sources/fetch/fetch-body.ts';
import type { PipelineResult } from '../sync/pipeline.ts';
import type { StoredHashes } from '../sync/sync-work.ts';

export interface WireSource {
  name: string;
  format: SourceFormat | 'auto';
  text?: string;
  /** A url source's bytes, undecoded. */
  bytes?: Uint8Array[];
  /** A registry source's pages, undecoded: read again in the worker (documentFromPages). */
  pages?: Uint8Array[][];
  /** An incremental resync's changes, each read's pages (ParsedDocument.deltas): applied in the worker. */
  deltas?: Uint8Array[][][];
  latestOnly?: boolean;
  /** A parsed document's value; its text pieces are made again in the worker (fromWire). */
  value?: unknown;
  /** A parsed document's ParsedDocument.textBytes. */
  textBytes?: number;
  /** A kubernetes source's workloads (mapped to its document in the worker, by the pipeline). */
  discovered?: DiscoveredSource;
  /** What the source skipped (a kubernetes source's exported workloads missing an annotation). */
  skipped?: FetchedSource['skipped'];
}

export interface WireRequest {
  registry: string;
  spec: SpecV1beta1;
  sources: WireSource[];
  stored?: StoredHashes;
  /** The worker's heap limit in MiB: what it reads must fit (heap-bound.ts). */
  heapMb?: number;
}

export interface WireError {
  name: string;
  message: string;
  /** DataError's source. */
  source?: string;
  /** SyncWorkerError's reason. */
  reason?: 'SyncOutOfMemory' | 'SyncWorkerFailed' | 'SyncWorkersBusy';
}

export type WireResult =
  | {
      ok: true;
      figures: Omit<PipelineResult, 'catalog'>;
      /** Absent when the result equals what is stored (nothing to write) or laying it out failed. */
      layout?: Layout;
      layoutError?: WireError;
    }
  | { ok: false; error: WireError };

/** A source to post, and the memory the post transfers (its bytes' own segments, or copies of them). */
export async function toWire(f: FetchedSource): Promise<{ source: WireSource; transfer: ArrayBuffer[] }> {
  const skipped = f.skipped?.length ? { skipped: f.skipped } : {};
  const base = { name: f.name, format: f.format, ...skipped };
  if (f.discovered) return { source: { ...base, discovered: f.discovered }, transfer: [] };
  if (f.bytes) {
    const { segments, transfer } = await f.bytes.forWorker();
    return { source: { ...base, bytes: segments }, transfer };
  }
  if (f.parsed?.pages) {
    const transfer: ArrayBuffer[] = [];
    const post = async (bodies: readonly Body[]) => {
      const out: Uint8Array[][] = [];
      for (const p of bodies) {
        const w = await p.forWorker();
        out.push(w.segments);
        transfer.push(...w.transfer);
      }
      return out;
    };
    const pages = await post(f.parsed.pages);
    const { deltas: held, latestOnly } = f.parsed;
    const deltas: Uint8Array[][][] = [];
    for (const d of held ?? []) deltas.push(await post(d));
    return {
      source: {
        ...base,
        pages,
        textBytes: f.parsed.textBytes,
        ...(held && { deltas, latestOnly: !!latestOnly }),
      },
      transfer,
    };
  }
  return f.parsed
    ? { source: { ...base, value: f.parsed.value, textBytes: f.parsed.textBytes }, transfer: [] }
    : { source: { ...base, text: f.text }, transfer: [] };
}

/**
 * The fetched source again, in the worker. A parsed document's pieces must join to exactly
 * JSON.stringify(value) (types.ts); an API page document `{servers, metadata}` is cut per server as
 * the registry source cuts it, so the parse-once cache sees the same pieces; anything else is one.
 */
export function fromWire(w: WireSource): FetchedSource {
  if (w.discovered)
    return {
      name: w.name,
      format: w.format,
      discovered: w.discovered,
      ...(w.skipped && { skipped: w.skipped }),
    };
  const skipped = w.skipped && { skipped: w.skipped };
  if (w.text !== undefined) return { name: w.name, format: w.format, text: w.text, ...skipped };
  if (w.bytes) return { name: w.name, format: w.format, bytes: new Body(w.bytes), ...skipped };
  const textBytes = w.textBytes ?? 0;
  if (w.pages) {
    const pages = w.pages.map((p) => new Body(p));
    const where = `source ${w.name}`;
    return {
      name: w.name,
      format: w.format,
      parsed: w.deltas
        ? documentFromMirror(
            pages,
            w.deltas.map((d) => d.map((p) => new Body(p))),
            { latestOnly: !!w.latestOnly, textBytes, where },
          )
        : documentFromPages(pages, textBytes, where),
    };
  }
  const v = w.value;
  const page = v as { servers?: unknown; metadata?: { count?: unknown } } | null;
  const keys = v && typeof v === 'object' && !Array.isArray(v) ? Object.keys(v) : [];
  if (
    keys.length === 2 &&
    keys[0] === 'servers' &&
    keys[1] === 'metadata' &&
    Array.isArray(page?.servers) &&
    JSON.stringify(page.metadata) === JSON.stringify({ count: page.servers.length })
  ) {
    const doc = apiDocument(page.servers as Parameters<typeof apiDocument>[0], textBytes);
    return { name: w.name, format: w.format, parsed: { value: v, textBytes, chunks: () => doc.chunks() } };
  }
  return {
    name: w.name,
    format: w.format,
    parsed: {
      value: v,
      textBytes,
      *chunks() {
        yield JSON.stringify(v);
      },
    },
  };
}

export function toWireError(e: unknown): WireError {
  if (!(e instanceof Error)) return { name: 'Error', message: String(e) };
  const source = (e as { source?: unknown }).source;
  return { name: e.name, message: e.message, ...(typeof source === 'string' && { source }) };
}
