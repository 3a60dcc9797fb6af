/**
 * The HTTPS webhook endpoint: routes, HTTP-level errors (400/404/405/413/415 as JSON), and the
 * AdmissionReview/ConversionReview round trip. Decisions live in src/admission and src/api/conversion.
 */
import { createServer, type Server } from 'node:https';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { TLSSocket } from 'node:tls';
import type { Logger } from 'pino';
import {
  AdmissionDecodeError,
  decodeAdmissionReview,
  errorReview,
  isReviewed,
  mutate,
  refuseForAccess,
  validateReview,
  type Policy,
  type Verdict,
} from '../admission/index.ts';
import { ConversionReviewDecodeError, handleConversionReview } from '../api/conversion/review.ts';
import { checkContentType, HttpError, readJsonBody } from './body.ts';
import type { WebhookMetrics } from './metrics.ts';
import { TLS_OPTIONS } from './tls.ts';
import { guardServer, guarded, type RequestTarget } from '../http/guard.ts';
import type { AccessReviewer } from './access-review.ts';
import type { PolicyConfigMapReviewer } from './policy-configmap-review.ts';

export const PATHS = {
  mutate: '/mutate-toolhive-stacklok-io-mcpregistry',
  validate: '/validate-toolhive-stacklok-io-mcpregistry',
  convert: '/convert',
} as const;

export interface WebhookServerOptions {
  cert: Buffer;
  key: Buffer;
  policy: () => Policy;
  log: Logger;
  metrics: WebhookMetrics;
  /** True once shutdown began: responses ask the client to close the connection. */
  draining: () => boolean;
  /** Workload admission (SPEC §11, src/webhook/workloads): its routes, answered asynchronously. */
  workloads?: {
    paths: readonly string[];
    review(path: string, body: unknown): Promise<{ review: unknown; verdict: Verdict }>;
  };
  /** The cluster questions of a validation (access-review.ts); without it, none are asked. */
  access?: AccessReviewer;
  /** The Cedar policies a spec names (policy-configmap-review.ts); without it, not checked. */
  policies?: PolicyConfigMapReviewer;
}

function send(res: ServerResponse, status: number, body: unknown, close = false): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    'content-type': 'application/json',
    'x-content-type-options': 'nosniff',
    'content-length': Buffer.byteLength(text),
    ...(close ? { connection: 'close' } : {}),
  });
  res.end(text);
}

async function handleReview(
  path: string,
  body: unknown,
  policy: Policy,
  access: AccessReviewer | undefined,
  policies?: PolicyConfigMapReviewer,
): Promise<{ out: unknown; verdict: Verdict }> {
  if (path === PATHS.convert) {
    const out = handleConversionReview(body);
    return { out, verdict: out.response.result.status === 'Success' ? 'allowed' : 'denied' };
  }
  const req = decodeAdmissionReview(body);
  try {
    const r = path === PATHS.mutate ? mutate(req, policy) : validateReview(req, policy);
    // A spec the rules allow is still refused when it names what its author may not read (SPEC §18).
    if (path === PATHS.validate && access && r.review.response.allowed && isReviewed(req)) {
      const errors = await access.review(req.object, req.oldObject, req.userInfo ?? {}, policy.clusterDomain);
      if (errors.length) {
        const refused = refuseForAccess(req, r.review, errors);
        return { out: refused.review, verdict: refused.verdict };
      }
    }
    if (path === PATHS.validate && policies && r.review.response.allowed && isReviewed(req)) {
      const p = await policies.review(req.object, req.oldObject, req.userInfo ?? {});
      if (p.errors.length) {
        const refused = refuseForAccess(req, r.review, p.errors);
        return { out: refused.review, verdict: refused.verdict };
      }
      if (p.warnings.length)
        r.review.response.warnings = [...(r.review.response.warnings ?? []), ...p.warnings];
    }
    return { out: r.review, verdict: r.verdict };
  } catch (e) {
    return { out: errorReview(req.uid, e), verdict: 'error' };
  }
}

export function createWebhookServer(opts: WebhookServerOptions): Server {
  const routes = new Set<string>([...Object.values(PATHS), ...(opts.workloads?.paths ?? [])]);
  const workloadPaths = new Set(opts.workloads?.paths ?? []);
  // The target is parsed by the guard (src/http/guard.ts); what escapes the handler is a 500, not an exit.
  const listener = guarded(
    async (req: IncomingMessage, res: ServerResponse, target: RequestTarget) => {
      const started = performance.now();
      const path = target.path;
      const known = routes.has(path);
      const label = known ? path : 'other';
      opts.metrics.inFlight.inc({ webhook: label });
      let status = 200;
      let verdict: string = 'rejected';
      try {
        if (!known) throw new HttpError(404, `no webhook at ${path}; serving ${[...routes].join(', ')}`);
        if (req.method !== 'POST')
          throw new HttpError(405, `method ${req.method ?? ''} not allowed: use POST`);
        checkContentType(req);
        const body = await readJsonBody(req);
        const r =
          opts.workloads && workloadPaths.has(path)
            ? await opts.workloads.review(path, body).then((x) => ({ out: x.review, verdict: x.verdict }))
            : await handleReview(path, body, opts.policy(), opts.access, opts.policies);
        verdict = r.verdict;
        send(res, 200, r.out, opts.draining());
        if (r.verdict === 'error') opts.log.error({ path, out: r.out }, 'webhook handler failed');
      } catch (e) {
        const decodeError = e instanceof AdmissionDecodeError || e instanceof ConversionReviewDecodeError;
        status = e instanceof HttpError ? e.status : decodeError ? 400 : 500;
        if (status === 500) opts.log.error({ err: e, path }, 'webhook request failed');
        else opts.log.debug({ path, status, err: (e as Error).message }, 'webhook request refused');
        // After a refused body the connection holds unread bytes: close it rather than read them.
        const close = status === 413 || !req.complete || opts.draining();
        send(res, status, { error: (e as Error).message, code: status }, close);
        if (close) res.on('finish', () => req.socket.destroySoon());
      } finally {
        opts.metrics.inFlight.dec({ webhook: label });
        opts.metrics.observe(label, verdict, status, (performance.now() - started) / 1000);
      }
    },
    {
      reply: (_req, res, status, message) => send(res, status, { error: message, code: status }, true),
      onError: (err, req) => opts.log.error({ err, path: req.url }, 'webhook request failed'),
    },
  );
  const server = guardServer(
    createServer({ ...TLS_OPTIONS, cert: opts.cert, key: opts.key }, listener),
    'POST',
  );
  server.on('secureConnection', (socket: TLSSocket) =>
    opts.metrics.handshakes.inc({ resumed: String(socket.isSessionReused()) }),
  );
  // The apiserver keeps idle webhook connections for 90 s: outlive that so it never reuses a closing one.
  server.keepAliveTimeout = 120_000;
  server.headersTimeout = 125_000;
  server.requestTimeout = 60_000;
  return server;
}
