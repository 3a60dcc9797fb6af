/**
 * B7: 1,000 MCPRegistries (ConfigMap source, the real ToolHive catalog fixture) created at once; time
 * until every one is Ready, with our controller vs a trivial reconciler that writes the same storage
 * ConfigMap and the same status (issue #34; issue #15's baseline wrote the status only), fed by a
 * list+watch and a de-duplicating queue of its own. "The same" is captured, not imitated: our
 * controller first reconciles one registry of that spec in a namespace of its own, and the storage
 * ConfigMaps and status it wrote are the trivial reconciler's template (bench/servers/
 * trivial-reconciler.ts). apiserver, etcd and the reconciler share core 0; the objects are created by
 * the benchmark process itself (not pinned).
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { GROUP, LABEL_REGISTRY, PLURAL } from '../../src/api/constants.ts';
import type { KubeClient } from '../../src/kube/client.ts';
import type { Benchmark, BenchContext } from '../lib/bench.ts';
import { toolhiveCatalog } from '../lib/catalog.ts';
import { makeCertDir } from '../lib/certs.ts';
import { createNamespace, installCrd, startBenchCluster } from '../lib/cluster.ts';
import { controllerUnavailable, startController, type ControllerOptions } from '../lib/controller-proc.ts';
import { SERVER_CORE, nodeBin, peakRssOf, pinPid, spawnPinned, waitUntil } from '../lib/procs.ts';
import { metric, NotAvailable } from '../lib/report.ts';
import { freePort } from '../../src/local/control-plane.ts';
import { baselineReconcilerRestart, baselineWebhookStartMs, restartOperator } from '../lib/restart.ts';
import type { Template } from '../servers/trivial-reconciler.ts';

const WORKERS = 4;

function count(quick: boolean): number {
  return quick ? 200 : 1000;
}

const regRef = (namespace: string) => ({ group: GROUP, version: 'v1beta1', plural: PLURAL, namespace });
const registry = (ns: string, i: number) => ({
  apiVersion: `${GROUP}/v1beta1`,
  kind: 'MCPRegistry',
  metadata: { name: `reg-${String(i).padStart(4, '0')}`, namespace: ns },
  spec: {
    sources: [
      {
        name: 'catalog',
        type: 'configmap',
        format: 'toolhive',
        configMapRef: { name: 'catalog', key: 'registry.json' },
      },
    ],
  },
});

async function createAll(client: KubeClient, ns: string, n: number): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < n) await client.create(regRef(ns), registry(ns, next++));
  };
  await Promise.all(Array.from({ length: 16 }, worker));
}

type StoredCm = {
  metadata: { name: string; labels?: Record<string, string>; annotations?: Record<string, string> };
  data?: Record<string, string>;
  binaryData?: Record<string, string>;
};

/**
 * What our controller writes for one registry of the benchmark's spec: it reconciles `reg-0000` in a
 * namespace of its own (bench-probe), and its storage ConfigMaps and status become the template.
 */
async function captureTemplate(
  ctx: BenchContext,
  client: KubeClient,
  opts: ControllerOptions,
): Promise<Template> {
  const ns = opts.namespaces[0] as string;
  const ctl = await startController(opts);
  try {
    const reg = registry(ns, 0);
    const name = reg.metadata.name;
    await client.create(regRef(ns), reg);
    type Reg = { status?: Record<string, unknown> & { phase?: string } };
    let status: Reg['status'];
    await waitUntil(`${ns}/${name} Ready`, async () => {
      status = (await client.get<Reg>({ ...regRef(ns), name })).status;
      return status?.phase === 'Ready';
    });
    const cms = await client.list<StoredCm>(
      { group: '', version: 'v1', plural: 'configmaps', namespace: ns },
      { labelSelector: `${LABEL_REGISTRY}=${name}` },
    );
    if (cms.items.length === 0) throw new Error(`${ns}/${name}: Ready with no storage ConfigMap`);
    ctx.log(`template: ${cms.items.length} storage ConfigMap(s) and the status of ${ns}/${name}`);
    return {
      registry: name,
      configMaps: cms.items.map((cm) => ({
        name: cm.metadata.name,
        labels: cm.metadata.labels,
        annotations: cm.metadata.annotations,
        data: cm.data,
        binaryData: cm.binaryData,
      })),
      status: status ?? {},
    };
  } finally {
    await ctl.proc.stop();
  }
}

async function readyCount(client: KubeClient, ns: string): Promise<number> {
  const list = await client.list<{ status?: { phase?: string } }>(regRef(ns));
  return list.items.filter((o) => o.status?.phase === 'Ready').length;
}

async function timeToReady(ctx: BenchContext, client: KubeClient, ns: string, n: number): Promise<number> {
  const t0 = performance.now();
  await createAll(client, ns, n);
  ctx.log(`${n} created in ${ns} after ${Math.round(performance.now() - t0)} ms`);
  await waitUntil(
    `${n} registries Ready in ${ns}`,
    async () => (await readyCount(client, ns)) === n,
    600_000,
  );
  return performance.now() - t0;
}

/** apiserver requests by verb and resource (`apiserver_request_total`), from its /metrics. */
async function requestCounts(client: KubeClient): Promise<Map<string, number>> {
  const r = await client.request<string>('/metrics', { query: {} });
  const text = typeof r.body === 'string' ? r.body : '';
  const out = new Map<string, number>();
  for (const line of text.split('\n')) {
    // Response bytes of the reconciler's reads (LIST/GET of ConfigMaps): a LIST over every registry's
    // storage is what made syncs quadratic once.
    if (line.startsWith('apiserver_response_sizes_sum{') && /resource="configmaps"/.test(line)) {
      const verb = /verb="([^"]*)"/.exec(line)?.[1] ?? '';
      const key = `bytes ${verb} configmaps`;
      out.set(key, (out.get(key) ?? 0) + Number(line.split(' ').pop()));
      continue;
    }
    if (!line.startsWith('apiserver_request_total{')) continue;
    const verb = /verb="([^"]*)"/.exec(line)?.[1] ?? '';
    const resource = /resource="([^"]*)"/.exec(line)?.[1] ?? '';
    const sub = /subresource="([^"]*)"/.exec(line)?.[1];
    const key = `${verb} ${resource}${sub ? `/${sub}` : ''}`;
    out.set(key, (out.get(key) ?? 0) + Number(line.split(' ').pop()));
  }
  return out;
}

/** The reconciler's requests per registry between two scrapes, by verb and resource. */
function perRegistry(before: Map<string, number>, after: Map<string, number>, n: number) {
  const out: Record<string, number> = {};
  for (const [k, v] of after) {
    const d = v - (before.get(k) ?? 0);
    // The benchmark's own creates and Ready polls are not the reconciler's.
    if (k === 'POST mcpregistries' || k === 'LIST mcpregistries') continue;
    if (k.startsWith('bytes ')) out[k] = Math.round(d / n);
    else if (d >= n / 10 && /configmaps|mcpregistries|events|secrets|leases/.test(k))
      out[k] = Math.round((d / n) * 100) / 100;
  }
  return out;
}

const requestsOnly = (r: Record<string, number>) =>
  Object.entries(r)
    .filter(([k]) => !k.startsWith('bytes '))
    .reduce((a, [, v]) => a + v, 0);
const readBytes = (r: Record<string, number>) =>
  Object.entries(r)
    .filter(([k]) => k.startsWith('bytes '))
    .reduce((a, [, v]) => a + v, 0);

async function sourceConfigMap(client: KubeClient, ns: string): Promise<void> {
  await client.create(
    { group: '', version: 'v1', plural: 'configmaps', namespace: ns },
    {
      metadata: { name: 'catalog', namespace: ns },
      data: { 'registry.json': JSON.stringify(toolhiveCatalog(88)) },
    },
  );
}

export const reconcile: Benchmark = {
  name: 'reconcile',
  subject: 'the controller: N MCPRegistries created at once until all Ready',
  baseline: `a trivial reconciler writing the same storage ConfigMap and status as ours, nothing else (list+watch, de-duplicating queue, ${WORKERS} workers)`,
  async run(ctx) {
    const why = controllerUnavailable();
    if (why) throw new NotAvailable(why);
    const n = count(ctx.settings.quick);
    const cluster = await startBenchCluster(join(ctx.workDir, 'cp'), (m) => ctx.log(m));
    try {
      const { client } = cluster;
      await installCrd(client, { kind: 'none' });
      for (const ns of ['bench-probe', 'bench-base', 'bench-ours']) {
        await createNamespace(client, ns);
        await sourceConfigMap(client, ns);
      }
      const certDir = join(ctx.workDir, 'certs');
      const certs = await makeCertDir(certDir);
      const ctlOpts = {
        kubeconfig: cluster.cp.kubeconfigPath,
        certDir,
        namespaces: ['bench-ours'],
        core: SERVER_CORE,
      };
      const templateFile = join(ctx.workDir, 'trivial-reconciler-template.json');
      writeFileSync(
        templateFile,
        JSON.stringify(await captureTemplate(ctx, client, { ...ctlOpts, namespaces: ['bench-probe'] })),
      );
      const base = spawnPinned(SERVER_CORE, [
        nodeBin,
        'bench/servers/trivial-reconciler.ts',
        cluster.cp.kubeconfigPath,
        'bench-base',
        String(WORKERS),
        templateFile,
      ]);
      let baseMs: number;
      let baseRss: number;
      let baseEld: number;
      let baseRequests: Record<string, number> = {};
      let oursRequests: Record<string, number> = {};
      try {
        await waitUntil('the trivial reconciler', async () => base.output().includes('ready'));
        await base.probe();
        const before = await requestCounts(client);
        baseMs = await timeToReady(ctx, client, 'bench-base', n);
        baseRequests = perRegistry(before, await requestCounts(client), n);
        baseEld = (await base.probe()).eldP99Ms;
        baseRss = peakRssOf(base.child.pid ?? 0);
      } finally {
        await base.stop();
      }
      const ctl = await startController(ctlOpts);
      let oursMs: number;
      let oursRss: number;
      let oursEld: number;
      try {
        pinPid(ctl.proc.child.pid ?? 0, SERVER_CORE);
        await ctl.proc.probe();
        const before = await requestCounts(client);
        oursMs = await timeToReady(ctx, client, 'bench-ours', n);
        oursRequests = perRegistry(before, await requestCounts(client), n);
        ctx.log(`apiserver requests per registry: ours ${JSON.stringify(oursRequests)}`);
        oursEld = (await ctl.proc.probe()).eldP99Ms;
        oursRss = peakRssOf(ctl.proc.child.pid ?? 0);
      } finally {
        await ctl.proc.stop();
      }
      // A rolling restart with every registry Ready: what it costs, and the memory it then sits at.
      ctx.log(`restarting the operator over ${n} Ready registries`);
      const restart = await restartOperator(ctlOpts, certs.caPem, n);
      const baseStart = await baselineWebhookStartMs(certDir, certs.caPem, await freePort());
      const baseIdle = await baselineReconcilerRestart(cluster.cp.kubeconfigPath, 'bench-ours', templateFile);
      const sc = `${n} MCPRegistries created at once (one run)`;
      const rs = `operator restart with ${n} Ready MCPRegistries`;
      const mib = (b: number) => b / 2 ** 20;
      return {
        metrics: [
          metric(sc, 'time until all Ready', 's', oursMs / 1000, baseMs / 1000, 'lower'),
          metric(sc, 'registries Ready per second', '/s', (n * 1000) / oursMs, (n * 1000) / baseMs, 'higher'),
          metric(sc, 'reconciler peak RSS', 'MiB', oursRss / 2 ** 20, baseRss / 2 ** 20, 'lower'),
          metric(sc, 'event-loop delay p99', 'ms', oursEld, baseEld, 'lower', 'reconciler process'),
          metric(
            sc,
            'apiserver requests per registry',
            '',
            requestsOnly(oursRequests),
            requestsOnly(baseRequests),
            'lower',
            'ConfigMaps, MCPRegistries, Events, Secrets, Leases; by verb in the JSON',
          ),
          metric(
            sc,
            'ConfigMap bytes the apiserver sent per registry',
            'KiB',
            readBytes(oursRequests) / 1024,
            readBytes(baseRequests) / 1024,
            'lower',
            'GET and LIST responses',
          ),
          metric(
            rs,
            'start → webhooks answer',
            's',
            restart.webhooksReadyMs / 1000,
            baseStart / 1000,
            'lower',
            'baseline: the bare HTTPS server',
          ),
          metric(
            rs,
            'start → first reconcile',
            's',
            restart.firstReconcileMs / 1000,
            baseIdle.listedMs / 1000,
            'lower',
            'baseline: the trivial reconciler has listed them all',
          ),
          metric(
            rs,
            'start → every registry reconciled, queue empty',
            's',
            restart.allReconciledMs / 1000,
            baseIdle.listedMs / 1000,
            'lower',
            'baseline: as above',
          ),
          metric(
            rs,
            'RSS at idle',
            'MiB',
            mib(restart.idleRssBytes),
            mib(baseIdle.idleRssBytes),
            'lower',
            'baseline: the trivial reconciler, idle',
          ),
          metric(
            rs,
            'heap used at idle',
            'MiB',
            mib(restart.idleProbe.heapUsed),
            mib(baseIdle.idleProbe.heapUsed),
            'lower',
          ),
        ],
        details: {
          n,
          oursMs,
          baseMs,
          workers: WORKERS,
          restart,
          baseStart,
          baseIdle,
          apiserverRequestsPerRegistry: { ours: oursRequests, baseline: baseRequests },
        },
      };
    } finally {
      await cluster.stop();
    }
  },
};
