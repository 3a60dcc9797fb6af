/**
 * The process's plain-HTTP server: /healthz, /readyz (with per-check detail) and /metrics, separate
 * from the webhook's TLS port. One per process, owned by the binary, so a controller-only process
 * passes its probes as a webhook-only one does; each part registers its readiness checks.
 */
import { createServer, type Server } from 'node:http';
import type { Registry } from 'prom-client';
import { guardServer, guarded } from '../http/guard.ts';

export type ReadinessCheck = () => { ok: boolean; detail: string };

export function parseAddress(address: string): { host: string | undefined; port: number } {
  const i = address.lastIndexOf(':');
  const host = i > 0 ? address.slice(0, i).replace(/^\[|\]$/g, '') : undefined;
  const port = Number(address.slice(i + 1));
  if (!Number.isInteger(port) || port < 0 || port > 65535)
    throw new Error(`invalid address "${address}": expected [host]:port`);
  return { host: host || undefined, port };
}

export class HealthServer {
  private readonly checks = new Map<string, ReadinessCheck>();
  /** Metrics kept elsewhere (another thread's registry), appended to this registry's. */
  private readonly moreMetrics: (() => Promise<string>)[] = [];
  private readonly server: Server;

  /** `onError` hears what a check or the metrics registry threw (the client gets a 500 without it). */
  constructor(metrics: Registry, onError: (err: unknown, path: string) => void = () => {}) {
    // The target is parsed by the guard (src/http/guard.ts); a failing check or metric is a 500, not an exit.
    const listener = guarded(
      async (_req, res, { path }) => {
        if (path === '/healthz') {
          res.writeHead(200, { 'content-type': 'text/plain' }).end('ok\n');
        } else if (path === '/readyz') {
          const results = [...this.checks].map(([k, c]) => [k, c()] as const);
          const ready = results.every(([, r]) => r.ok);
          const body = { ready, checks: Object.fromEntries(results.map(([k, r]) => [k, r.detail])) };
          res
            .writeHead(ready ? 200 : 503, { 'content-type': 'application/json' })
            .end(JSON.stringify(body) + '\n');
        } else if (path === '/metrics') {
          const parts = await Promise.all([metrics.metrics(), ...this.moreMetrics.map((m) => m())]);
          const text = parts.filter(Boolean).join('\n');
          res.writeHead(200, { 'content-type': metrics.contentType }).end(text);
        } else {
          res.writeHead(404, { 'content-type': 'text/plain' }).end('not found\n');
        }
      },
      {
        reply: (_req, res, status, message) =>
          res.writeHead(status, { 'content-type': 'text/plain' }).end(`${message}\n`),
        onError: (err, req) => onError(err, req.url ?? ''),
      },
    );
    this.server = guardServer(createServer(listener), 'GET, HEAD');
  }

  addCheck(name: string, check: ReadinessCheck): void {
    this.checks.set(name, check);
  }

  /** Metrics text (Prometheus format) of another registry, e.g. the controller thread's. */
  addMetrics(source: () => Promise<string>): void {
    this.moreMetrics.push(source);
  }

  /** Listens on `[host]:port`; returns the bound port (useful with port 0). */
  listen(address: string): Promise<number> {
    const { host, port } = parseAddress(address);
    return new Promise((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(port, host, () => {
        this.server.off('error', reject);
        const a = this.server.address();
        resolve(typeof a === 'object' && a ? a.port : port);
      });
    });
  }

  close(): Promise<void> {
    this.server.closeAllConnections();
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}
