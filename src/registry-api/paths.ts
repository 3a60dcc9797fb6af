/** Path-level rules of the registry API: the upstream write routes (501), `/v0` as `/v0.1`, and Allow. */

export const PUBLISH_501 =
  'Publishing is not supported by this registry: it serves a catalog managed by an MCPRegistry';
const AUTH_501 =
  'Publisher authentication is not supported by this registry: it serves a catalog managed by an MCPRegistry, and nothing is published to it';
const VALIDATE_501 =
  'Validation is not supported by this registry: it serves a catalog managed by an MCPRegistry; validate server.json with the official registry or mcp-publisher';

/**
 * Write operations of the upstream API, and its publisher log-in and validation: declared, answered
 * 501 with the message (the fourth item; publishing's when absent). Matched before the read routes' 405.
 */
export const PUBLISH_ROUTES: [RegExp, string, readonly string[], string?][] = [
  [/^\/v0\.1\/publish$/, '/v0.1/publish', ['POST']],
  [
    /^\/v0\.1\/servers\/(.+)\/versions\/([^/]+)$/,
    '/v0.1/servers/{serverName}/versions/{version}',
    ['PUT', 'DELETE'],
  ],
  [
    /^\/v0\.1\/servers\/(.+)\/versions\/([^/]+)\/status$/,
    '/v0.1/servers/{serverName}/versions/{version}/status',
    ['PATCH'],
  ],
  [/^\/v0\.1\/servers\/(.+)\/status$/, '/v0.1/servers/{serverName}/status', ['PATCH']],
  [/^\/v0\.1\/auth\/[^/]+$/, '/v0.1/auth/{method}', ['POST'], AUTH_501],
  [/^\/v0\.1\/validate$/, '/v0.1/validate', ['POST'], VALIDATE_501],
];

/**
 * Where a path with a trailing slash redirects (308, so the method and body are kept), as the
 * official server does: repeated slashes collapsed, trailing ones dropped, the query kept. The
 * target is a path only, and never starts with `//` (no way to an open redirect); undefined when
 * the path has no trailing slash (or is `/`).
 */
export function trailingSlashTarget(path: string, search: string): string | undefined {
  if (path === '/' || !path.endsWith('/')) return undefined;
  const clean = path.replace(/\/{2,}/g, '/').replace(/\/+$/, '');
  return (clean === '' ? '/' : clean) + search;
}

const METHOD_ORDER = ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE'];

/** Every method some route answers on this path (RFC 9110: a 405 lists them all in Allow). */
export function allowedOn(
  path: string,
  routes: readonly [RegExp, { methods: readonly string[] }][],
): string[] {
  const methods = new Set<string>();
  for (const [re, route] of routes) if (re.test(path)) route.methods.forEach((m) => methods.add(m));
  for (const [re, , ms] of PUBLISH_ROUTES) if (re.test(path)) ms.forEach((m) => methods.add(m));
  return METHOD_ORDER.filter((m) => methods.has(m));
}

/**
 * `/v0/...` is served as `/v0.1/...`: the official registry serves both, and its `mcp-publisher`
 * still reads `/v0`. One set of routes, so the two can never drift apart.
 */
export function canonicalPath(path: string): string {
  return path.startsWith('/v0/') ? `/v0.1/${path.slice('/v0/'.length)}` : path;
}
