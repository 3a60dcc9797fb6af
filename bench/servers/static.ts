/**
 * The API benchmark's ceiling: node:http answering from pre-serialized (and pre-gzipped) bodies, the
 * same bytes the registry API produced for the same request path.
 *   node bench/servers/static.ts --bodies FILE.json --port N
 * FILE.json maps a request path (with its query) to the body string; a new FILE.json is swapped in.
 */
import { createServer } from 'node:http';
import { readFileSync, watch } from 'node:fs';
import { basename, dirname } from 'node:path';
import { gzipSync } from 'node:zlib';
import { parseArgs } from 'node:util';

const { values } = parseArgs({ options: { bodies: { type: 'string' }, port: { type: 'string' } } });
const file = values.bodies ?? '';
type Bodies = Map<string, { plain: Buffer; gzip: Buffer }>;
function load(): Bodies {
  const raw = JSON.parse(readFileSync(file, 'utf8')) as Record<string, string>;
  return new Map(Object.entries(raw).map(([k, v]) => [k, { plain: Buffer.from(v), gzip: gzipSync(v) }]));
}
let bodies = load();
// Reloads like the registry API's --from-file (directory watch, 100 ms debounce), but swaps in bytes
// serialized and gzipped before the swap: the ceiling for the first request after a reload.
let timer: NodeJS.Timeout | undefined;
watch(dirname(file), (_ev, name) => {
  if (name !== basename(file)) return;
  clearTimeout(timer);
  timer = setTimeout(() => (bodies = load()), 100);
});

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
