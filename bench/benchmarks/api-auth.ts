/**
 * The registry REST API with authentication (SPEC §13, issue #29 "Performance"): the same catalog served
 * by four thv-registry-api processes, anonymous (the baseline) and `--auth kubernetes`, `--auth oidc`,
 * `--auth api-keys`, each asked with a valid credential, in the same run, interleaved. kubernetes mode
 * talks to a real apiserver (TokenReview + SubjectAccessReview for a ServiceAccount token from
 * `kubectl create token`), whose answers are cached for the token's validity (bounded by
 * --auth-cache-seconds), so the steady state is the cost of a cache hit; oidc verifies a JWT from an
 * issuer served in this process on loopback (discovery + JWKS, fetched once). Target: each ≥ 0.9× the
 * anonymous throughput. Servers on core 0, load generator on core 1.
 *
 * Besides throughput, each run reports the server process's CPU time per answered request (from
 * /proc/<pid>/stat around the measured window, after a separate warm-up): on a machine shared with
 * other work, throughput swings with whoever else runs, while the CPU a request costs the server
 * does not, and for a server bound to one core ≤ 1.11× CPU per request is ≥ 0.9× throughput.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { join, resolve } from 'node:path';
import { SignJWT, exportJWK, generateKeyPair } from 'jose';
import { freePort } from '../../src/local/control-plane.ts';
import { API_NODE_OPTIONS } from '../../src/controller/workload/api-workload.ts';
import type { Benchmark } from '../lib/bench.ts';
import { toolhiveCatalog } from '../lib/catalog.ts';
import { startBenchCluster, applyObject, createNamespace } from '../lib/cluster.ts';
import type { LoadConfig, LoadResult } from '../lib/load.ts';
import {
  SERVER_CORE,
  nodeBin,
  repoRoot,
  runLoadPinned,
  spawnPinned,
  waitServing,
  type Spawned,
} from '../lib/procs.ts';
import { medianBy } from '../lib/stats.ts';
import { metric, NotAvailable, type Metric } from '../lib/report.ts';

const API_BIN = resolve(repoRoot, 'src/bin/thv-registry-api.ts');
const SERVERS = 2000;
const NS = 'bench';
const REGISTRY = 'bench';
const AUDIENCE = 'bench-registry';
const API_KEY = 'bench-api-key-3f9c2a71';
const MODES = ['anonymous', 'kubernetes', 'oidc', 'apiKeys'] as const;
type Mode = (typeof MODES)[number];

const CLOCK_TICKS = Number(spawnSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).stdout.trim()) || 100;

/** User + system CPU of a process so far, in microseconds (/proc/<pid>/stat fields 14 and 15). */
function cpuMicros(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return ((Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS) * 1e6;
}

type Run = LoadResult & { cpuPerRequestUs: number };

/** Warm-up, then one measured window with the server's CPU read around it. */
async function measured(
  cfg: Omit<LoadConfig, 'durationMs' | 'warmupMs'>,
  pid: number,
  warmupMs: number,
  measureMs: number,
): Promise<Run> {
  await runLoadPinned({ ...cfg, durationMs: warmupMs, warmupMs: 0 });
  const before = cpuMicros(pid);
  const r = await runLoadPinned({ ...cfg, durationMs: measureMs, warmupMs: 0 });
  return { ...r, cpuPerRequestUs: (cpuMicros(pid) - before) / Math.max(r.ok, 1) };
}

/** A loopback OIDC issuer (discovery document and JWKS) and a token it signed. */
async function startIssuer(): Promise<{ url: string; token: string; close: () => void }> {
  const pair = await generateKeyPair('RS256', { extractable: true });
  const jwk = { ...(await exportJWK(pair.publicKey)), kid: 'bench', alg: 'RS256', use: 'sig' };
  let url = '';
  const server = createServer((req, res) => {
    const body =
      req.url === '/.well-known/openid-configuration'
        ? { issuer: url, jwks_uri: `${url}/jwks` }
        : req.url === '/jwks'
          ? { keys: [jwk] }
          : undefined;
    if (!body) return res.writeHead(404).end();
    res.writeHead(200, { 'Content-Type': 'application/json' }).end(JSON.stringify(body));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const addr = server.address();
  url = `http://127.0.0.1:${typeof addr === 'object' && addr ? addr.port : 0}`;
  const token = await new SignJWT({})
    .setProtectedHeader({ alg: 'RS256', kid: 'bench' })
    .setSubject('bench')
    .setIssuer(url)
    .setAudience(AUDIENCE)
    .setExpirationTime('2h')
    .sign(pair.privateKey);
  return { url, token, close: () => server.close() };
}

/** A ServiceAccount allowed `get` on mcpregistries/catalog `bench`, and a token for it. */
async function readerToken(cluster: Awaited<ReturnType<typeof startBenchCluster>>): Promise<string> {
  await createNamespace(cluster.client, NS);
  const meta = { name: 'reader', namespace: NS };
  await applyObject(cluster.client, { apiVersion: 'v1', kind: 'ServiceAccount', metadata: meta });
  await applyObject(cluster.client, {
    apiVersion: 'rbac.authorization.k8s.io/v1',
    kind: 'Role',
    metadata: meta,
    rules: [
      {
        apiGroups: ['toolhive.stacklok.io'],
        resources: ['mcpregistries/catalog'],
        resourceNames: [REGISTRY],
        verbs: ['get'],
      },
    ],
  });
  await applyObject(cluster.client, {
    apiVersion: 'rbac.authorization.k8s.io/v1',
    kind: 'RoleBinding',
    metadata: meta,
    roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: 'reader' },
    subjects: [{ kind: 'ServiceAccount', name: 'reader', namespace: NS }],
  });
  const r = spawnSync(
    'kubectl',
    ['--kubeconfig', cluster.cp.kubeconfigPath, 'create', 'token', 'reader', '-n', NS, '--duration=2h'],
    { encoding: 'utf8' },
  );
  if (r.status !== 0) throw new Error(`kubectl create token: ${r.stderr}`);
  return r.stdout.trim();
}

export const apiAuth: Benchmark = {
  name: 'api-auth',
  subject: `the registry REST API over ${SERVERS} servers with kubernetes, oidc and api-keys auth`,
  baseline: 'the same API, anonymous',
  async run(ctx) {
    if (!existsSync(API_BIN)) throw new NotAvailable('src/bin/thv-registry-api.ts is not in the tree');
    const file = join(ctx.workDir, 'registry.json');
    writeFileSync(file, JSON.stringify(toolhiveCatalog(SERVERS)));
    const keys = join(ctx.workDir, 'keys');
    writeFileSync(keys, `${API_KEY}\n`);
    ctx.log('control plane and issuer');
    const cluster = await startBenchCluster(join(ctx.workDir, 'cp'), ctx.log);
    const issuer = await startIssuer();
    const servers: Partial<Record<Mode, Spawned>> = {};
    try {
      const saToken = await readerToken(cluster);
      const flags: Record<Mode, string[]> = {
        anonymous: [],
        kubernetes: ['--auth=kubernetes', `--kubeconfig=${cluster.cp.kubeconfigPath}`, `--namespace=${NS}`],
        oidc: [
          '--auth=oidc',
          `--oidc-issuer=${issuer.url}`,
          `--oidc-audience=${AUDIENCE}`,
          '--destination-policy={"allowHTTP":true,"allowedCIDRs":["127.0.0.1/32"]}',
        ],
        apiKeys: ['--auth=api-keys', `--api-keys-file=${keys}`],
      };
      const headers: Record<Mode, Record<string, string>> = {
        anonymous: {},
        kubernetes: { authorization: `Bearer ${saToken}` },
        oidc: { authorization: `Bearer ${issuer.token}` },
        apiKeys: { authorization: `Bearer ${API_KEY}` },
      };
      const urls = {} as Record<Mode, string>;
      for (const mode of MODES) {
        const port = await freePort();
        urls[mode] = `http://127.0.0.1:${port}`;
        servers[mode] = spawnPinned(
          SERVER_CORE,
          [
            nodeBin,
            API_BIN,
            'serve',
            `--from-file=${file}`,
            `--registry-name=${REGISTRY}`,
            `--address=127.0.0.1:${port}`,
            ...flags[mode],
          ],
          { env: { NODE_OPTIONS: API_NODE_OPTIONS } },
        );
        await waitServing(servers[mode], `${urls[mode]}/readyz`, `the ${mode} API to become ready`, 60_000);
        // Each credential works before anything is measured (a refusal would measure 401s).
        const probe = await fetch(`${urls[mode]}/v0.1/servers?limit=1`, { headers: headers[mode] });
        if (probe.status !== 200)
          throw new Error(`${mode}: HTTP ${probe.status} ${await probe.text()} with a valid credential`);
      }
      const first = (await (await fetch(`${urls.anonymous}/v0.1/servers?limit=100`)).json()) as {
        servers: { server: { name: string } }[];
      };
      const singles = first.servers
        .filter((_, i) => i % 10 === 0)
        .map((e) => `/v0.1/servers/${encodeURIComponent(e.server.name)}/versions/latest`);
      const closed = {
        keepAlive: true,
        mode: 'closed' as const,
        concurrency: 16,
        maxRequests: ctx.settings.maxRequests,
      };
      const scenarios: { name: string; paths: string[] }[] = [
        { name: 'list limit=30, c=16', paths: ['/v0.1/servers?limit=30'] },
        { name: 'single server latest, c=16', paths: singles },
      ];
      const metrics: Metric[] = [];
      const details: Record<string, unknown> = {};
      for (const sc of scenarios) {
        ctx.log(sc.name);
        // Interleaved: each repetition runs every mode once, so a busy moment of the machine hits all.
        const runs = Object.fromEntries(MODES.map((m) => [m, [] as Run[]])) as Record<Mode, Run[]>;
        for (let rep = 0; rep < ctx.settings.reps; rep++)
          for (const m of MODES) {
            const cfg = { ...closed, paths: sc.paths, url: urls[m], headers: headers[m] };
            const pid = servers[m]?.child.pid ?? 0;
            runs[m].push(await measured(cfg, pid, ctx.settings.warmupMs, ctx.settings.measureMs));
          }
        const r = Object.fromEntries(MODES.map((m) => [m, medianBy(runs[m], (x) => x.throughput)])) as Record<
          Mode,
          Run
        >;
        const cpu = Object.fromEntries(
          MODES.map((m) => [m, medianBy(runs[m], (x) => x.cpuPerRequestUs).cpuPerRequestUs]),
        ) as Record<Mode, number>;
        for (const m of MODES.filter((x) => x !== 'anonymous')) {
          const label = m === 'apiKeys' ? 'api-keys' : m;
          const o = r[m];
          const s = r.anonymous;
          metrics.push(
            metric(`${label}: ${sc.name}`, 'throughput', 'req/s', o.throughput, s.throughput, 'higher'),
          );
          metrics.push(
            metric(`${label}: ${sc.name}`, 'p99', 'ms', o.latencyMs.p99, s.latencyMs.p99, 'lower'),
          );
          metrics.push(
            metric(`${label}: ${sc.name}`, 'server CPU per request', 'µs', cpu[m], cpu.anonymous, 'lower'),
          );
          metrics.push(metric(`${label}: ${sc.name}`, 'failed requests', '', o.failed, s.failed, 'lower'));
        }
        details[sc.name] = runs;
      }
      return { metrics, details };
    } finally {
      for (const s of Object.values(servers)) await s?.stop();
      issuer.close();
      await cluster.stop();
    }
  },
};
