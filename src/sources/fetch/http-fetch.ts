/**
 * One HTTP(S) GET for the URL and registry-API sources, bounded in every direction (SPEC §8):
 * - time: one deadline over the whole exchange, redirects included, never above MAX_FETCH_MS;
 * - bytes: a size limit enforced while streaming, and the same limit on a gzip body once inflated;
 * - destinations: the platform policy in force now judges the URL before every request and every
 *   redirect's target (scheme, host, allowedHosts, plain-http rules), and every address a host resolves
 *   to before the socket connects (destinations.ts: the decision admission uses);
 * - what a status message reveals: a closed port and an address that never answers read alike, so a
 *   source cannot be used to map which internal ports are open.
 * Redirects are followed (GitHub raw URLs redirect) up to MAX_REDIRECTS; never from https to http, and
 * the caller's headers (credentials) are only sent to the origin they were configured for.
 */
import { request as httpsRequest, type Agent as HttpsAgent } from 'node:https';
import {
  request as httpRequest,
  type Agent as HttpAgent,
  type ClientRequest,
  type IncomingHttpHeaders,
} from 'node:http';
import { gunzip } from 'node:zlib';
import {
  destinationRefusal,
  guardedLookup,
  DESTINATION_REFUSED,
  sourcePolicy,
  type FetchDestination,
} from '../destinations/destinations.ts';
import { registryApiHost } from '../../admission/source-rules/registry-api-host.ts';
import { SourceError } from '../types.ts';
import { Body, ByteSink } from './fetch-body.ts';

export interface HttpGetOptions {
  timeoutMs: number;
  maxBytes: number;
  ca?: string;
  headers?: Record<string, string>;
  /**
   * Keep-alive agents for a run of requests to one origin (the pages of one registry sync); without
   * them every request has a connection of its own. A pooled connection was judged by the policy when
   * it connected (the lookup below runs for every new socket) and stays on that address.
   */
  agents?: { http: HttpAgent; https: HttpsAgent };
  /**
   * What the fetch is for, for the platform policy: the source's type, and whether the operator chose
   * the address (a resolved registryRef). Default: a `url` source's document.
   */
  source?: { type: string; operatorEndpoint?: boolean };
}

export interface HttpResult {
  status: number;
  headers: IncomingHttpHeaders;
  /** As received (inflated when gzip), never joined or decoded here (fetch-body.ts). */
  body: Body;
}

/** Longest any single fetch may take, whatever a spec says (the admission cap of url.timeout). */
export const MAX_FETCH_MS = 10 * 60_000;
export const MAX_REDIRECTS = 5;
const REDIRECTS = new Set([301, 302, 303, 307, 308]);

/** Network failures before a connection exists: all read the same (no open/closed/filtered oracle). */
const UNREACHABLE = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ETIMEDOUT',
  'EADDRNOTAVAIL',
  'EPIPE',
]);

function redact(url: URL): string {
  return `${url.protocol}//${url.host}${url.pathname}`;
}

const unreachable = (url: URL) =>
  new SourceError('FetchFailed', `${redact(url)}: no connection (refused, unreachable or timed out)`);

export async function httpGet(href: string, opts: HttpGetOptions): Promise<HttpResult> {
  const timeoutMs = Math.min(Math.max(opts.timeoutMs, 1), MAX_FETCH_MS);
  const deadline = Date.now() + timeoutMs;
  const origin = new URL(href).origin;
  let url = new URL(href);
  for (let hop = 0; ; hop++) {
    const sameOrigin = url.origin === origin;
    // The first request is judged on the URL as the spec wrote it (one parser: what admission read).
    const judged =
      hop === 0 ? destinationOf(href, opts, 'document') : destinationOf(url.href, opts, 'redirect');
    const res = await requestOnce(url, judged, {
      ...opts,
      headers: sameOrigin ? opts.headers : undefined,
      timeoutMs,
      deadline,
    });
    const location = res.headers.location;
    if (!REDIRECTS.has(res.status) || typeof location !== 'string') return res;
    if (hop >= MAX_REDIRECTS)
      throw new SourceError('TooManyRedirects', `${redact(url)}: more than ${MAX_REDIRECTS} redirects`);
    let next: URL;
    try {
      next = new URL(location, url);
    } catch {
      throw new SourceError('RedirectRefused', `${redact(url)}: redirects to an invalid URL`);
    }
    if (next.protocol !== 'https:' && next.protocol !== 'http:')
      throw new SourceError('RedirectRefused', `${redact(url)}: redirects to a ${next.protocol} URL`);
    if (url.protocol === 'https:' && next.protocol === 'http:')
      throw new SourceError('RedirectRefused', `${redact(url)}: redirects from https to plain http`);
    // A redirect would read a registry's API without asking its consent (SPEC §18): registryRef, or a
    // URL naming the API itself, is the only way in, and both are judged against the reader.
    if (next.host !== url.host && registryApiHost(next.hostname, sourcePolicy().clusterDomain))
      throw new SourceError(
        'RedirectRefused',
        `${redact(url)}: redirects to the API of MCPRegistry ${next.hostname}; name it with registryRef instead`,
      );
    const refused = destinationRefusal(destinationOf(next.href, opts, 'redirect'));
    if (refused)
      throw new SourceError(
        DESTINATION_REFUSED,
        `${redact(next)}: refused by the platform policy: ${refused}`,
      );
    url = next;
  }
}

function destinationOf(url: string, opts: HttpGetOptions, role: 'document' | 'redirect'): FetchDestination {
  const source = opts.source ?? { type: 'url' };
  return {
    type: source.type,
    url,
    role,
    // A redirect leaves the address the operator chose: it is judged like any URL.
    ...(source.operatorEndpoint && role === 'document' ? { operatorEndpoint: true } : {}),
  };
}

interface OnceOptions extends HttpGetOptions {
  deadline: number;
}

function requestOnce(url: URL, destination: FetchDestination, opts: OnceOptions): Promise<HttpResult> {
  const refused = destinationRefusal(destination);
  if (refused)
    return Promise.reject(
      new SourceError(DESTINATION_REFUSED, `${redact(url)}: refused by the platform policy: ${refused}`),
    );
  const send = url.protocol === 'https:' ? httpsRequest : httpRequest;
  const remaining = Math.max(1, opts.deadline - Date.now());
  return new Promise((resolve, reject) => {
    let connected = false;
    let settled = false;
    const fail = (e: SourceError) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      req.destroy();
      reject(e);
    };
    const req: ClientRequest = send(
      url,
      {
        method: 'GET',
        headers: {
          Accept: 'application/json',
          'Accept-Encoding': 'gzip',
          'User-Agent': 'mcp-registry-operator',
          ...opts.headers,
        },
        ...(opts.ca ? { ca: opts.ca } : {}),
        timeout: remaining,
        lookup: guardedLookup(destination),
        // A fresh connection per fetch unless the caller pools one origin's connections (agents):
        // a socket shared more widely could reach an address no lookup of this request judged.
        agent: (url.protocol === 'https:' ? opts.agents?.https : opts.agents?.http) ?? false,
      },
      (res) => {
        const declared = Number(res.headers['content-length'] ?? NaN);
        if (Number.isFinite(declared) && declared > opts.maxBytes)
          return fail(
            new SourceError(
              'ResponseTooLarge',
              `${redact(url)}: response of ${declared} bytes exceeds the limit of ${opts.maxBytes} bytes`,
            ),
          );
        // Room for the declared length at once (already within the limit): no joining at the end.
        const bodied = res.statusCode !== 304 && res.statusCode !== 204;
        const sink = new ByteSink(
          bodied && Number.isSafeInteger(declared) && declared > 0 ? declared : undefined,
        );
        let size = 0;
        res.on('data', (c: Buffer) => {
          size += c.length;
          if (size > opts.maxBytes)
            return fail(
              new SourceError(
                'ResponseTooLarge',
                `${redact(url)}: response exceeds the limit of ${opts.maxBytes} bytes`,
              ),
            );
          sink.push(c);
        });
        res.on('error', (e) => fail(new SourceError('FetchFailed', `${redact(url)}: ${e.message}`)));
        res.on('end', () => {
          if (settled) return;
          const raw = sink.body();
          const done = (body: Body) => {
            if (settled) return;
            settled = true;
            clearTimeout(timer);
            const headers = { ...res.headers };
            if (body !== raw) delete headers['content-encoding'];
            resolve({ status: res.statusCode ?? 0, headers, body });
          };
          if (!/^\s*(x-)?gzip\s*$/i.test(res.headers['content-encoding'] ?? '')) return done(raw);
          inflate(Buffer.concat(raw.segments), opts.maxBytes).then(
            (out) => done(Body.of(out)),
            (e: unknown) =>
              fail(
                e instanceof RangeError
                  ? new SourceError(
                      'ResponseTooLarge',
                      `${redact(url)}: gzip response inflates beyond the limit of ${opts.maxBytes} bytes`,
                    )
                  : new SourceError(
                      'FetchFailed',
                      `${redact(url)}: invalid gzip response: ${(e as Error).message}`,
                    ),
              ),
          );
        });
      },
    );
    req.on('socket', (s) => {
      if (!s.connecting) connected = true;
      else s.once('connect', () => (connected = true));
    });
    // The socket timeout covers idle connections; the overall deadline covers a server that trickles.
    const timeout = () =>
      fail(
        connected
          ? new SourceError(
              'FetchTimeout',
              `${redact(url)}: no complete response within ${opts.timeoutMs} ms`,
            )
          : unreachable(url),
      );
    const timer = setTimeout(timeout, remaining);
    req.on('timeout', timeout);
    req.on('error', (e: Error & { code?: string }) => {
      if (e instanceof SourceError)
        return fail(
          e.reason === DESTINATION_REFUSED
            ? new SourceError(
                DESTINATION_REFUSED,
                `${redact(url)}: refused by the platform policy: ${e.message}`,
              )
            : e,
        );
      if (!connected && e.code && UNREACHABLE.has(e.code)) return fail(unreachable(url));
      if (e.code === 'ENOTFOUND' || e.code === 'EAI_AGAIN')
        return fail(new SourceError('FetchFailed', `${redact(url)}: cannot resolve host ${url.hostname}`));
      fail(new SourceError('FetchFailed', `${redact(url)}: ${e.message}`));
    });
    req.end();
  });
}

/** gunzip with an output ceiling: a 900 KB bomb stops at `max` bytes instead of filling memory. */
function inflate(raw: Buffer, max: number): Promise<Buffer> {
  return new Promise((resolve, reject) =>
    gunzip(raw, { maxOutputLength: max }, (err, out) => (err ? reject(err) : resolve(out))),
  );
}

/** Retry-After as seconds or an HTTP date → ms (capped), undefined when absent or unparseable. */
export function retryAfterMs(
  value: string | string[] | undefined,
  now: number,
  capMs: number,
): number | undefined {
  const v = Array.isArray(value) ? value[0] : value;
  if (!v) return undefined;
  const secs = Number(v);
  const ms = Number.isFinite(secs) ? secs * 1000 : Date.parse(v) - now;
  if (!Number.isFinite(ms)) return undefined;
  return Math.max(0, Math.min(capMs, ms));
}
