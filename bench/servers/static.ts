/**
 * The API benchmark's ceiling: node:http answering from pre-serialized (and pre-gzipped) bodies, the
 * same bytes the registry API produced, chosen by the shape of the request.
 *   node bench/servers/static.ts --bodies FILE.json --port N
 * FILE.json maps page100 | page30 | search | single to a body string.
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

function kindOf(url: URL): string {
  if (url.pathname.includes('/versions/')) return 'single';
  if (url.searchParams.has('search')) return 'search';
  return url.searchParams.get('limit') === '30' ? 'page30' : 'page100';
}

const server = createServer((req, res) => {
  const b = bodies.get(kindOf(new URL(req.url ?? '/', 'http://localhost')));
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
