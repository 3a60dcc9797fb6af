/**
 * Parse once per content: registries that read the same source bytes (a thousand registries sharing
 * one catalog ConfigMap, or a resync whose source did not change) reuse the first parse instead of
 * re-reading and re-validating every entry each time. Keyed by a SHA-256 of the format and the text,
 * so the text itself is not kept alive by the cache.
 *
 * A cached result is shared: callers treat it as immutable (every registry function builds new
 * objects; the result, its catalog and their arrays are frozen so an in-place change fails loudly
 * instead of leaking into another registry's data). Bounded in entries, in the total size of the
 * documents behind them (bounded-cache.ts, least recently used first out), and in each document's
 * size: only documents up to `maxTextBytes` are kept (a ConfigMap holds at most 1 MiB), so a large
 * upstream catalog read once per sync is not pinned in memory between syncs. A failed parse is not
 * cached.
 */
import { createHash } from 'node:crypto';
import { BoundedCache } from './bounded-cache.ts';
import type { SourceFormat } from './model.ts';

export interface Parsed {
  catalog: { servers: unknown[] };
  invalid: unknown[];
  unrepresentable: string[];
  warnings: string[];
}

/** The largest document text a cache keeps by default (a ConfigMap holds at most 1 MiB). */
export const DEFAULT_MAX_TEXT_BYTES = 1024 * 1024;

/**
 * Whether a text of this many UTF-8 bytes may be kept by a cache of the default size: a caller that
 * computes keys piece by piece stops computing one past this (a key for a text no cache keeps).
 */
export function documentFits(bytes: number): boolean {
  return bytes <= DEFAULT_MAX_TEXT_BYTES;
}

export class DocumentCache<R extends Parsed> {
  /** Weighed by the UTF-8 size of each document's text (the parse's own heap grows with it). */
  private readonly entries: BoundedCache<string, R>;
  private readonly parse: (text: string, format: SourceFormat | 'auto') => R;
  private readonly maxTextBytes: number;
  private hits = 0;
  private misses = 0;

  constructor(
    parse: (text: string, format: SourceFormat | 'auto') => R,
    opts: { maxEntries?: number; maxTextBytes?: number; maxBytes?: number } = {},
  ) {
    this.parse = parse;
    this.maxTextBytes = opts.maxTextBytes ?? DEFAULT_MAX_TEXT_BYTES;
    // 32 documents of at most 1 MiB each: the same worst case as the entry bound alone had.
    this.entries = new BoundedCache({
      maxEntries: opts.maxEntries ?? 32,
      maxBytes: opts.maxBytes ?? 32 * DEFAULT_MAX_TEXT_BYTES,
    });
  }

  get(text: string, format: SourceFormat | 'auto'): R {
    // A text of more UTF-16 units than the bound has at least that many UTF-8 bytes: not kept.
    const bytes = text.length <= this.maxTextBytes ? Buffer.byteLength(text) : Infinity;
    const key = this.fits(bytes) ? { key: documentKey(format, [text]), bytes } : undefined;
    return this.getKeyed(key, () => this.parse(text, format));
  }

  /**
   * The same for a document whose text exists only in pieces (a source that parsed it already):
   * `text` is documentKey of its format and text with the text's UTF-8 size, undefined when the text
   * is over maxTextBytes (see fits), and `parse` reads the document.
   */
  getKeyed(text: { key: string; bytes: number } | undefined, parse: () => R): R {
    if (text === undefined || !this.fits(text.bytes)) {
      this.misses++;
      return parse();
    }
    const hit = this.entries.get(text.key);
    if (hit) {
      this.hits++;
      return hit;
    }
    this.misses++;
    const result = freeze(parse());
    this.entries.set(text.key, result, text.bytes);
    return result;
  }

  /** Whether a document of this many UTF-8 bytes is kept. */
  fits(bytes: number): boolean {
    return bytes <= this.maxTextBytes;
  }

  /** Counts for tests and metrics. */
  stats(): { entries: number; hits: number; misses: number } {
    return { entries: this.entries.size, hits: this.hits, misses: this.misses };
  }

  /** The UTF-8 size of the kept documents' texts. */
  get bytes(): number {
    return this.entries.bytes;
  }

  clear(): void {
    this.entries.clear();
  }
}

/** The cache key of a document: a SHA-256 of its format and its text, given whole or in pieces. */
export function documentKey(format: SourceFormat | 'auto', text: Iterable<string>): string {
  const k = documentKeyOf(format);
  for (const piece of text) k.update(piece);
  return k.digest();
}

/** documentKey fed piece by piece, for a caller that walks the text's pieces anyway. */
export function documentKeyOf(format: SourceFormat | 'auto'): {
  update(piece: string): void;
  digest(): string;
} {
  const h = createHash('sha256').update(format).update('\0');
  return { update: (piece) => void h.update(piece), digest: () => h.digest('base64') };
}

function freeze<R extends Parsed>(r: R): R {
  Object.freeze(r.catalog.servers);
  Object.freeze(r.catalog);
  Object.freeze(r.invalid);
  Object.freeze(r.unrepresentable);
  Object.freeze(r.warnings);
  return Object.freeze(r);
}
