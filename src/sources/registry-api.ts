/**
 * Upstream MCP registry API source: pages through `/v0.1/servers?limit=100&include_deleted=true`
 * following metadata.nextCursor and returns one API page document holding every version of each server,
 * as objects (a ParsedDocument): the pipeline reads them without a second parse, and the process
 * never holds the whole catalog as one string (docs/performance.md, the 10,000-server sync).
 *
 * Bounded work (SPEC §8): each page is read up to a page size limit and parsed at once; one entry per
 * server version is kept between pages; the whole sync has a byte, page and time budget, and the byte
 * budget is enforced while streaming, so a hostile registry is refused early instead of being buffered.
 * Transient failures of a page (5xx, 429, network) are retried with backoff (retry.ts).
 */
import { Agent as HttpAgent } from 'node:http';
import { Agent as HttpsAgent } from 'node:https';
import type { HttpGetOptions } from './fetch/http-fetch.ts';
import { getWithRetries, DEFAULT_RETRY_OPTIONS, type RetryOptions } from './fetch/retry.ts';
import { parsePage, PagedVersions, apiDocument } from './registry-page.ts';
import { preReadUpstreamItem } from '../registry/pre-read.ts';
import { SourceError, type ParsedDocument } from './types.ts';
import type { Body } from './fetch/fetch-body.ts';

export interface RegistryApiOptions extends HttpGetOptions, Partial<RetryOptions> {
  /**
   * Ask for the latest version of each server only (`version=latest`), as a source bounded to one
   * version per server needs: a fraction of the bytes of every version of a large registry.
   */
  latestOnly?: boolean;
  /**
   * Only what changed after this time (`updated_since`, strictly later), for an incremental resync
   * (registry/incremental.ts): the source's own latest `updatedAt`, as it wrote it.
   */
  updatedSince?: string;
  /** Largest page (HttpGetOptions.maxBytes is the page limit). */
  maxBytes: number;
  /** Bytes over all pages of one sync. */
  maxTotalBytes?: number;
  maxPages: number;
  pageLimit: number;
  /** Wall-clock budget of one sync, all pages and retries included. */
  deadlineMs?: number;
  now?: () => number;
}

export const DEFAULT_REGISTRY_API_OPTIONS = {
  timeoutMs: 30_000,
  maxBytes: 16 * 1024 * 1024,
  // The same ceiling as one URL document: a registry source can bring no more than a URL source.
  maxTotalBytes: 64 * 1024 * 1024,
  maxPages: 1000,
  pageLimit: 100,
  deadlineMs: 10 * 60_000,
} satisfies Omit<RegistryApiOptions, 'ca' | 'headers'>;

/** Node's wording for a certificate chain the trust store cannot verify. */
const TLS_UNTRUSTED =
  /self[- ]signed certificate|unable to verify|unable to get (local )?issuer certificate/i;

/** Cursors are opaque and come from the server: show a bounded, quoted form only. */
function shown(cursor: string): string {
  return JSON.stringify(cursor.length > 80 ? `${cursor.slice(0, 80)}…` : cursor);
}

export async function fetchRegistryApi(baseURL: string, opts: RegistryApiOptions): Promise<ParsedDocument> {
  const base = baseURL.replace(/\/+$/, '');
  const where = `${base}/v0.1/servers`;
  const maxTotal = opts.maxTotalBytes ?? DEFAULT_REGISTRY_API_OPTIONS.maxTotalBytes;
  const now = opts.now ?? Date.now;
  const budgetMs = opts.deadlineMs ?? DEFAULT_REGISTRY_API_OPTIONS.deadlineMs;
  const deadline = now() + budgetMs;
  const retry: RetryOptions = {
    retries: opts.retries ?? DEFAULT_RETRY_OPTIONS.retries,
    baseRetryDelayMs: opts.baseRetryDelayMs ?? DEFAULT_RETRY_OPTIONS.baseRetryDelayMs,
    maxRetryDelayMs: opts.maxRetryDelayMs ?? DEFAULT_RETRY_OPTIONS.maxRetryDelayMs,
    maxRetryAfterMs: opts.maxRetryAfterMs ?? DEFAULT_RETRY_OPTIONS.maxRetryAfterMs,
    ...(opts.sleep ? { sleep: opts.sleep } : {}),
  };
  // One connection for all pages (a handshake per page cost more than parsing it): pooled per sync,
  // closed when paging ends; every new socket is still judged by the destination policy.
  const pool = { keepAlive: true, maxSockets: 1 };
  const agents = { http: new HttpAgent(pool), https: new HttpsAgent(pool) };
  try {
    return await pages(
      where,
      { source: { type: 'registry' }, ...opts },
      { retry, agents, maxTotal, now, deadline, budgetMs },
    );
  } finally {
    agents.http.destroy();
    agents.https.destroy();
  }
}

async function pages(
  where: string,
  opts: RegistryApiOptions,
  o: {
    retry: RetryOptions;
    agents: NonNullable<HttpGetOptions['agents']>;
    maxTotal: number;
    now: () => number;
    deadline: number;
    budgetMs: number;
  },
): Promise<ParsedDocument> {
  const { retry, agents, maxTotal, now, deadline, budgetMs } = o;
  const versions = new PagedVersions();
  const seen = new Set<string>();
  let total = 0;
  /** Starts page `page`; throws at once when the page or time budget forbids it. */
  const start = (page: number, cursor?: string): Promise<Body> => {
    if (page > opts.maxPages)
      throw new SourceError('TooManyPages', `${where}: more than ${opts.maxPages} pages; stopping`);
    if (now() > deadline)
      throw new SourceError(
        'FetchTimeout',
        `${where}: paging did not finish within ${Math.round(budgetMs / 1000)} s (stopped before page ${page})`,
      );
    const url = new URL(where);
    // Every version, deleted ones included, as the official registry asks of a sub-registry that
    // mirrors it (SPEC §14 "Mirror fidelity"); a registry that ignores the flag gives what it has.
    if (opts.latestOnly) url.searchParams.set('version', 'latest');
    url.searchParams.set('limit', String(opts.pageLimit));
    if (!opts.latestOnly) url.searchParams.set('include_deleted', 'true');
    if (opts.updatedSince !== undefined) url.searchParams.set('updated_since', opts.updatedSince);
    if (cursor) url.searchParams.set('cursor', cursor);
    return fetchPage(url, where, page, opts, {
      retry,
      agents,
      maxTotal,
      pageLimit: Math.min(opts.maxBytes, maxTotal - total),
    });
  };
  // Kept as received: a sync worker reads them again rather than have the objects cloned for it.
  const bodies: Body[] = [];
  let next = start(1);
  for (let page = 1; ; page++) {
    const body = await next;
    total += body.length;
    bodies.push(body);
    const { items, nextCursor } = parsePage(body.toString(), where, page);
    if (nextCursor) {
      if (seen.has(nextCursor))
        throw new SourceError(
          'CursorCycle',
          `${where}: cursor ${shown(nextCursor)} repeats after ${page} pages; the registry's paging loops`,
        );
      seen.add(nextCursor);
      // The next page is asked for before this one is reduced and pre-read, so the registry
      // produces it meanwhile. Its failure is awaited below; the catch only keeps it from being
      // reported as unhandled while this page's work runs.
      next = start(page + 1, nextCursor);
      next.catch(() => {});
      await new Promise((resolve) => setImmediate(resolve));
    }
    // Each kept entry is also validated and converted now, while the next page downloads, instead
    // of after the last page (pre-read.ts: the pipeline takes these results for the same objects).
    for (const item of items) if (versions.add(item)) preReadUpstreamItem(item);
    if (!nextCursor) break;
  }
  return { ...apiDocument(versions.items(), total), pages: bodies };
}

/** One page, with the messages a user sees for its failures. */
async function fetchPage(
  url: URL,
  where: string,
  page: number,
  opts: RegistryApiOptions,
  o: {
    retry: RetryOptions;
    agents: NonNullable<HttpGetOptions['agents']>;
    maxTotal: number;
    /** This page's byte limit: the page size limit, or what the byte budget has left if less. */
    pageLimit: number;
  },
): Promise<Body> {
  try {
    const res = await getWithRetries(
      url.toString(),
      where,
      { ...opts, maxBytes: o.pageLimit, agents: o.agents },
      o.retry,
    );
    if (res.status !== 200) throw httpError(where, res.status);
    return res.body;
  } catch (e) {
    if (e instanceof SourceError && e.reason === 'ResponseTooLarge')
      throw new SourceError(
        'ResponseTooLarge',
        o.pageLimit < opts.maxBytes
          ? `${where}: the registry sent more than ${o.maxTotal} bytes in ${page} pages, the byte budget of a registry source; stopping`
          : `${where} page ${page} is larger than ${opts.maxBytes} bytes, the page size limit of a registry source`,
      );
    // A private registry's certificate fails verification until its CA is given: say how.
    if (e instanceof SourceError && !opts.ca && TLS_UNTRUSTED.test(e.message))
      throw new SourceError(e.reason, `${e.message}; for a registry with its own CA, set caBundleRef`);
    throw e;
  }
}

function httpError(where: string, status: number): SourceError {
  if (status === 404)
    return new SourceError(
      'NotFound',
      `${where} answered HTTP 404; baseURL must be the registry's root, without /v0.1`,
    );
  if (status === 401 || status === 403)
    return new SourceError(
      'HTTPError',
      `${where} answered HTTP ${status}; check the credentials in authSecretRef or headersSecretRef`,
    );
  return new SourceError('HTTPError', `${where} answered HTTP ${status}`);
}
