/**
 * The first pages clients ask for, built when a snapshot is swapped in (the store calls its
 * listeners inside the swap, so no request sees the new snapshot before they exist): each listing's
 * first page at its default limit and at v0.1's maximum (what a client walking the catalog asks
 * for), with ETag and gzip. Without this the first request after every reload paid serialization,
 * SHA-256 and gzip (~1.5 ms for 100 servers in process, more on a loaded machine) that a server
 * answering pre-built bytes does not. Four bodies of at most 100 servers: bounded by the page limit,
 * not by the catalog. Keys are formed by response-cache.ts, as for a request.
 */
import type { Snapshot } from './snapshot/snapshot.ts';
import { listV01Body, listV1Body } from './handler.ts';
import { prepareBody } from './respond.ts';
import { rememberResponse, responseKey } from './response-cache.ts';

const FIRST_PAGES: readonly [string, string, (s: Snapshot, q: URLSearchParams) => unknown][] = [
  ['/v0.1/servers', '', listV01Body],
  ['/v0.1/servers', 'limit=100', listV01Body],
  ['/api/v1/registry/servers', '', listV1Body],
  ['/api/v1/registry/info', '', (s) => s.info],
];

export function prepareFirstPages(snap: Snapshot): void {
  for (const [template, query, build] of FIRST_PAGES) {
    const q = new URLSearchParams(query);
    const buf = Buffer.from(JSON.stringify(build(snap, q)), 'utf8');
    prepareBody(buf);
    rememberResponse(snap, responseKey(template, [], q)!, buf);
  }
}
