/**
 * Routing and endpoint logic of the registry REST API over node:http. Each request reads the
 * store's current snapshot once and answers entirely from it.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Logger } from 'pino';
import type { Registry } from 'prom-client';
import type { SnapshotStore, Snapshot } from './snapshot/snapshot.ts';
import type { Authenticator } from './access/auth.ts';
import type { EntryAuthorizer } from './access/authorize-entries.ts';
import { auditEntries, noteAudit } from './access/audit.ts';
import { authorizeRequest, noteHidden } from './authorized-view.ts';
import type { ApiMetrics } from './metrics.ts';
import type { RequestTarget } from '../http/guard.ts';
import {
  BadRequest,
  LIMITS,
  decodeCursor,
  page,
  parseBool,
  parseFormat,
  parseLimit,
  v1Matcher,
} from './query.ts';
import { listV01Versions, versionOf, versionsBody } from './versions.ts';
import { listBody, upstreamView, view } from './views.ts';
import { sendBody, sendError, sendJson } from './respond.ts';
import { PUBLISH_501, PUBLISH_ROUTES, allowedOn, canonicalPath, trailingSlashTarget } from './paths.ts';
import { cachedResponse, rememberResponse, responseKey } from './response-cache.ts';
import { handleMcp } from './mcp/endpoint.ts';

export interface HandlerDeps {
  store: SnapshotStore;
  auth?: Authenticator;
  /** Per-entry Cedar policies (authorize-entries.ts); without it every caller sees every entry. */
  authorizer?: EntryAuthorizer;
  metrics?: ApiMetrics;
  metricsRegistry?: Registry;
  log?: Logger;
  /** The OpenAPI document, serialised once. */
  openapi: Buffer;
}

const NOT_FOUND = 'Server not found';

interface Route {
  /** Template for metrics and logs, e.g. `/v0.1/servers/{serverName}/versions`. */
  template: string;
  methods: readonly string[];
  open?: boolean;
  /** Successful bodies depend only on the snapshot and the request: serve them from the cache. */
  cached?: boolean;
  run: (ctx: Ctx) => Promise<void> | void;
}

interface Ctx {
  req: IncomingMessage;
  res: ServerResponse;
  /** Parsed once by the server's guard (src/http/guard.ts). */
  target: RequestTarget;
  params: string[];
  deps: HandlerDeps;
  /** Set for a route whose answers are cached (response-cache.ts). */
  cacheKey?: string;
  /** The caller's view of the current snapshot (authorized-view.ts), for routes that need credentials. */
  view?: Snapshot;
}

const GET = ['GET', 'HEAD'] as const;

function snapshotOr503(ctx: Ctx): Snapshot | undefined {
  const s = ctx.view ?? ctx.deps.store.current;
  if (!s) sendError(ctx.req, ctx.res, 503, 'Catalog not loaded yet');
  return s;
}

function ok(ctx: Ctx, body: unknown): void {
  const buf = Buffer.from(JSON.stringify(body), 'utf8');
  auditEntries(ctx.req, buf, body);
  const snap = ctx.view ?? ctx.deps.store.current;
  if (snap && ctx.cacheKey !== undefined) rememberResponse(snap, ctx.cacheKey, buf);
  sendBody(ctx.req, ctx.res, 200, buf, { cacheable: true });
}

export function listV1Body(snap: Snapshot, q: URLSearchParams): unknown {
  const format = parseFormat(q.get('format'));
  const limit = parseLimit(q.get('limit'), LIMITS.v1);
  const cursor = q.get('cursor');
  const after = cursor ? decodeCursor(cursor) : undefined;
  return listBody(page(snap, after, limit, v1Matcher(q.get('search'), q.getAll('tag'))), format);
}

function listV1(ctx: Ctx): void {
  const snap = snapshotOr503(ctx);
  if (snap) ok(ctx, listV1Body(snap, ctx.target.query));
}

function getV1(ctx: Ctx): void {
  const snap = snapshotOr503(ctx);
  if (!snap) return;
  const format = parseFormat(ctx.target.query.get('format'));
  const e = snap.byName.get(ctx.params[0]!);
  if (!e) return sendError(ctx.req, ctx.res, 404, NOT_FOUND);
  ok(ctx, view(e, format));
}

function info(ctx: Ctx): void {
  const snap = snapshotOr503(ctx);
  if (snap) ok(ctx, snap.info);
}

export function listV01Body(snap: Snapshot, q: URLSearchParams): unknown {
  return listV01Versions(snap, q);
}

function listV01(ctx: Ctx): void {
  const snap = snapshotOr503(ctx);
  if (snap) ok(ctx, listV01Body(snap, ctx.target.query));
}

function versionsV01(ctx: Ctx): void {
  const snap = snapshotOr503(ctx);
  if (!snap) return;
  const deleted = parseBool('include_deleted', ctx.target.query.get('include_deleted'));
  const body = versionsBody(snap, ctx.params[0]!, deleted);
  if (!body) return sendError(ctx.req, ctx.res, 404, NOT_FOUND);
  ok(ctx, body);
}

function versionV01(ctx: Ctx): void {
  const snap = snapshotOr503(ctx);
  if (!snap) return;
  const deleted = parseBool('include_deleted', ctx.target.query.get('include_deleted'));
  const v = versionOf(snap, ctx.params[0]!, ctx.params[1]!, deleted);
  if (!v) return sendError(ctx.req, ctx.res, 404, NOT_FOUND);
  ok(ctx, upstreamView(v));
}

async function mcp(ctx: Ctx): Promise<void> {
  const snap = snapshotOr503(ctx);
  if (snap) await handleMcp(ctx.req, ctx.res, snap);
}

async function metricsEndpoint(ctx: Ctx): Promise<void> {
  const reg = ctx.deps.metricsRegistry;
  if (!reg) return sendError(ctx.req, ctx.res, 404, 'Not found');
  sendBody(ctx.req, ctx.res, 200, Buffer.from(await reg.metrics(), 'utf8'), { contentType: reg.contentType });
}

/**
 * Ready when a read can be answered: the catalog is loaded and, with `--authorization-policies`, valid
 * policies were loaded (otherwise every read is a 503; not ready, the Service stops routing to this Pod
 * and a rollout with a broken policies ConfigMap stops at its first new Pod).
 */
function readyz(ctx: Ctx): void {
  const { store, authorizer } = ctx.deps;
  if (!store.current) {
    const why = store.lastError ? `: ${store.lastError}` : '';
    return sendError(ctx.req, ctx.res, 503, `Catalog not loaded yet${why}`);
  }
  const problem = authorizer?.problem;
  if (problem) return sendError(ctx.req, ctx.res, 503, `Not ready: ${problem}`);
  sendJson(ctx.req, ctx.res, 200, { status: 'ready' });
}

/** `[pattern, route]`; capture groups are raw (still percent-encoded) path pieces. */
const ROUTES: [RegExp, Route][] = [
  [
    /^\/healthz$/,
    {
      template: '/healthz',
      methods: GET,
      open: true,
      run: (c) => sendJson(c.req, c.res, 200, { status: 'ok' }),
    },
  ],
  [/^\/readyz$/, { template: '/readyz', methods: GET, open: true, run: readyz }],
  [/^\/metrics$/, { template: '/metrics', methods: GET, open: true, run: metricsEndpoint }],
  [
    /^\/openapi\.json$/,
    {
      template: '/openapi.json',
      methods: GET,
      open: true,
      run: (c) => sendBody(c.req, c.res, 200, c.deps.openapi, { cacheable: true }),
    },
  ],
  [
    /^\/api\/v1\/registry\/info$/,
    { template: '/api/v1/registry/info', methods: GET, cached: true, run: info },
  ],
  [
    /^\/api\/v1\/registry\/servers$/,
    { template: '/api/v1/registry/servers', methods: GET, cached: true, run: listV1 },
  ],
  [
    /^\/api\/v1\/registry\/servers\/(.+)$/,
    { template: '/api/v1/registry/servers/{name}', methods: GET, cached: true, run: getV1 },
  ],
  [/^\/v0\.1\/servers$/, { template: '/v0.1/servers', methods: GET, cached: true, run: listV01 }],
  [
    /^\/v0\.1\/servers\/(.+)\/versions$/,
    { template: '/v0.1/servers/{serverName}/versions', methods: GET, cached: true, run: versionsV01 },
  ],
  [
    /^\/v0\.1\/servers\/(.+)\/versions\/([^/]+)$/,
    {
      template: '/v0.1/servers/{serverName}/versions/{version}',
      methods: GET,
      cached: true,
      run: versionV01,
    },
  ],
  // The registry as an MCP server (mcp/README.md): same credentials and snapshot as the routes above.
  [/^\/mcp$/, { template: '/mcp', methods: ['POST'], run: mcp }],
];

/** 405 with every method of the path in Allow (the read routes' and the publish routes'). */
function notAllowed(req: IncomingMessage, res: ServerResponse, method: string, path: string): void {
  const allowed = allowedOn(path, ROUTES).join(', ');
  sendError(req, res, 405, `Method ${method} not allowed; use ${allowed}`, { Allow: allowed });
}

function decodeParams(m: RegExpExecArray): string[] {
  return m.slice(1).map((p) => {
    try {
      return decodeURIComponent(p);
    } catch {
      throw new BadRequest('Invalid percent-encoding in the path');
    }
  });
}

export function createHandler(
  deps: HandlerDeps,
): (req: IncomingMessage, res: ServerResponse, target: RequestTarget) => Promise<void> {
  return async (req, res, target) => {
    const started = process.hrtime.bigint();
    const method = req.method ?? 'GET';
    let template = 'unmatched';
    res.on('finish', () => {
      deps.metrics?.requests.inc({ route: template, method, code: String(res.statusCode) });
      deps.metrics?.duration.observe({ route: template }, Number(process.hrtime.bigint() - started) / 1e9);
    });
    try {
      const redirect = trailingSlashTarget(target.path, target.search);
      if (redirect !== undefined) {
        template = 'trailing slash';
        res.writeHead(308, { Location: redirect, 'Content-Length': '0' });
        return void res.end();
      }
      const path = canonicalPath(target.path);
      for (const [re, tmpl, methods, message] of PUBLISH_ROUTES) {
        if (re.test(path) && methods.includes(method)) {
          template = tmpl;
          return sendError(req, res, 501, message ?? PUBLISH_501);
        }
      }
      for (const [re, route] of ROUTES) {
        const m = re.exec(path);
        if (!m) continue;
        template = route.template;
        if (!route.methods.includes(method)) return notAllowed(req, res, method, path);
        noteAudit(req, { route: route.template });
        const ctx: Ctx = { req, res, target, params: decodeParams(m), deps };
        if (!route.open) {
          const v = await authorizeRequest(deps, deps.store.current, req, res);
          if (!v) return;
          ctx.view = v.snap;
        }
        if (route.cached) {
          ctx.cacheKey = responseKey(route.template, ctx.params, target.query);
          const snap = ctx.view;
          const hit = snap && ctx.cacheKey !== undefined ? cachedResponse(snap, ctx.cacheKey) : undefined;
          if (hit) return (auditEntries(req, hit), sendBody(req, res, 200, hit, { cacheable: true }));
        }
        await route.run(ctx);
        if (res.statusCode === 404 && ctx.params[0] !== undefined)
          noteHidden(req, deps.store.current, ctx.params[0]);
        return;
      }
      const publishOnly = PUBLISH_ROUTES.find(([re]) => re.test(path));
      if (publishOnly) {
        template = publishOnly[1];
        return notAllowed(req, res, method, path);
      }
      sendError(req, res, 404, 'Not found');
    } catch (e) {
      // Anything else is the server guard's 500 (src/http/guard.ts), logged there.
      if (e instanceof BadRequest) return sendError(req, res, 400, e.message);
      throw e;
    }
  };
}
