/**
 * URL source: GET with retries on 5xx and 429 (honouring Retry-After), ETag / Last-Modified
 * revalidation against the last good body, optional CA bundle and headers from Secrets.
 */
import { httpGet, MAX_FETCH_MS, retryAfterMs, type HttpGetOptions } from './fetch/http-fetch.ts';
import { SourceError } from './types.ts';
import type { Body } from './fetch/fetch-body.ts';
import { BoundedCache, type BoundedCacheOptions } from '../registry/bounded-cache.ts';

export interface UrlFetchOptions extends HttpGetOptions {
  retries: number;
  baseRetryDelayMs: number;
  maxRetryDelayMs: number;
  sleep?: (ms: number) => Promise<void>;
}

export const DEFAULT_URL_OPTIONS: Omit<UrlFetchOptions, 'ca' | 'headers'> = {
  timeoutMs: 30_000,
  maxBytes: 64 * 1024 * 1024,
  retries: 3,
  baseRetryDelayMs: 500,
  maxRetryDelayMs: 10_000,
};

interface CacheEntry {
  etag?: string;
  lastModified?: string;
  /** As received; marked shared, so a sync worker gets a copy, never this memory (fetch-body.ts). */
  body: Body;
}

/**
 * Last good bodies by URL, for conditional requests. Process-local: a restart refetches once. Tenants
 * choose the URLs, so it is bounded (src/registry/bounded-cache.ts): by count and by the bodies' size
 * in bytes, least recently used first out; an evicted URL is simply fetched whole next time.
 */
export class UrlCache {
  private readonly entries: BoundedCache<string, CacheEntry>;
  constructor(bounds: BoundedCacheOptions = { maxEntries: 1024, maxBytes: 64 * 1024 * 1024 }) {
    this.entries = new BoundedCache(bounds);
  }
  get(url: string): CacheEntry | undefined {
    return this.entries.get(url);
  }
  set(url: string, e: CacheEntry): void {
    this.entries.set(url, { ...e, body: e.body.markShared() }, e.body.length);
  }
  /** Bodies held, in bytes (for tests of the bound). */
  get size(): number {
    return this.entries.bytes;
  }
}

const defaultSleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** The document as text (decoded on the calling thread: tests and small bodies). */
export async function fetchUrl(href: string, opts: UrlFetchOptions, cache?: UrlCache): Promise<string> {
  return (await fetchUrlBody(href, opts, cache)).toString();
}

/** The document's bytes as received: the controller hands them to a sync worker undecoded. */
export async function fetchUrlBody(href: string, opts: UrlFetchOptions, cache?: UrlCache): Promise<Body> {
  const sleep = opts.sleep ?? defaultSleep;
  const cached = cache?.get(href);
  const conditional: Record<string, string> = {};
  if (cached?.etag) conditional['If-None-Match'] = cached.etag;
  if (cached?.lastModified) conditional['If-Modified-Since'] = cached.lastModified;
  let lastError: SourceError | undefined;
  // One budget over all attempts and waits: retries never stretch a fetch past MAX_FETCH_MS.
  const end = Date.now() + MAX_FETCH_MS;
  for (let attempt = 0; attempt <= opts.retries; attempt++) {
    let retryDelay = Math.min(opts.maxRetryDelayMs, opts.baseRetryDelayMs * 2 ** attempt);
    try {
      const timeoutMs = Math.min(opts.timeoutMs, end - Date.now());
      const res = await httpGet(href, { ...opts, timeoutMs, headers: { ...opts.headers, ...conditional } });
      if (res.status === 304 && cached) return cached.body;
      if (res.status >= 200 && res.status < 300) {
        const body = res.body;
        const etag = res.headers.etag;
        const lastModified = res.headers['last-modified'];
        if (cache && (etag || lastModified)) cache.set(href, { etag, lastModified, body });
        return body;
      }
      const where = new URL(href);
      const msg = `${where.protocol}//${where.host}${where.pathname} answered HTTP ${res.status}`;
      if (res.status === 429 || res.status >= 500) {
        const ra = retryAfterMs(res.headers['retry-after'], Date.now(), opts.maxRetryDelayMs);
        lastError = new SourceError(res.status === 429 ? 'RateLimited' : 'ServerError', msg, ra);
        if (ra !== undefined) retryDelay = ra;
      } else {
        throw new SourceError(res.status === 404 ? 'NotFound' : 'HTTPError', msg);
      }
    } catch (e) {
      if (!(e instanceof SourceError)) throw e;
      // Only what may pass by itself is retried; a policy refusal or a too-large body will not.
      if (e.reason !== 'FetchFailed' && e.reason !== 'FetchTimeout') throw e;
      lastError = e;
    }
    if (attempt >= opts.retries || Date.now() + retryDelay >= end) break;
    await sleep(retryDelay);
  }
  throw lastError ?? new SourceError('FetchFailed', `${href}: failed`);
}
