/**
 * Cross-origin reads of the registry API (SPEC §14 "Browsers and IDEs"), as the official registry
 * answers them (rs/cors with `*`): a preflight (`OPTIONS` with `Access-Control-Request-Method`) is
 * always a 204, and carries the allow headers only for an allowed origin; an actual request from an
 * allowed origin gets `Access-Control-Allow-Origin`. Requested headers are echoed, because the
 * wildcard `Access-Control-Allow-Headers: *` does not cover `Authorization` (Fetch standard), and
 * a browser client of an authenticated registry must be able to send one.
 *
 * An anonymous registry allows any origin by default, like the official one. An authenticated one
 * allows none unless origins are listed, and never `*`: it answers tokens, and a page that any site
 * can script with a user's token is the thing CORS exists to stop. `Access-Control-Allow-Credentials`
 * is never sent: our credentials are request headers, not cookies, so no browser needs it.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { addVary } from '../respond.ts';

export type CorsPolicy =
  | { readonly kind: 'any' }
  | { readonly kind: 'list'; readonly origins: ReadonlySet<string> }
  | { readonly kind: 'none' };

/** The methods a preflight may ask for: the reads, `/mcp`'s POST, and the upstream writes (501 here, as the official allows them). */
const METHODS = new Set(['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE']);
/** Headers a script may read beyond the CORS-safelisted ones. */
const EXPOSED = 'ETag, WWW-Authenticate, Location';
const MAX_AGE = '86400';
const TOKEN = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;
/** A preflight's header list longer than this is not echoed (a header value we would copy is bounded). */
const MAX_REQUEST_HEADERS = 1024;

const FLAG = '--cors-origins';

/**
 * `--cors-origins` (comma-separated) and whether the registry authenticates → the policy. Without the
 * flag: `*` for an anonymous registry, no cross-origin access for an authenticated one. Throws an
 * Error whose message is what the user sees.
 */
export function corsPolicy(flag: string | undefined, authenticated: boolean): CorsPolicy {
  if (flag === undefined) return authenticated ? { kind: 'none' } : { kind: 'any' };
  const items = flag
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '');
  if (items.length === 0)
    throw new Error(`${FLAG}: no origin given; use "*" or a list like https://a.example,https://b.example`);
  if (items.includes('*')) {
    if (items.length > 1) throw new Error(`${FLAG}: "*" cannot be combined with other origins`);
    if (authenticated)
      throw new Error(
        `${FLAG} "*" cannot be used with authentication (--auth kubernetes|oidc|api-keys, --api-keys-file, --jwks-url): list the origins that may send credentials`,
      );
    return { kind: 'any' };
  }
  return { kind: 'list', origins: new Set(items.map(canonicalOrigin)) };
}

/** An origin as browsers serialise it in the Origin header: scheme://host[:port], lower case, no default port. */
export function canonicalOrigin(text: string): string {
  const bad = (why: string) =>
    new Error(
      `${FLAG}: "${text}" is not an origin (${why}); use scheme://host[:port], e.g. https://app.example.com`,
    );
  let u: URL;
  try {
    u = new URL(text);
  } catch {
    throw bad('not a URL');
  }
  if (u.protocol !== 'http:' && u.protocol !== 'https:') throw bad('only http and https');
  if (u.username || u.password) throw bad('no user information');
  if ((u.pathname !== '/' && u.pathname !== '') || u.search || u.hash || /\/$/.test(text))
    throw bad('no path, query or fragment');
  return u.origin;
}

function allowedOrigin(policy: CorsPolicy, origin: string | undefined): string | undefined {
  if (!origin) return undefined;
  if (policy.kind === 'any') return '*';
  if (policy.kind === 'list' && policy.origins.has(origin)) return origin;
  return undefined;
}

/** The requested header names, lower case, or undefined when the list is malformed or too long. */
function requestedHeaders(raw: string | string[] | undefined): string | undefined {
  const text = Array.isArray(raw) ? raw.join(',') : (raw ?? '');
  if (text.length > MAX_REQUEST_HEADERS) return undefined;
  const names = text
    .split(',')
    .map((s) => s.trim().toLowerCase())
    .filter((s) => s !== '');
  if (!names.every((n) => TOKEN.test(n))) return undefined;
  return [...new Set(names)].join(', ');
}

/**
 * Sets the CORS headers of this request's answer. Returns true when it answered the request itself
 * (a preflight: 204, nothing else runs), false when the handler still has to answer.
 */
export function applyCors(policy: CorsPolicy, req: IncomingMessage, res: ServerResponse): boolean {
  const origin = req.headers.origin;
  const allowed = allowedOrigin(policy, origin);
  const askedMethod = req.headers['access-control-request-method'];
  if (req.method === 'OPTIONS' && typeof askedMethod === 'string') {
    if (policy.kind === 'list') addVary(res, 'Origin');
    const headers = requestedHeaders(req.headers['access-control-request-headers']);
    if (allowed && METHODS.has(askedMethod) && headers !== undefined) {
      res.setHeader('Access-Control-Allow-Origin', allowed);
      res.setHeader('Access-Control-Allow-Methods', askedMethod);
      if (headers !== '') res.setHeader('Access-Control-Allow-Headers', headers);
      res.setHeader('Access-Control-Max-Age', MAX_AGE);
    }
    res.setHeader('Content-Length', '0');
    res.writeHead(204);
    res.end();
    return true;
  }
  if (policy.kind === 'list') addVary(res, 'Origin');
  if (allowed) {
    res.setHeader('Access-Control-Allow-Origin', allowed);
    res.setHeader('Access-Control-Expose-Headers', EXPOSED);
  }
  return false;
}
