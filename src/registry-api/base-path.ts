/**
 * `thv-registry-api serve --base-path /registry` (SPEC §13, `spec.api.basePath`): the API, the catalog
 * page, `/mcp` and `/openapi.json` answer under the prefix, so one host can route a path to the API
 * (an Ingress or HTTPRoute with that path) without rewriting it. The prefix is taken off the parsed
 * target once, here, and every route below sees the paths it always saw. `/healthz`, `/readyz` and
 * `/metrics` also answer at the root (the kubelet's probes and Prometheus reach the Pod directly), as
 * does `/.well-known/…` (discovery documents live at the host's root); anything else outside the prefix
 * is a 404 that says where the API is.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { GuardedHandler, RequestTarget } from '../http/guard.ts';
import { trailingSlashTarget } from './paths.ts';

const ROOT_PATHS = new Set(['/healthz', '/readyz', '/metrics']);
const SEGMENT = /^[A-Za-z0-9._~-]+$/;

/** The flag's value checked (the same grammar admission holds spec.api.basePath to); '' = the root. */
export function parseBasePath(value: string | undefined): string {
  if (value === undefined || value === '' || value === '/') return '';
  const segments = value.startsWith('/') ? value.slice(1).split('/') : [];
  if (segments.length === 0 || !segments.every((s) => SEGMENT.test(s) && s !== '.' && s !== '..'))
    throw new Error(
      `invalid --base-path "${value}": use a path like /registry (segments of letters, digits, '-', '.', '_' or '~', no trailing '/')`,
    );
  return value;
}

/** The target as the routes see it (the prefix taken off), or undefined when it is outside the prefix. */
export function innerTarget(target: RequestTarget, base: string): RequestTarget | undefined {
  if (!base) return target;
  const p = target.path;
  if (p === base) return { ...target, path: '/' };
  if (!p.startsWith(`${base}/`)) return undefined;
  return { ...target, path: p.slice(base.length) };
}

type Reply = (req: IncomingMessage, res: ServerResponse, status: number, message: string) => void;

/** `handle` mounted at `base` ('' = unchanged). */
export function mountAt(base: string, handle: GuardedHandler, reply: Reply): GuardedHandler {
  if (!base) return handle;
  return (req, res, target) => {
    const inner = innerTarget(target, base);
    if (!inner) {
      if (ROOT_PATHS.has(target.path) || target.path.startsWith('/.well-known/'))
        return handle(req, res, target);
      return reply(req, res, 404, `Not found: this registry API is served under ${base}/`);
    }
    // The routes' own trailing-slash redirect would drop the prefix: answered here, with it.
    const redirect = inner.path === '/' ? undefined : trailingSlashTarget(inner.path, inner.search);
    if (redirect !== undefined) {
      res.writeHead(308, { Location: base + redirect, 'Content-Length': '0' });
      return void res.end();
    }
    return handle(req, res, inner);
  };
}
