/**
 * Parse once per content: registries that read the same source bytes (a thousand registries sharing
 * one catalog ConfigMap, or a resync whose source did not change) reuse the first parse instead of
 * re-reading and re-validating every entry each time. Keyed by a SHA-256 of the format and the text,
 * so the text itself is not kept alive by the cache.
 *
 * A cached result is shared: callers treat it as immutable (every registry function builds new
 * objects; the result, its catalog and their arrays are frozen so an in-place change fails loudly
 * instead of leaking into another registry's data). Bounded in entries and in text size: only
 * documents up to `maxTextBytes` are kept (a ConfigMap holds at most 1 MiB), so a large upstream
 * catalog read once per sync is not pinned in memory between syncs. A failed parse is not cached.
 */
import { createHash } from 'node:crypto';
import type { SourceFormat } from './model.ts';

export interface Parsed {
  catalog: { servers: unknown[] };
  invalid: unknown[];
  unrepresentable: string[];
  warnings: string[];
}

export class DocumentCache<R extends Parsed> {
  private readonly entries = new Map<string, R>();
  private readonly parse: (text: string, format: SourceFormat | 'auto') => R;
  private readonly maxEntries: number;
  private readonly maxTextBytes: number;
  private hits = 0;
  private misses = 0;

  constructor(
    parse: (text: string, format: SourceFormat | 'auto') => R,
    opts: { maxEntries?: number; maxTextBytes?: number } = {},
  ) {
    this.parse = parse;
    this.maxEntries = opts.maxEntries ?? 32;
    this.maxTextBytes = opts.maxTextBytes ?? 1024 * 1024;
  }

  get(text: string, format: SourceFormat | 'auto'): R {
    // text.length counts UTF-16 units: at most 3 UTF-8 bytes each, so this bound is conservative.
    if (text.length * 3 > this.maxTextBytes && Buffer.byteLength(text) > this.maxTextBytes) {
      this.misses++;
      return this.parse(text, format);
    }
    const key = createHash('sha256').update(format).update('\0').update(text).digest('base64');
    const hit = this.entries.get(key);
    if (hit) {
      // Least recently used goes first: re-insert on a hit.
      this.entries.delete(key);
      this.entries.set(key, hit);
      this.hits++;
      return hit;
    }
    this.misses++;
    const result = freeze(this.parse(text, format));
    this.entries.set(key, result);
    if (this.entries.size > this.maxEntries) this.entries.delete(this.entries.keys().next().value as string);
    return result;
  }

  /** Counts for tests and metrics. */
  stats(): { entries: number; hits: number; misses: number } {
    return { entries: this.entries.size, hits: this.hits, misses: this.misses };
  }

  clear(): void {
    this.entries.clear();
  }
}

function freeze<R extends Parsed>(r: R): R {
  Object.freeze(r.catalog.servers);
  Object.freeze(r.catalog);
  Object.freeze(r.invalid);
  Object.freeze(r.unrepresentable);
  Object.freeze(r.warnings);
  return Object.freeze(r);
}
