/**
 * A fake upstream MCP registry on loopback: `GET /v0.1/servers?limit&cursor` over N synthetic entries
 * (limit default 30, max 100, opaque cursor), HTTPS with the bench CA. Counts requests on /stats.
 *   node bench/servers/upstream.ts --cert-dir DIR --count N [--port P]
 */
import { createServer } from 'node:https';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { upstreamEntries } from '../lib/catalog.ts';

const { values } = parseArgs({
  options: { 'cert-dir': { type: 'string' }, port: { type: 'string' }, count: { type: 'string' } },
});
const entries = upstreamEntries(Number(values.count ?? 10_000));
let requests = 0;

const server = createServer(
  {
    cert: readFileSync(join(values['cert-dir'] ?? '.', 'tls.crt')),
    key: readFileSync(join(values['cert-dir'] ?? '.', 'tls.key')),
  },
  (req, res) => {
    const url = new URL(req.url ?? '/', 'https://localhost');
    if (url.pathname === '/stats') {
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ requests }));
      return;
    }
    if (url.pathname !== '/v0.1/servers') {
      res.writeHead(404, { 'content-type': 'application/json' }).end('{"error":"Not found"}');
      return;
    }
    requests++;
    const limit = Math.min(100, Math.max(1, Number(url.searchParams.get('limit') ?? 30) || 30));
    const cursor = url.searchParams.get('cursor');
    const start = cursor ? Number(Buffer.from(cursor, 'base64url').toString('utf8')) || 0 : 0;
    const servers = entries.slice(start, start + limit);
    const next =
      start + limit < entries.length ? Buffer.from(String(start + limit)).toString('base64url') : undefined;
    const body = JSON.stringify({
      servers,
      metadata: { count: servers.length, ...(next ? { nextCursor: next } : {}) },
    });
    res.writeHead(200, { 'content-type': 'application/json' }).end(body);
  },
);
server.keepAliveTimeout = 120_000;
server.listen(Number(values.port ?? 0), '127.0.0.1', () => {
  const addr = server.address();
  process.stdout.write(`listening ${typeof addr === 'object' && addr ? addr.port : 0}\n`);
});
process.on('SIGTERM', () => server.close(() => process.exit(0)));
