/**
 * The API benchmark's "first request after a reload" (issue #15: keep ≥ 0.95× "incl. the first request
 * after a reload"). Each reload writes new data (every server's description changes, so every page's
 * bytes and ETag change) the way each side is fed: ours gets a new registry.json (the file loader's
 * directory watch, as in production), the static baseline a new bodies file with the bytes ours served
 * for that data (the same watch and debounce in bench/servers/static.ts). A probe path nobody measures
 * (`/api/v1/registry/info`) is polled until it shows the new data, so the reload itself (parse, build)
 * is over; then each measured path is requested once, cold, and timed. Ours first, then the baseline
 * with the bytes just captured; one sample per path and side per reload, medians over the reloads.
 */
import { renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { BenchContext } from './bench.ts';
import { metric, type Metric } from './report.ts';
import { summarize } from './stats.ts';

export const PROBE = '/api/v1/registry/info';

export interface ReloadPath {
  /** Scenario suffix: `first request after a reload, <kind>`. */
  kind: string;
  path: string;
  headers?: Record<string, string>;
}

export interface ReloadSide {
  url: string;
  /** Writes the data of reload `i` (atomically) where this side's watcher sees it. */
  write(i: number, captured: Map<string, string>): void;
}

/** The catalog of reload `i`: the same servers and names, every description and the catalog's date changed. */
export function catalogVariant(catalog: Record<string, unknown>, i: number): Record<string, unknown> {
  const mark = (group: unknown) =>
    Object.fromEntries(
      Object.entries(group as Record<string, Record<string, unknown>>).map(([name, e]) => [
        name,
        { ...e, description: `${String(e.description ?? '')} (reload ${i})` },
      ]),
    );
  // last_updated shows on the probe path (registry info), which no server's description reaches.
  const lastUpdated = new Date(Date.UTC(2026, 10, 23) + i * 60_000).toISOString().replace(/\.000Z$/, 'Z');
  return {
    ...catalog,
    last_updated: lastUpdated,
    servers: mark(catalog.servers),
    remote_servers: mark(catalog.remote_servers),
  };
}

/** Write-then-rename, so a watcher sees one complete change, never a half-written file. */
export function writeAtomic(file: string, text: string): void {
  const tmp = join(file, `../.${Date.now()}.tmp`);
  writeFileSync(tmp, text);
  renameSync(tmp, file);
}

async function get(url: string, headers?: Record<string, string>): Promise<{ ms: number; text: string }> {
  const t0 = performance.now();
  const res = await fetch(url, { headers });
  const buf = Buffer.from(await res.arrayBuffer());
  const ms = performance.now() - t0;
  if (!res.ok) throw new Error(`${url}: HTTP ${res.status}`);
  return { ms, text: buf.toString('utf8') };
}

async function waitProbeChange(url: string, before: string, timeoutMs = 60_000): Promise<string> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const { text } = await get(`${url}${PROBE}`);
    if (text !== before) return text;
    if (Date.now() > deadline) throw new Error(`${url}: no reload seen within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** One reload of one side: write, wait for the probe, time each path once. */
async function reloadOnce(
  side: ReloadSide,
  i: number,
  paths: readonly ReloadPath[],
  captured: Map<string, string>,
): Promise<{ ms: number[]; bodies: Map<string, string> }> {
  const before = (await get(`${side.url}${PROBE}`)).text;
  side.write(i, captured);
  const probe = await waitProbeChange(side.url, before);
  const bodies = new Map([[PROBE, probe]]);
  const ms: number[] = [];
  for (const p of paths) {
    const r = await get(`${side.url}${p.path}`, p.headers);
    ms.push(r.ms);
    // fetch decodes gzip: the text is the plain body either way (the static server keys on the path).
    bodies.set(p.path, r.text);
  }
  return { ms, bodies };
}

export async function firstRequestAfterReload(
  ctx: BenchContext,
  ours: ReloadSide,
  base: ReloadSide,
  paths: readonly ReloadPath[],
  reloads: number,
): Promise<{ metrics: Metric[]; details: Record<string, unknown> }> {
  const samples = { ours: paths.map((): number[] => []), base: paths.map((): number[] => []) };
  for (let i = 1; i <= reloads; i++) {
    ctx.log(`reload ${i}/${reloads}`);
    const o = await reloadOnce(ours, i, paths, new Map());
    const b = await reloadOnce(base, i, paths, o.bodies);
    paths.forEach((_, k) => {
      samples.ours[k]!.push(o.ms[k]!);
      samples.base[k]!.push(b.ms[k]!);
    });
  }
  const metrics: Metric[] = [];
  const details: Record<string, unknown> = {};
  paths.forEach((p, k) => {
    const so = summarize(samples.ours[k]!);
    const sb = summarize(samples.base[k]!);
    const sc = `first request after a reload, ${p.kind}`;
    const note = `${reloads} reloads, one cold request each`;
    metrics.push(metric(sc, 'p50', 'ms', so.p50, sb.p50, 'lower', note));
    metrics.push(metric(sc, 'max', 'ms', so.max, sb.max, 'lower', note));
    details[sc] = { path: p.path, ours: samples.ours[k], baseline: samples.base[k] };
  });
  return { metrics, details };
}
