/** Path-level rules of the registry API: the upstream write routes (501), `/v0` as `/v0.1`, and Allow. */

/** Write operations of the upstream API: declared, answered 501. Matched before the read routes' 405. */
export const PUBLISH_ROUTES: [RegExp, string, readonly string[]][] = [
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
];

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
