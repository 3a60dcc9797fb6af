/**
 * The API benchmark's ceiling: node:http answering from pre-serialized (and pre-gzipped) bodies, the
 * same bytes the registry API produced for the same request path.
 *   node bench/servers/static.ts --bodies FILE.json --port N
 * FILE.json maps a request path (with its query) to the body string.
 */
import { createServer } from 'node:http';
import { readFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { parseArgs } from 'node:util';

const { values } = parseArgs({ options: { bodies: { type: 'string' }, port: { type: 'string' } } });
const raw = JSON.parse(readFileSync(values.bodies ?? '', 'utf8')) as Record<string, string>;
const bodies = new Map(
  Object.entries(raw).map(([k, v]) => [k, { plain: Buffer.from(v), gzip: gzipSync(v) }]),
);

const server = createServer((req, res) => {
  const b = bodies.get(req.url ?? '/');
  if (!b) return void res.writeHead(404).end();
  const gz = /\bgzip\b/.test(String(req.headers['accept-encoding'] ?? ''));
  res.writeHead(200, {
    'content-type': 'application/json',
    ...(gz ? { 'content-encoding': 'gzip' } : {}),
  });
  res.end(gz ? b.gzip : b.plain);
});
server.keepAliveTimeout = 120_000;
server.listen(Number(values.port ?? 0), '127.0.0.1', () => {
  const addr = server.address();
  process.stdout.write(`listening ${typeof addr === 'object' && addr ? addr.port : 0}\n`);
});
process.on('SIGTERM', () => server.close(() => process.exit(0)));
