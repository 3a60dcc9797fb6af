/**
 * B-discovery (#31): N ToolHive MCPServers across M namespaces (1,000 across 50; --quick 200 across
 * 10), one MCPRegistry with a `kubernetes` source per namespace. The workloads exist first, not
 * exported; then every one is annotated for export at once. Time from the first annotation until
 * every registry's status counts its servers (the stored catalog the registry API serves; its own
 * reload is measured by the api benchmark), and the controller's peak RSS, against a trivial informer
 * that only counts exported MCPServers (one cluster-wide list+watch, a Set of keys). apiserver, etcd
 * and the process measured share core 0; the annotating client is not pinned.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { GROUP, PLURAL } from '../../src/api/constants.ts';
import type { KubeClient } from '../../src/kube/client.ts';
import type { Benchmark, BenchContext } from '../lib/bench.ts';
import { makeCertDir } from '../lib/certs.ts';
import { createNamespace, installCrd, startBenchCluster } from '../lib/cluster.ts';
import { controllerUnavailable, startController } from '../lib/controller-proc.ts';
import { SERVER_CORE, nodeBin, peakRssOf, pinPid, repoRoot, spawnPinned, waitUntil } from '../lib/procs.ts';
import { metric, NotAvailable } from '../lib/report.ts';

const TH = 'toolhive.stacklok.dev';
const CRDS = { group: 'apiextensions.k8s.io', version: 'v1', plural: 'customresourcedefinitions' };
const SERVERS = (namespace: string) => ({ group: TH, version: 'v1beta1', plural: 'mcpservers', namespace });

function size(quick: boolean): { namespaces: number; perNamespace: number } {
  return quick ? { namespaces: 10, perNamespace: 20 } : { namespaces: 50, perNamespace: 20 };
}

/** ToolHive's 2026-08-21 CRDs (test/fixtures, unchanged), installed and Established. */
async function installToolhive(client: KubeClient): Promise<void> {
  const dir = join(repoRoot, 'test/fixtures/toolhive-crds/2026-08-21');
  for (const f of readdirSync(dir).filter((x) => x.endsWith('.yaml')))
    await client.create(CRDS, parse(readFileSync(join(dir, f), 'utf8')));
  await waitUntil('the MCPServer CRD served', async () => {
    const r = await client
      .request<{ resources: { name: string }[] }>(`/apis/${TH}/v1beta1`)
      .catch(() => undefined);
    return !!r?.body.resources.some((x) => x.name === 'mcpservers');
  });
}

/** Runs fn over 0..n-1 with 16 requests in flight. */
async function pool(n: number, fn: (i: number) => Promise<unknown>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: 16 }, async () => {
      while (next < n) await fn(next++);
    }),
  );
}

const nsName = (prefix: string, i: number) => `${prefix}-${String(i).padStart(2, '0')}`;

async function createWorkloads(client: KubeClient, prefix: string, m: number, per: number): Promise<void> {
  for (let i = 0; i < m; i++) await createNamespace(client, nsName(prefix, i));
  await pool(m * per, (k) => {
    const ns = nsName(prefix, Math.floor(k / per));
    return client.create(SERVERS(ns), {
      apiVersion: `${TH}/v1beta1`,
      kind: 'MCPServer',
      metadata: { name: `srv-${k % per}`, namespace: ns },
      spec: { image: `ghcr.io/example/srv-${k % per}:v1.${k % per}.0` },
    });
  });
}

/** Annotates every workload for export; returns when the first PATCH is sent (t0). */
async function exportAll(client: KubeClient, prefix: string, m: number, per: number): Promise<number> {
  const t0 = performance.now();
  await pool(m * per, (k) => {
    const ns = nsName(prefix, Math.floor(k / per));
    const name = `srv-${k % per}`;
    return client.patch({ ...SERVERS(ns), name }, 'merge', {
      metadata: {
        annotations: {
          [`${TH}/registry-export`]: 'true',
          [`${TH}/registry-url`]: `https://${name}.${ns}.example.com/mcp`,
          [`${TH}/registry-description`]: `Server ${name} of ${ns}`,
        },
      },
    });
  });
  return t0;
}

async function serverCounts(client: KubeClient, prefix: string, m: number): Promise<number[]> {
  const out: number[] = [];
  for (let i = 0; i < m; i++) {
    const list = await client.list<{ status?: { phase?: string; sync?: { serverCount?: number } } }>({
      group: GROUP,
      version: 'v1beta1',
      plural: PLURAL,
      namespace: nsName(prefix, i),
    });
    out.push(
      ...list.items.map((r) => (r.status?.phase === 'Ready' ? (r.status.sync?.serverCount ?? 0) : -1)),
    );
  }
  return out;
}

async function baseline(ctx: BenchContext, client: KubeClient, kubeconfig: string, m: number, per: number) {
  await createWorkloads(client, 'disc-base', m, per);
  const base = spawnPinned(SERVER_CORE, [
    nodeBin,
    'bench/servers/counting-informer.ts',
    kubeconfig,
    'v1beta1',
  ]);
  try {
    await waitUntil('the counting informer', async () => base.output().includes('ready'));
    const t0 = await exportAll(client, 'disc-base', m, per);
    await waitUntil(
      'every exported MCPServer counted',
      async () => base.output().includes(`count ${m * per}\n`),
      600_000,
    );
    const ms = performance.now() - t0;
    ctx.log(`baseline: ${m * per} exported counted after ${Math.round(ms)} ms`);
    return { ms, rss: peakRssOf(base.child.pid ?? 0) };
  } finally {
    await base.stop();
  }
}

async function ours(ctx: BenchContext, client: KubeClient, kubeconfig: string, m: number, per: number) {
  await createWorkloads(client, 'disc-ours', m, per);
  const namespaces = Array.from({ length: m }, (_, i) => nsName('disc-ours', i));
  for (const ns of namespaces)
    await client.create(
      { group: GROUP, version: 'v1beta1', plural: PLURAL, namespace: ns },
      {
        apiVersion: `${GROUP}/v1beta1`,
        kind: 'MCPRegistry',
        metadata: { name: 'running', namespace: ns },
        spec: { sources: [{ name: 'running', type: 'kubernetes' }] },
      },
    );
  const certDir = join(ctx.workDir, 'certs');
  await makeCertDir(certDir);
  const ctl = await startController({ kubeconfig, certDir, namespaces, core: SERVER_CORE });
  try {
    pinPid(ctl.proc.child.pid ?? 0, SERVER_CORE);
    await waitUntil(
      'every registry Ready, nothing exported yet',
      async () => (await serverCounts(client, 'disc-ours', m)).every((c) => c === 0),
      600_000,
    );
    const t0 = await exportAll(client, 'disc-ours', m, per);
    await waitUntil(
      'every registry counting its exported servers',
      async () => (await serverCounts(client, 'disc-ours', m)).every((c) => c === per),
      600_000,
    );
    const ms = performance.now() - t0;
    ctx.log(`ours: ${m * per} exported in ${m} registries after ${Math.round(ms)} ms`);
    return { ms, rss: peakRssOf(ctl.proc.child.pid ?? 0), eld: (await ctl.proc.probe()).eldP99Ms };
  } finally {
    await ctl.proc.stop();
  }
}

export const discovery: Benchmark = {
  name: 'discovery',
  subject: 'kubernetes sources: workloads annotated for export until every registry has them',
  baseline: 'a trivial informer that only counts exported MCPServers (one list+watch)',
  async run(ctx) {
    const why = controllerUnavailable();
    if (why) throw new NotAvailable(why);
    const { namespaces: m, perNamespace: per } = size(ctx.settings.quick);
    const cluster = await startBenchCluster(join(ctx.workDir, 'cp'), (x) => ctx.log(x));
    try {
      const { client } = cluster;
      await installCrd(client, { kind: 'none' });
      await installToolhive(client);
      const kc = cluster.cp.kubeconfigPath;
      const b = await baseline(ctx, client, kc, m, per);
      const o = await ours(ctx, client, kc, m, per);
      const sc = `${m * per} MCPServers across ${m} namespaces annotated for export at once (one run)`;
      return {
        metrics: [
          metric(
            sc,
            'annotation → in every catalog',
            's',
            o.ms / 1000,
            b.ms / 1000,
            'lower',
            'baseline: counted',
          ),
          metric(
            sc,
            'peak RSS',
            'MiB',
            o.rss / 2 ** 20,
            b.rss / 2 ** 20,
            'lower',
            'the controller vs the counting informer',
          ),
        ],
        details: {
          namespaces: m,
          perNamespace: per,
          oursMs: o.ms,
          baselineMs: b.ms,
          controllerEldP99Ms: o.eld,
        },
      };
    } finally {
      await cluster.stop();
    }
  },
};
