/**
 * What crosses between the event loop and a sync worker (structured clone). Sources go as their text
 * (cloned as one copy, never parsed on the event loop) or, for a registry source, as the objects it
 * parsed page by page; results come back as the pipeline's figures and the laid-out storage, whose
 * shards are already base64 text (cloning that text is cheaper than encoding it on the event loop).
 */
import type { SpecV1beta1 } from '../../api/types.ts';
import type { Layout } from '../../storage/layout.ts';
import type { SourceFormat } from '../../registry/index.ts';
import type { DiscoveredSource, FetchedSource } from '../../sources/types.ts';
import { apiDocument } from '../../sources/registry-page.ts';
import type { PipelineResult } from '../sync/pipeline.ts';
import type { StoredHashes } from '../sync/sync-work.ts';

export interface WireSource {
  name: string;
  format: SourceFormat | 'auto';
  text?: string;
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
}

export interface WireError {
  name: string;
  message: string;
  /** DataError's source. */
  source?: string;
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

export function toWire(f: FetchedSource): WireSource {
  const skipped = f.skipped?.length ? { skipped: f.skipped } : {};
  if (f.discovered) return { name: f.name, format: f.format, discovered: f.discovered, ...skipped };
  return f.parsed
    ? { name: f.name, format: f.format, value: f.parsed.value, textBytes: f.parsed.textBytes, ...skipped }
    : { name: f.name, format: f.format, text: f.text, ...skipped };
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
  if (w.text !== undefined)
    return { name: w.name, format: w.format, text: w.text, ...(w.skipped && { skipped: w.skipped }) };
  const v = w.value;
  const textBytes = w.textBytes ?? 0;
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
