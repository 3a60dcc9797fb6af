/** The registry API HTTP server: one node:http server for the API, health and metrics. */
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { Logger } from 'pino';
import type { Registry } from 'prom-client';
import { createHandler } from './handler.ts';
import { prepareFirstPages } from './first-pages.ts';
import { buildOpenApi } from './openapi/openapi.ts';
import type { Snapshot, SnapshotStore } from './snapshot/snapshot.ts';
import type { Authenticator } from './access/auth.ts';
import type { EntryAuthorizer } from './access/authorize-entries.ts';
import { audited, beginAudit, noteAudit, noteRefusal } from './access/audit.ts';
import { pageNeedsView, pageView } from './authorized-view.ts';
import type { ApiMetrics } from './metrics.ts';
import { noteBasePath, refuse, sendBody, sendError, sendJson } from './respond.ts';
import { createUiRoutes, isUiPath } from '../ui/server/route.ts';
import { guardServer, guarded } from '../http/guard.ts';
import { mountAt } from './base-path.ts';
import { applyCors, corsPolicy, type CorsPolicy } from './access/cors.ts';
import {
  isResourceMetadataPath,
  resourceMetadata,
  type ResourceMetadataOptions,
} from './access/protected-resource.ts';

export interface ApiServerOptions {
  address: string;
  store: SnapshotStore;
  log: Logger;
  auth?: Authenticator;
  metrics?: ApiMetrics;
  metricsRegistry?: Registry;
  /** Cross-origin access (cors.ts); default: `*` when anonymous, none when authenticated. */
  cors?: CorsPolicy;
  /** Per-entry Cedar policies (SPEC §13); without them every caller reads every entry. */
  authorizer?: EntryAuthorizer;
  /** The audit logger (access/audit.ts): one line per request when set. */
  audit?: Logger;
  /** What `/.well-known/oauth-protected-resource` says (protected-resource.ts); served only with auth. */
  resourceMetadata?: ResourceMetadataOptions;
  /** `--base-path` (base-path.ts): the prefix everything but health and metrics is served under; '' = root. */
  basePath?: string;
}

/** `:8080` → all interfaces; `127.0.0.1:0` → loopback on a free port. */
export function parseListenAddress(address: string): { host?: string; port: number } {
  const m = /^(.*):(\d{1,5})$/.exec(address);
  if (!m || Number(m[2]) > 65535) throw new Error(`invalid --address "${address}": use HOST:PORT or :PORT`);
  return { host: m[1] ? m[1].replace(/^\[|\]$/g, '') : undefined, port: Number(m[2]) };
}

export async function startApiServer(
  opts: ApiServerOptions,
): Promise<{ server: Server; url: string; close: () => Promise<void> }> {
  // Before any request can see a new snapshot (listeners run inside the swap).
  opts.store.onChange(prepareFirstPages);
  if (opts.store.current) prepareFirstPages(opts.store.current);
  const handler = createHandler({
    store: opts.store,
    auth: opts.auth,
    authorizer: opts.authorizer,
    metrics: opts.metrics,
    metricsRegistry: opts.metricsRegistry,
    log: opts.log,
    openapi: Buffer.from(JSON.stringify(buildOpenApi(undefined, opts.basePath))),
  });
  // The catalog page (docs/ui.md) answers `/`, `/servers/…` and `/ui/…` from the same snapshot,
  // response writer and credentials as the API; every other path goes to the API handler.
  const pageViews = new WeakMap<IncomingMessage, Snapshot>();
  const ui = createUiRoutes({
    basePath: opts.basePath ?? '',
    // With policies, the page sees the caller's view only (pageViews), never the whole catalog.
    snapshot: (req) => (opts.authorizer ? req && pageViews.get(req) : opts.store.current),
    authorize: async (req) => {
      if (!opts.auth?.enabled) return undefined;
      const r = await opts.auth.checkRequest(req);
      return r.ok ? undefined : r.message;
    },
    send: sendBody,
    sendError,
    onError: (err, path) => opts.log.error({ err, path }, 'catalog page request failed'),
  });
  // One guarded entry (src/http/guard.ts): the target is parsed there, and no request can end the process.
  const cors = opts.cors ?? corsPolicy(undefined, Boolean(opts.auth?.enabled));
  const base = opts.basePath ?? '';
  const mounted = mountAt(
    base,
    async (req, res, target) => {
      if (applyCors(cors, req, res)) return;
      noteBasePath(req, base);
      if (opts.auth?.enabled && opts.resourceMetadata && isResourceMetadataPath(target.path))
        return sendJson(req, res, 200, resourceMetadata(req, opts.resourceMetadata));
      // The page's data is refused as the API refuses (403 for a known caller without the permission,
      // 503, the resource_metadata challenge): the page's route (src/ui) only knows a bare 401. The
      // second check inside it is a cache hit, or a signature check.
      if (target.path === '/ui/catalog.json' && opts.auth?.enabled) {
        const r = await opts.auth.checkRequest(req);
        if (!r.ok) return (noteRefusal(req, r), refuse(req, res, r.status ?? 401, r.message));
      }
      if (isUiPath(target.path)) {
        noteAudit(req, { route: '/ui' });
        const view = pageNeedsView(target.path) && (await pageView(opts, opts.store.current, req));
        if (view) pageViews.set(req, view);
      }
      if (!ui(req, res, target.path)) return handler(req, res, target);
      res.once('finish', () =>
        opts.metrics?.requests.inc({
          route: '/ui',
          method: req.method ?? 'GET',
          code: String(res.statusCode),
        }),
      );
    },
    sendError,
  );
  const listener = guarded(
    (req, res, target) => {
      // Before the prefix is taken off: the audit line has the path as requested (access/audit.ts).
      if (opts.audit && audited(target.path, base)) beginAudit(opts.audit, req, res, target.path);
      return mounted(req, res, target);
    },
    {
      reply: (req, res, status, message) => sendError(req, res, status, message),
      onError: (err, req) => opts.log.error({ err, path: req.url }, 'request failed'),
    },
  );
  const server = guardServer(
    createServer({ keepAliveTimeout: 65_000, headersTimeout: 66_000 }, listener),
    'GET, HEAD',
  );
  const { host, port } = parseListenAddress(opts.address);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve());
  });
  const addr = server.address();
  const actualPort = typeof addr === 'object' && addr ? addr.port : port;
  const url = `http://${host && host !== '0.0.0.0' && host !== '::' ? (host.includes(':') ? `[${host}]` : host) : '127.0.0.1'}:${actualPort}`;
  return {
    server,
    url,
    close: () =>
      new Promise<void>((r) => {
        server.close(() => r());
        server.closeIdleConnections();
      }),
  };
}
