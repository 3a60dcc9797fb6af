/**
 * B5: the registry REST API (`thv-registry-api serve --from-file`) over a 6,000-server catalog built
 * from the real fixture entries, against a static ceiling: node:http answering the same bytes
 * pre-serialized (and pre-gzipped). List pages (limit 100 along the whole cursor chain, limit 30,
 * search), single servers, gzip; closed loop and open loop; the time to walk the cursor chain; and the
 * first request after a reload (bench/lib/api-reload.ts).
 * Server on core 0, load generator on core 1.
 */
import { existsSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { freePort } from '../../src/local/control-plane.ts';
import { measureInterleaved, type Benchmark } from '../lib/bench.ts';
import { PROBE, catalogVariant, firstRequestAfterReload, writeAtomic } from '../lib/api-reload.ts';
import { toolhiveCatalog } from '../lib/catalog.ts';
import type { LoadConfig } from '../lib/load.ts';
import { API_NODE_OPTIONS } from '../../src/controller/workload/api-workload.ts';
import { SERVER_CORE, nodeBin, repoRoot, spawnPinned, waitServing, waitUntil } from '../lib/procs.ts';
import { metric, NotAvailable, type Metric } from '../lib/report.ts';

const API_BIN = resolve(repoRoot, 'src/bin/thv-registry-api.ts');
const SERVERS = 6000;

interface Page {
  servers: { server: { name: string } }[];
  metadata: { nextCursor?: string; count?: number };
}

async function walk(
  base: string,
  maxPages = 1000,
): Promise<{ paths: string[]; names: string[]; ms: number }> {
  const paths: string[] = [];
  const names: string[] = [];
  let cursor: string | undefined;
  const t0 = performance.now();
  do {
    const path = `/v0.1/servers?limit=100${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`;
    paths.push(path);
    const res = await fetch(`${base}${path}`);
    if (!res.ok) throw new Error(`${path}: HTTP ${res.status}`);
    const page = (await res.json()) as Page;
    for (const e of page.servers ?? []) names.push(e.server.name);
    cursor = page.metadata?.nextCursor || undefined;
  } while (cursor && paths.length < maxPages);
  return { paths, names, ms: performance.now() - t0 };
}

export const api: Benchmark = {
  name: 'api',
  subject: `the registry REST API over ${SERVERS} servers`,
  baseline: 'node:http answering the same bytes pre-serialized / pre-gzipped',
  async run(ctx) {
    if (!existsSync(API_BIN))
      throw new NotAvailable('src/bin/thv-registry-api.ts (the registry API server) is not in the tree yet');
    const file = join(ctx.workDir, 'registry.json');
    const catalog = toolhiveCatalog(SERVERS);
    writeFileSync(file, JSON.stringify(catalog));
    const port = await freePort();
    // As the operator deploys it (the per-registry API Deployment's NODE_OPTIONS).
    const ours = spawnPinned(
      SERVER_CORE,
      [nodeBin, API_BIN, 'serve', `--from-file=${file}`, `--address=127.0.0.1:${port}`],
      { env: { NODE_OPTIONS: API_NODE_OPTIONS } },
    );
    const oursUrl = `http://127.0.0.1:${port}`;
    let base: ReturnType<typeof spawnPinned> | undefined;
    try {
      await waitServing(ours, `${oursUrl}/readyz`, 'the registry API to become ready', 60_000);
      const chain = await walk(oursUrl);
      if (new Set(chain.names).size !== SERVERS)
        throw new Error(
          `walking the cursor chain gave ${new Set(chain.names).size} distinct servers, expected ${SERVERS}`,
        );
      const singles = chain.names
        .filter((_, i) => i % 37 === 0)
        .map((n) => `/v0.1/servers/${encodeURIComponent(n)}/versions/latest`);
      const search = ['fetch', 'git', 'sql', 'aws', 'notion'].map(
        (s) => `/v0.1/servers?search=${s}&limit=100`,
      );
      const text = async (p: string) => (await fetch(`${oursUrl}${p}`)).text();
      const bodiesFile = join(ctx.workDir, 'bodies.json');
      const all: Record<string, string> = {};
      // PROBE too: the reload measurement reads it from both sides before each reload.
      for (const p of [...chain.paths, ...search, ...singles, '/v0.1/servers?limit=30', PROBE])
        all[p] = await text(p);
      writeFileSync(bodiesFile, JSON.stringify(all));
      const basePort = await freePort();
      base = spawnPinned(SERVER_CORE, [
        nodeBin,
        'bench/servers/static.ts',
        `--bodies=${bodiesFile}`,
        `--port=${basePort}`,
      ]);
      const b = base;
      await waitUntil('static server', async () => b.output().includes('listening'));
      const baseUrl = `http://127.0.0.1:${basePort}`;

      const metrics: Metric[] = [];
      const details: Record<string, unknown> = {};
      const closed = {
        keepAlive: true,
        mode: 'closed' as const,
        concurrency: 16,
        maxRequests: ctx.settings.maxRequests,
      };
      const scenarios: { name: string; cfg: Omit<LoadConfig, 'durationMs' | 'url'> }[] = [
        { name: 'list limit=100 (cursor chain), c=16', cfg: { ...closed, paths: chain.paths } },
        {
          name: 'list limit=100 gzip, c=16',
          cfg: { ...closed, paths: chain.paths, headers: { 'accept-encoding': 'gzip' } },
        },
        { name: 'list limit=30, c=16', cfg: { ...closed, paths: ['/v0.1/servers?limit=30'] } },
        { name: 'search, c=16', cfg: { ...closed, paths: search } },
        { name: 'single server latest, c=16', cfg: { ...closed, paths: singles } },
        {
          name: 'list limit=100, open loop 500 req/s',
          cfg: {
            keepAlive: true,
            mode: 'open',
            rate: 500,
            concurrency: 64,
            maxRequests: ctx.settings.maxRequests,
            paths: chain.paths,
          },
        },
      ];
      for (const sc of scenarios) {
        ctx.log(sc.name);
        const r = await measureInterleaved(
          ctx,
          { ours: { ...sc.cfg, url: oursUrl }, base: { ...sc.cfg, url: baseUrl } },
          { ours, base: b },
        );
        const o = r.ours;
        const s = r.base;
        if (sc.cfg.mode === 'closed')
          metrics.push(metric(sc.name, 'throughput', 'req/s', o.throughput, s.throughput, 'higher'));
        metrics.push(metric(sc.name, 'p50', 'ms', o.latencyMs.p50, s.latencyMs.p50, 'lower'));
        metrics.push(metric(sc.name, 'p99', 'ms', o.latencyMs.p99, s.latencyMs.p99, 'lower'));
        metrics.push(
          metric(sc.name, 'bytes per response', 'B', o.meanResponseBytes, s.meanResponseBytes, 'lower'),
        );
        metrics.push(metric(sc.name, 'failed requests', '', o.failed, s.failed, 'lower'));
        metrics.push(
          metric(
            sc.name,
            'event-loop delay p99',
            'ms',
            o.probe?.eldP99Ms ?? NaN,
            s.probe?.eldP99Ms ?? NaN,
            'lower',
            'server process, warm-up included',
          ),
        );
        details[sc.name] = { ours: o, baseline: s };
      }
      const walks = async (url: string) => {
        const ms: number[] = [];
        for (let i = 0; i < ctx.settings.reps; i++) {
          ms.push((await walk(url)).ms); // the static server answers the same cursor paths
        }
        return ms.sort((x, y) => x - y)[Math.floor(ms.length / 2)] as number;
      };
      metrics.push(
        metric(
          `walk the whole cursor chain (${chain.paths.length} pages, one client)`,
          'time',
          'ms',
          await walks(oursUrl),
          await walks(baseUrl),
          'lower',
        ),
      );
      ctx.log('first request after a reload');
      const reload = await firstRequestAfterReload(
        ctx,
        { url: oursUrl, write: (i) => writeAtomic(file, JSON.stringify(catalogVariant(catalog, i))) },
        {
          url: baseUrl,
          write: (_i, captured) => writeAtomic(bodiesFile, JSON.stringify(Object.fromEntries(captured))),
        },
        [
          { kind: 'list limit=100, first page', path: chain.paths[0]! },
          { kind: 'list limit=100, a middle page', path: chain.paths[Math.floor(chain.paths.length / 2)]! },
          { kind: 'list limit=100 gzip', path: chain.paths[1]!, headers: { 'accept-encoding': 'gzip' } },
          { kind: 'list limit=30', path: '/v0.1/servers?limit=30' },
          { kind: 'search', path: search[0]! },
          { kind: 'single server latest', path: singles[0]! },
        ],
        ctx.settings.quick ? 5 : 15,
      );
      metrics.push(...reload.metrics);
      Object.assign(details, reload.details);
      return { metrics, details };
    } finally {
      await base?.stop();
      await ours.stop();
    }
  },
};
