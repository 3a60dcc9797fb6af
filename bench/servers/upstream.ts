/**
 * A fake upstream MCP registry on loopback: `GET /v0.1/servers?limit&cursor` over N synthetic entries
 * (limit default 30, max 100, opaque cursor), HTTPS with the bench CA. Counts requests on /stats.
 * With --mirror: N servers × 3 versions, dated, in name/version order (a mirror of the official
 * registry), answering `updated_since` (entries updated strictly later) as the official registry
 * does, and `POST /change` changes 1% of the servers (bench/lib/catalog.ts changeOnePercent).
 *   node bench/servers/upstream.ts --cert-dir DIR --count N [--port P] [--mirror]
 */
import { createServer } from 'node:https';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { changeOnePercent, upstreamEntries, versionedEntries, type UpstreamEntry } from '../lib/catalog.ts';

const { values } = parseArgs({
  options: {
    'cert-dir': { type: 'string' },
    port: { type: 'string' },
    count: { type: 'string' },
    mirror: { type: 'boolean' },
  },
});
const count = Number(values.count ?? 10_000);
const entries = values.mirror ? versionedEntries(count) : upstreamEntries(count);
let requests = 0;
let rounds = 0;
const updatedAt = (e: UpstreamEntry) =>
  (e._meta['io.modelcontextprotocol.registry/official'] as { updatedAt: string }).updatedAt;

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
    if (url.pathname === '/change' && req.method === 'POST') {
      const changed = changeOnePercent(entries, rounds++).length;
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ changed }));
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
    // RFC 3339 UTC times of one form compare as strings.
    const since = url.searchParams.get('updated_since');
    const listed = since === null ? entries : entries.filter((e) => updatedAt(e) > since);
    const servers = listed.slice(start, start + limit);
    const next =
      start + limit < listed.length ? Buffer.from(String(start + limit)).toString('base64url') : undefined;
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
