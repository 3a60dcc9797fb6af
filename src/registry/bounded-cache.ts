/**
 * The one bounded cache of the project (issue #27.3): least recently used entries go first, and the
 * cache holds at most `maxEntries` values and at most `maxBytes` of their size. Used by the registry
 * API's response and gzip caches, the parse-once document cache and the URL source's last bodies,
 * which each had their own eviction before (one cleared everything at its bound, one had none).
 *
 * Sizes are what the caller says a value costs (a Buffer's length, a text's length): the cache does
 * not measure heap. A value larger than `maxBytes` on its own is not kept, so one huge value cannot
 * flush everything else. Pure: no I/O, so every layer may use it.
 */
export interface BoundedCacheOptions {
  maxEntries: number;
  maxBytes: number;
}

export class BoundedCache<K, V> {
  /** Map iteration order is insertion order: the first key is the least recently used. */
  private readonly entries = new Map<K, { value: V; bytes: number }>();
  private total = 0;
  readonly maxEntries: number;
  readonly maxBytes: number;

  constructor(opts: BoundedCacheOptions) {
    if (!(opts.maxEntries >= 0) || !(opts.maxBytes >= 0))
      throw new RangeError(`cache bounds must be non-negative: ${JSON.stringify(opts)}`);
    this.maxEntries = opts.maxEntries;
    this.maxBytes = opts.maxBytes;
  }

  /** The value, now the most recently used. */
  get(key: K): V | undefined {
    const e = this.entries.get(key);
    if (!e) return undefined;
    this.entries.delete(key);
    this.entries.set(key, e);
    return e.value;
  }

  /** Without making it recently used. */
  peek(key: K): V | undefined {
    return this.entries.get(key)?.value;
  }

  has(key: K): boolean {
    return this.entries.has(key);
  }

  /**
   * Keeps the value as the most recently used, evicting the least recently used until both bounds
   * hold. Returns false (and keeps nothing, dropping an older value of the key) when the value alone
   * is over `maxBytes` or the cache may hold no entry at all.
   */
  set(key: K, value: V, bytes: number): boolean {
    this.delete(key);
    if (!Number.isFinite(bytes) || bytes < 0 || bytes > this.maxBytes || this.maxEntries === 0) return false;
    while (this.entries.size >= this.maxEntries || this.total + bytes > this.maxBytes) this.evictOldest();
    this.entries.set(key, { value, bytes });
    this.total += bytes;
    return true;
  }

  delete(key: K): boolean {
    const e = this.entries.get(key);
    if (!e) return false;
    this.entries.delete(key);
    this.total -= e.bytes;
    return true;
  }

  clear(): void {
    this.entries.clear();
    this.total = 0;
  }

  /** Entries held. */
  get size(): number {
    return this.entries.size;
  }

  /** The sum of the held values' sizes. */
  get bytes(): number {
    return this.total;
  }

  /** Keys from least to most recently used (for tests and metrics). */
  keys(): K[] {
    return [...this.entries.keys()];
  }

  private evictOldest(): void {
    const first = this.entries.keys().next();
    if (!first.done) this.delete(first.value);
  }
}
