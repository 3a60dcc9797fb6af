/**
 * Writing JSON responses: weak ETag over the body (the same for gzip and identity encodings, hence
 * weak), 304 on a matching If-None-Match, gzip when the client accepts it and the body is worth it.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { createHash } from 'node:crypto';
import { gzipSync } from 'node:zlib';
import { BoundedCache } from '../registry/bounded-cache.ts';

const GZIP_MIN_BYTES = 1024;

export function etagOf(body: Buffer): string {
  return `W/"${createHash('sha256').update(body).digest('base64url').slice(0, 27)}"`;
}

/** RFC 9110 weak comparison against an If-None-Match list (or `*`). */
export function etagMatches(header: string | undefined, etag: string): boolean {
  if (!header) return false;
  if (header.trim() === '*') return true;
  const opaque = (t: string) => t.trim().replace(/^W\//, '');
  const want = opaque(etag);
  return header.split(',').some((t) => opaque(t) === want);
}

/** Whether Accept-Encoding allows gzip (a `q=0` refuses it). */
export function acceptsGzip(header: string | undefined): boolean {
  if (!header) return false;
  for (const part of header.split(',')) {
    const [coding, ...params] = part.trim().split(';');
    const c = coding?.trim().toLowerCase();
    if (c !== 'gzip' && c !== '*') continue;
    const q = params.map((p) => p.trim()).find((p) => p.startsWith('q='));
    if (q === undefined || Number(q.slice(2)) > 0) return true;
  }
  return false;
}

export interface SendOptions {
  /** Send ETag/304 (for successful GETs only). */
  cacheable?: boolean;
  headers?: Record<string, string>;
  contentType?: string;
}

/**
 * Gzipped bodies by content hash. The same pages are asked for again and again between reloads, and
 * compressing each time cost far more than building the page. Bounded by compressed bytes and by count
 * (src/registry/bounded-cache.ts, least recently used first out); the cache is an object so a test can
 * start from a fresh one (the server shares one per process).
 */
export class GzipCache {
  private readonly byHash: BoundedCache<string, Buffer>;
  /** The same Buffer object (a cached response body) maps straight to its gzip, without hashing. */
  private readonly byBuffer = new WeakMap<Buffer, Buffer>();

  constructor(maxBytes = 32 * 1024 * 1024, maxEntries = 4096) {
    this.byHash = new BoundedCache({ maxBytes, maxEntries });
  }

  /** `etag`, when the caller has one (a hash of these bytes), saves hashing the body a second time. */
  gzip(body: Buffer, etag?: string): Buffer {
    const same = this.byBuffer.get(body);
    if (same) return same;
    const key = etag ?? createHash('sha256').update(body).digest('base64');
    let gz = this.byHash.get(key);
    if (!gz) {
      gz = gzipSync(body);
      this.byHash.set(key, gz, gz.length);
    }
    this.byBuffer.set(body, gz);
    return gz;
  }

  /** Compressed bytes held (for tests of the bound). */
  get size(): number {
    return this.byHash.bytes;
  }
}

const gzCache = new GzipCache();

/** ETags of response bodies; keyed weakly by the body, so it lives exactly as long as the body. */
const etagCache = new WeakMap<Buffer, string>();

/**
 * Computes a cacheable body's ETag and gzip now, so the request that first sends it finds both ready
 * (the pages built when a snapshot is swapped in; see handler.ts).
 */
export function prepareBody(body: Buffer): void {
  let etag = etagCache.get(body);
  if (!etag) etagCache.set(body, (etag = etagOf(body)));
  if (body.length >= GZIP_MIN_BYTES) gzCache.gzip(body, etag);
}

/** Appends a token to Vary (sendBody and cors.ts both add one; neither may drop the other's). */
export function addVary(res: ServerResponse, token: string): void {
  const have = res.getHeader('Vary');
  const list = (Array.isArray(have) ? have.join(',') : typeof have === 'string' ? have : '')
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '');
  if (list.some((t) => t.toLowerCase() === token.toLowerCase() || t === '*')) return;
  res.setHeader('Vary', [...list, token].join(', '));
}

export function sendBody(
  req: IncomingMessage,
  res: ServerResponse,
  status: number,
  body: Buffer,
  opts: SendOptions = {},
): void {
  res.setHeader('Content-Type', opts.contentType ?? 'application/json; charset=utf-8');
  // Every answer, JSON or not: a browser must never read one as something else (HTML, script).
  res.setHeader('X-Content-Type-Options', 'nosniff');
  addVary(res, 'Accept-Encoding');
  for (const [k, v] of Object.entries(opts.headers ?? {})) res.setHeader(k, v);
  let etag: string | undefined;
  if (opts.cacheable) {
    etag = etagCache.get(body) ?? etagOf(body);
    etagCache.set(body, etag);
    res.setHeader('ETag', etag);
    res.setHeader('Cache-Control', 'no-cache');
    if (etagMatches(req.headers['if-none-match'], etag)) {
      res.removeHeader('Content-Type');
      res.writeHead(304);
      res.end();
      return;
    }
  }
  let payload = body;
  if (body.length >= GZIP_MIN_BYTES && acceptsGzip(req.headers['accept-encoding'])) {
    payload = gzCache.gzip(body, etag);
    res.setHeader('Content-Encoding', 'gzip');
  }
  res.setHeader('Content-Length', String(payload.length));
  res.writeHead(status);
  res.end(req.method === 'HEAD' ? undefined : payload);
}

export function sendJson(
  req: IncomingMessage,
  res: ServerResponse,
  status: number,
  value: unknown,
  opts: SendOptions = {},
): void {
  sendBody(req, res, status, Buffer.from(JSON.stringify(value), 'utf8'), opts);
}

export function sendError(
  req: IncomingMessage,
  res: ServerResponse,
  status: number,
  message: string,
  headers?: Record<string, string>,
): void {
  sendJson(req, res, status, { error: message }, { headers });
}

export const RESOURCE_METADATA_PATH = '/.well-known/oauth-protected-resource';
const HOST = /^([A-Za-z0-9.-]{1,253}|\[[0-9A-Fa-f:.]{2,45}\])(:\d{1,5})?$/;

/**
 * Where the client reached us (`http(s)://host[:port]`), from Host and, behind a TLS-terminating proxy,
 * X-Forwarded-Proto; undefined for a Host header that is no host (it is echoed into a header).
 */
export function publicOrigin(req: IncomingMessage): string | undefined {
  const host = req.headers.host;
  if (typeof host !== 'string' || !HOST.test(host)) return undefined;
  const proto = req.headers['x-forwarded-proto'];
  const https = (Array.isArray(proto) ? proto[0] : proto)?.split(',')[0]?.trim().toLowerCase() === 'https';
  return `${https ? 'https' : 'http'}://${host}`;
}

/** The `--base-path` each request came in under (server.ts notes it), so a refusal names the right URL. */
const bases = new WeakMap<IncomingMessage, string>();

export function noteBasePath(req: IncomingMessage, base: string): void {
  if (base) bases.set(req, base);
}

/** Where this API is, as the client reached it: origin and base path (the RFC 9728 `resource`). */
export function resourceOf(req: IncomingMessage): string | undefined {
  const origin = publicOrigin(req);
  return origin && `${origin}${bases.get(req) ?? ''}`;
}

/**
 * RFC 6750's challenge with RFC 9728's `resource_metadata`: where a client learns how to get a token.
 * Under the base path (served there too), so it is reachable through an Ingress that routes only that.
 */
export function bearerChallenge(req: IncomingMessage): string {
  const resource = resourceOf(req);
  return `Bearer realm="thv-registry-api"${resource ? `, resource_metadata="${resource}${RESOURCE_METADATA_PATH}"` : ''}`;
}

/** 401 names the scheme to retry with (RFC 6750); 403 and 503 are answers for a caller already known. */
export function refuse(
  req: IncomingMessage,
  res: ServerResponse,
  status: 401 | 403 | 503,
  message: string,
): void {
  if (status === 401)
    return sendError(req, res, 401, `Unauthorized: ${message}`, {
      'WWW-Authenticate': bearerChallenge(req),
    });
  sendError(req, res, status, `${status === 403 ? 'Forbidden' : 'Service Unavailable'}: ${message}`);
}
