/**
 * Per-entry Cedar authorization (SPEC §13, issue #29 "Performance"): the same 10,000-server catalog
 * served by three thv-registry-api processes in the same run, interleaved: without policies (the
 * baseline), with a policy over tags (entries alike in tags share one evaluation) and with a policy over
 * names (one evaluation per entry). Each filtered process answers from the caller's view of the
 * snapshot, built once per caller and reload (the warm-up pays it). Target: each ≥ 0.8× the unfiltered
 * throughput. Servers on core 0, load generator on core 1.
 */
import { existsSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { freePort } from '../../src/local/control-plane.ts';
import { API_NODE_OPTIONS } from '../../src/controller/workload/api-workload.ts';
import { measureInterleaved, type Benchmark } from '../lib/bench.ts';
import { toolhiveCatalog } from '../lib/catalog.ts';
import type { LoadConfig } from '../lib/load.ts';
import { SERVER_CORE, nodeBin, repoRoot, spawnPinned, waitServing, type Spawned } from '../lib/procs.ts';
import { metric, NotAvailable, type Metric } from '../lib/report.ts';

const API_BIN = resolve(repoRoot, 'src/bin/thv-registry-api.ts');
const SERVERS = 10_000;
const SIDES = ['unfiltered', 'tags', 'names'] as const;
type Side = (typeof SIDES)[number];
const POLICIES: Record<Exclude<Side, 'unfiltered'>, string> = {
  tags: '@id("no-databases") permit(principal, action, resource) unless { resource.tags.contains("database") };',
  names: '@id("no-7") permit(principal, action, resource) unless { resource.name like "*7" };',
};

export const apiAuthz: Benchmark = {
  name: 'api-authz',
  subject: `the registry REST API over ${SERVERS} servers filtered by Cedar policies (tags; names)`,
  baseline: 'the same API without policies',
  async run(ctx) {
    if (!existsSync(API_BIN)) throw new NotAvailable('src/bin/thv-registry-api.ts is not in the tree');
    const file = join(ctx.workDir, 'registry.json');
    writeFileSync(file, JSON.stringify(toolhiveCatalog(SERVERS)));
    const servers: Partial<Record<Side, Spawned>> = {};
    const urls = {} as Record<Side, string>;
    try {
      for (const side of SIDES) {
        const flags: string[] = [];
        if (side !== 'unfiltered') {
          const p = join(ctx.workDir, `${side}.cedar`);
          writeFileSync(p, POLICIES[side]);
          flags.push(`--authorization-policies=${p}`);
        }
        const port = await freePort();
        urls[side] = `http://127.0.0.1:${port}`;
        servers[side] = spawnPinned(
          SERVER_CORE,
          [nodeBin, API_BIN, 'serve', `--from-file=${file}`, `--address=127.0.0.1:${port}`, ...flags],
          { env: { NODE_OPTIONS: API_NODE_OPTIONS } },
        );
        await waitServing(servers[side], `${urls[side]}/readyz`, `the ${side} API to become ready`, 60_000);
        const info = (await (await fetch(`${urls[side]}/api/v1/registry/info`)).json()) as {
          serverCount: number;
        };
        ctx.log(`${side}: ${info.serverCount} of ${SERVERS} servers visible`);
        if (side !== 'unfiltered' && !(info.serverCount > 0 && info.serverCount < SERVERS))
          throw new Error(`${side}: the policy should hide some servers, not ${SERVERS - info.serverCount}`);
      }
      const closed = {
        keepAlive: true,
        mode: 'closed' as const,
        concurrency: 16,
        maxRequests: ctx.settings.maxRequests,
      };
      const scenarios: { name: string; paths: string[] }[] = [
        { name: 'list limit=30, c=16', paths: ['/v0.1/servers?limit=30'] },
        {
          name: 'list limit=100 pages, c=16',
          paths: ['/api/v1/registry/servers?limit=100', '/v0.1/servers?limit=100'],
        },
        {
          name: 'search, c=16',
          paths: ['/api/v1/registry/servers?search=github', '/v0.1/servers?search=sql'],
        },
      ];
      const metrics: Metric[] = [];
      const details: Record<string, unknown> = {};
      for (const sc of scenarios) {
        ctx.log(sc.name);
        const sides = Object.fromEntries(
          SIDES.map((s) => [s, { ...closed, paths: sc.paths, url: urls[s], headers: {} }]),
        ) as Record<Side, Omit<LoadConfig, 'durationMs' | 'warmupMs'>>;
        const r = await measureInterleaved(ctx, sides, servers);
        for (const s of ['tags', 'names'] as const) {
          const [o, b] = [r[s], r.unfiltered];
          metrics.push(
            metric(`${s}: ${sc.name}`, 'throughput', 'req/s', o.throughput, b.throughput, 'higher'),
          );
          metrics.push(metric(`${s}: ${sc.name}`, 'p99', 'ms', o.latencyMs.p99, b.latencyMs.p99, 'lower'));
          metrics.push(metric(`${s}: ${sc.name}`, 'failed requests', '', o.failed, b.failed, 'lower'));
        }
        details[sc.name] = r;
      }
      return { metrics, details };
    } finally {
      for (const s of Object.values(servers)) await s?.stop();
    }
  },
};
