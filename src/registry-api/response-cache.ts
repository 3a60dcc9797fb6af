/**
 * Response bodies per snapshot: a snapshot never changes, so the same request gets the same bytes
 * until the next reload, and serializing large pages was most of the cost. A reload starts a new
 * cache (the WeakMap drops the old one with its snapshot).
 *
 * Keyed by what can change a response and nothing else (issue #26.7): the route, its decoded path
 * parameters, and the query parameters that route reads, each in its canonical form (a default
 * written out or left out is the same key, `search` is case-insensitive, `tag` order and repeats do
 * not matter; `include_deleted` as the route resolves it). A parameter no route reads is not in
 * the key, so junk parameters cannot fill the cache; before, 2,040 requests with one took the API's
 * RSS from 175 to 468 MB. Bounded by bytes as well as entries (src/registry/bounded-cache.ts).
 * Computing a key validates the parameters it reads: a bad one throws BadRequest (a 400), as the
 * route itself would, so a cached answer is never given to a request the route would refuse.
 */
import { BoundedCache } from '../registry/bounded-cache.ts';
import type { Snapshot } from './snapshot/snapshot.ts';
import {
  LIMITS,
  decodeCursor,
  parseBool,
  parseFormat,
  parseLimit,
  parseUpdatedSince,
  v01CursorPosition,
} from './query.ts';
import { listIncludesDeleted } from './versions.ts';

export const RESPONSE_CACHE_BOUNDS = { maxEntries: 2048, maxBytes: 32 * 1024 * 1024 };

const cursorOf = (q: URLSearchParams) => {
  const c = q.get('cursor');
  return c ? decodeCursor(c) : null;
};
const v01CursorOf = (q: URLSearchParams) => {
  const c = q.get('cursor');
  return c ? v01CursorPosition(c) : null;
};
const searchOf = (q: URLSearchParams) => q.get('search')?.toLowerCase() ?? '';
const deletedOf = (q: URLSearchParams) => parseBool('include_deleted', q.get('include_deleted'));

/** For each cached route template: the canonical form of the query parameters it reads. */
const QUERY_KEYS: Readonly<Record<string, (q: URLSearchParams) => unknown>> = {
  '/api/v1/registry/info': () => null,
  '/api/v1/registry/servers': (q) => [
    parseFormat(q.get('format')),
    parseLimit(q.get('limit'), LIMITS.v1),
    cursorOf(q),
    searchOf(q),
    [...new Set(q.getAll('tag'))].sort(),
  ],
  '/api/v1/registry/servers/{name}': (q) => parseFormat(q.get('format')),
  '/v0.1/servers': (q) => {
    const version = q.get('version');
    return [
      parseLimit(q.get('limit'), LIMITS.v01),
      v01CursorOf(q),
      // A bigint has no JSON form; its decimal digits are the same key.
      parseUpdatedSince(q.get('updated_since'))?.toString() ?? null,
      listIncludesDeleted(q),
      searchOf(q),
      version === '' ? null : version,
    ];
  },
  '/v0.1/servers/{serverName}/versions': deletedOf,
  '/v0.1/servers/{serverName}/versions/{version}': deletedOf,
};

/** The cache key of a request to a cached route; undefined for a route whose answers are not cached. */
export function responseKey(
  template: string,
  params: readonly string[],
  query: URLSearchParams,
): string | undefined {
  const canonical = QUERY_KEYS[template];
  return canonical && JSON.stringify([template, params, canonical(query)]);
}

const bodies = new WeakMap<Snapshot, BoundedCache<string, Buffer>>();

/** The snapshot's cache (created on first use). */
export function responseCache(snap: Snapshot): BoundedCache<string, Buffer> {
  let c = bodies.get(snap);
  if (!c) bodies.set(snap, (c = new BoundedCache(RESPONSE_CACHE_BOUNDS)));
  return c;
}

/**
 * Gives a snapshot a smaller cache before first use: a caller's filtered view (authorized-view.ts) is
 * one of up to VIEWS per catalog, so each gets a share, not the whole catalog's bound.
 */
export function boundResponseCache(snap: Snapshot, bounds: { maxEntries: number; maxBytes: number }): void {
  if (!bodies.has(snap)) bodies.set(snap, new BoundedCache(bounds));
}

export function cachedResponse(snap: Snapshot, key: string): Buffer | undefined {
  return bodies.get(snap)?.get(key);
}

export function rememberResponse(snap: Snapshot, key: string, body: Buffer): void {
  responseCache(snap).set(key, body, body.length);
}
