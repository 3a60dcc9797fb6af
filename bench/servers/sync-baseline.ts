/**
 * The sync benchmark's baseline: only what any sync must do with the same bytes. Follows the fake
 * upstream's cursors with fetch (limit=100), parses every page, serializes the merged catalog once and
 * gzips it. Prints {ms, servers, jsonBytes, gzipBytes, peakRssBytes} as JSON.
 *   NODE_EXTRA_CA_CERTS=ca.crt node bench/servers/sync-baseline.ts https://127.0.0.1:PORT
 */
import { gzipSync } from 'node:zlib';
import { readFileSync } from 'node:fs';

const base = process.argv[2] ?? '';
const t0 = performance.now();
const servers: unknown[] = [];
let cursor: string | undefined;
do {
  const u = new URL('/v0.1/servers', base);
  u.searchParams.set('limit', '100');
  if (cursor) u.searchParams.set('cursor', cursor);
  const res = await fetch(u);
  if (!res.ok) throw new Error(`${u}: HTTP ${res.status}`);
  const page = (await res.json()) as { servers: { server: unknown }[]; metadata?: { nextCursor?: string } };
  for (const e of page.servers) servers.push(e.server);
  cursor = page.metadata?.nextCursor || undefined;
} while (cursor);
const json = JSON.stringify({ servers });
const gz = gzipSync(json);
const ms = performance.now() - t0;
const hwm = /VmHWM:\s+(\d+) kB/.exec(readFileSync('/proc/self/status', 'utf8'));
process.stdout.write(
  JSON.stringify({
    ms,
    servers: servers.length,
    jsonBytes: json.length,
    gzipBytes: gz.length,
    peakRssBytes: hwm ? Number(hwm[1]) * 1024 : 0,
  }),
);
