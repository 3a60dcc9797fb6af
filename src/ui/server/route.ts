/**
 * HTTP routes of the catalog page, mounted by the registry API server in front of its API handler:
 *   GET /, /servers/<name>  the page (the browser routes between list and detail itself)
 *   GET /ui/<file>          its hashed script, chunks and stylesheet
 *   GET /ui/catalog.json    the list data: a summary of the current snapshot, built once per snapshot
 * Responses go through the API's own writer (weak ETag, 304, gzip), injected here so this adapter does
 * not import the API's modules. The page shell holds no catalog data and is open; catalog.json (and the
 * API calls the detail view makes) need the same credentials as the API.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { catalogSummary, type SummaryEntry, type SummaryInfo } from '../core/summary.ts';
import { loadAssets } from './assets.ts';
import { pageUnder } from './base-page.ts';

export interface UiSnapshot {
  readonly info: SummaryInfo;
  readonly entries: readonly SummaryEntry[];
  /** When the snapshot was built: a server time equal to it is a fallback, not the server's own. */
  readonly loadedAt?: string;
}

export interface SendOpts {
  cacheable?: boolean;
  headers?: Record<string, string>;
  contentType?: string;
}

export interface UiDeps {
  /** The server's `--base-path` ('' = the root): the page's own URLs carry it (base-page.ts). */
  basePath?: string;
  /** The snapshot this request may see (with per-entry policies, the caller's view of it). */
  snapshot(req?: IncomingMessage): UiSnapshot | undefined;
  /** undefined when the request may read the catalog, else why not (as the API says it). */
  authorize(req: IncomingMessage): Promise<string | undefined>;
  send(req: IncomingMessage, res: ServerResponse, status: number, body: Buffer, opts?: SendOpts): void;
  sendError(
    req: IncomingMessage,
    res: ServerResponse,
    status: number,
    message: string,
    headers?: Record<string, string>,
  ): void;
  onError?(err: unknown, path: string): void;
}

/**
 * Scripts and styles only from this origin and no inline ones, so even a Markdown renderer bug could not
 * run injected script; data only from the API; no external images or fonts (the page works offline).
 */
export const CSP =
  "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; " +
  "base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

const PAGE_HEADERS = {
  'Content-Security-Policy': CSP,
  'X-Content-Type-Options': 'nosniff',
  'Referrer-Policy': 'no-referrer',
};

const summaries = new WeakMap<UiSnapshot, Buffer>();

function summaryBody(snap: UiSnapshot): Buffer {
  let body = summaries.get(snap);
  if (!body)
    summaries.set(
      snap,
      (body = Buffer.from(JSON.stringify(catalogSummary(snap.info, snap.entries, snap.loadedAt)))),
    );
  return body;
}

/**
 * A `/servers/<name>` page for a name the snapshot does not hold is a 404 (with the page, which says
 * so): crawlers, link checkers and `curl -f` see a missing server as missing. The name may be the
 * catalog key or the upstream server.json name (`io.github.stacklok/github`), like the API's `/v0.1`.
 */
export function serverPageMissing(snap: UiSnapshot | undefined, path: string): boolean {
  if (!snap || !path.startsWith('/servers/')) return false;
  let name = path.slice('/servers/'.length);
  try {
    name = decodeURIComponent(name);
  } catch {
    return true;
  }
  return !snap.entries.some((e) => e.name === name || e.server.name === name);
}

/** Which paths are the page's: everything else is left to the API handler. */
export function isUiPath(path: string): boolean {
  return path === '/' || path.startsWith('/servers/') || path.startsWith('/ui/');
}

/**
 * Returns false (and does nothing) for paths that are not the page's. `path` is the request's path as
 * the server's guard parsed it (src/http/guard.ts): this route never parses `req.url` itself.
 */
export function createUiRoutes(
  deps: UiDeps,
): (req: IncomingMessage, res: ServerResponse, path: string) => boolean {
  return (req, res, path) => {
    if (!isUiPath(path)) return false;
    void serve(deps, req, res, path).catch((err: unknown) => {
      deps.onError?.(err, path);
      if (!res.headersSent) deps.sendError(req, res, 500, 'Internal server error');
      else res.destroy();
    });
    return true;
  };
}

async function serve(deps: UiDeps, req: IncomingMessage, res: ServerResponse, path: string): Promise<void> {
  if (req.method !== 'GET' && req.method !== 'HEAD')
    return deps.sendError(req, res, 405, `Method ${req.method} not allowed; use GET, HEAD`, {
      Allow: 'GET, HEAD',
    });
  if (path === '/ui/catalog.json') {
    const denied = await deps.authorize(req);
    if (denied !== undefined)
      return deps.sendError(req, res, 401, `Unauthorized: ${denied}`, {
        'WWW-Authenticate': 'Bearer realm="thv-registry-api"',
      });
    const snap = deps.snapshot(req);
    if (!snap) return deps.sendError(req, res, 503, 'Catalog not loaded yet');
    return deps.send(req, res, 200, summaryBody(snap), { cacheable: true });
  }
  const assets = await loadAssets();
  const file = path.startsWith('/ui/') ? path.slice(4) : 'index.html';
  const asset = file === 'index.html' && path.startsWith('/ui/') ? undefined : assets.get(file);
  if (!asset) return deps.sendError(req, res, 404, 'Not found');
  const status = file === 'index.html' && serverPageMissing(deps.snapshot(req), path) ? 404 : 200;
  const body = file === 'index.html' ? pageUnder(asset.body, deps.basePath ?? '') : asset.body;
  deps.send(req, res, status, body, {
    cacheable: status === 200,
    contentType: asset.contentType,
    headers: file === 'index.html' ? PAGE_HEADERS : { 'X-Content-Type-Options': 'nosniff' },
  });
}
