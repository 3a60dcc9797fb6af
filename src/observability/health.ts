/** Plain-HTTP /healthz, /readyz (with per-check detail) and /metrics, separate from the TLS port. */
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

export function createHealthServer(metrics: Registry, checks: Record<string, ReadinessCheck>): Server {
  return createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0];
    if (path === '/healthz') {
      res.writeHead(200, { 'content-type': 'text/plain' }).end('ok\n');
    } else if (path === '/readyz') {
      const results = Object.fromEntries(Object.entries(checks).map(([k, c]) => [k, c()]));
      const ready = Object.values(results).every((r) => r.ok);
      const body = {
        ready,
        checks: Object.fromEntries(Object.entries(results).map(([k, r]) => [k, r.detail])),
      };
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
