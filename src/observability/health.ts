/**
 * The process's plain-HTTP server: /healthz, /readyz (with per-check detail) and /metrics, separate
 * from the webhook's TLS port. One per process, owned by the binary, so a controller-only process
 * passes its probes as a webhook-only one does; each part registers its readiness checks.
 */
import { createServer, type Server } from 'node:http';
import type { Registry } from 'prom-client';

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
  private readonly server: Server;

  constructor(metrics: Registry) {
    this.server = createServer((req, res) => {
      const path = (req.url ?? '/').split('?')[0];
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
        metrics
          .metrics()
          .then((text) => res.writeHead(200, { 'content-type': metrics.contentType }).end(text))
          .catch((e: Error) => res.writeHead(500).end(e.message));
      } else {
        res.writeHead(404, { 'content-type': 'text/plain' }).end('not found\n');
      }
    });
  }

  addCheck(name: string, check: ReadinessCheck): void {
    this.checks.set(name, check);
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
