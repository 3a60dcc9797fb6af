/**
 * B6: a 10,000-server upstream registry API on loopback (HTTPS, limit=100, cursors) synced by our
 * controller through the whole pipeline into ConfigMaps, vs a baseline that only fetches the same
 * pages, parses them, serializes the catalog once and gzips it. Also: the controller's peak RSS (one sync
 * per fresh controller process, like the baseline), the
 * stored layout (ConfigMaps, largest size), and the ConfigMap writes of a no-op resync (should be 0).
 * Then the same for a mirror of the official registry's size (issue #34: 20,000 servers × 3 versions,
 * dated, updated_since answered; 1,000 × 3 with --quick) against the same kind of baseline, and its
 * incremental resync through the same controller process after 1% of the servers changed
 * (bench/lib/resync.ts): wall time vs the full sync's, and ConfigMap writes vs the ConfigMaps whose
 * content changed. Fake upstream on core 1; controller, apiserver and etcd (or the baseline) on core 0.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ANNOTATION_SYNC_TRIGGER, GROUP, LABEL_REGISTRY, PLURAL } from '../../src/api/constants.ts';
import type { Benchmark, BenchContext } from '../lib/bench.ts';
import { makeCertDir } from '../lib/certs.ts';
import { createNamespace, installCrd, startBenchCluster } from '../lib/cluster.ts';
import { controllerUnavailable, startController } from '../lib/controller-proc.ts';
import { CLIENT_CORE, SERVER_CORE, nodeBin, peakRssOf, spawnPinned, waitUntil } from '../lib/procs.ts';
import { metric, NotAvailable } from '../lib/report.ts';
import { median } from '../lib/stats.ts';
import { incrementalResync, type Resync } from '../lib/resync.ts';
import { pollUntil } from '../../src/local/poll.ts';

interface Reg {
  metadata?: { resourceVersion?: string };
  status?: {
    phase?: string;
    message?: string;
    sync?: { serverCount?: number; lastManualSyncTrigger?: string };
  };
}
interface ConfigMap {
  metadata: { name: string };
  data?: Record<string, string>;
  binaryData?: Record<string, string>;
}

function cmBytes(cm: ConfigMap): number {
  let n = 0;
  for (const v of Object.values(cm.data ?? {})) n += Buffer.byteLength(v);
  for (const v of Object.values(cm.binaryData ?? {})) n += Buffer.from(v, 'base64').length;
  return n;
}

type Client = Awaited<ReturnType<typeof startBenchCluster>>['client'];
type Ref = { group: string; version: string; plural: string; namespace: string };

/** The stored layout of a registry, and the ConfigMap writes of a no-op resync of it (should be 0). */
async function storedAndNoop(
  client: Client,
  ref: Ref,
  name: string,
): Promise<{ layout: { configMaps: number; largest: number; total: number }; noopWrites: number }> {
  const cms = await client.list<ConfigMap>(
    { group: '', version: 'v1', plural: 'configmaps', namespace: ref.namespace },
    { labelSelector: `${LABEL_REGISTRY}=${name}` },
  );
  const sizes = cms.items.map(cmBytes);
  const layout = {
    configMaps: sizes.length,
    largest: Math.max(...sizes),
    total: sizes.reduce((a, b) => a + b, 0),
  };
  // No-op resync: a manual trigger with unchanged upstream data must write no ConfigMap.
  let writes = 0;
  const abort = new AbortController();
  const watching = client
    .watch<ConfigMap>(
      { group: '', version: 'v1', plural: 'configmaps', namespace: ref.namespace },
      { resourceVersion: cms.metadata.resourceVersion, labelSelector: `${LABEL_REGISTRY}=${name}` },
      (e) => {
        if (e.type === 'ADDED' || e.type === 'MODIFIED' || e.type === 'DELETED') writes++;
      },
      abort.signal,
    )
    .catch(() => undefined);
  await client.patch({ ...ref, name }, 'merge', {
    metadata: { annotations: { [ANNOTATION_SYNC_TRIGGER]: 'bench-noop' } },
  });
  await waitUntil(
    'the no-op resync to be recorded',
    async () =>
      (await client.get<Reg>({ ...ref, name })).status?.sync?.lastManualSyncTrigger === 'bench-noop',
    600_000,
  );
  // A write would precede the status update; give its watch event time to arrive.
  await new Promise((r) => setTimeout(r, 1000));
  abort.abort();
  await watching;
  return { layout, noopWrites: writes };
}

/**
 * When the registry turns Ready with n servers, as the watch delivers its status (performance.now()).
 * The baseline times itself in process, to the end of its work; a 100 ms poll of ours added up to
 * 100 ms (50 on average) plus a GET to our figure alone. The watch starts from the resourceVersion of
 * a list made before the create, so no status write can be missed; `watching` settles once it is.
 */
function readyAt(client: Client, ref: Ref, name: string, servers: (count: number) => boolean) {
  const abort = new AbortController();
  let listed: (rv: string) => void = () => {};
  const rv = new Promise<string>((r) => (listed = r));
  const at = new Promise<number>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${name}: not Ready within 600 s`)), 600_000);
    const done = (f: () => void) => {
      clearTimeout(timer);
      abort.abort();
      f();
    };
    const start = async () => {
      // Right after the CRD is installed its storage may still be initializing (429): try again.
      const sel = { fieldSelector: `metadata.name=${name}` };
      const list = await pollUntil('the registry list', () => client.list<Reg>(ref, sel), 60_000);
      let from = list.metadata.resourceVersion;
      listed(from ?? '');
      while (!abort.signal.aborted) {
        // A watch that fails or ends early is opened again from the last version it delivered.
        await client
          .watch<Reg>(
            ref,
            { ...sel, resourceVersion: from },
            (e) => {
              from = e.object.metadata?.resourceVersion ?? from;
              const st = e.object.status;
              if (st?.phase === 'Failed') done(() => reject(new Error(`sync failed: ${st.message}`)));
              else if (st?.phase === 'Ready' && servers(st.sync?.serverCount ?? -1)) {
                const t = performance.now();
                done(() => resolve(t));
              }
            },
            abort.signal,
          )
          .catch(() => new Promise((r) => setTimeout(r, 100)));
      }
    };
    start().catch((e: unknown) => done(() => reject(e as Error)));
  });
  at.catch(() => {}); // awaited by the caller; this only keeps an early failure from being unhandled
  return { watching: Promise.race([rv, at]), at };
}

async function runBaseline(ctx: BenchContext, url: string, caFile: string) {
  const runs: {
    ms: number;
    peakRssBytes: number;
    servers: number;
    gzipBytes: number;
    jsonBytes: number;
    eldP99Ms?: number;
  }[] = [];
  for (let i = 0; i < ctx.settings.reps + 1; i++) {
    const p = spawnPinned(SERVER_CORE, [nodeBin, 'bench/servers/sync-baseline.ts', url], {
      env: { NODE_EXTRA_CA_CERTS: caFile, MCPR_PROBE_AT_EXIT: '1' },
    });
    await new Promise((r) => p.child.once('exit', r));
    if (p.child.exitCode !== 0) throw new Error(`sync baseline failed: ${p.output().slice(-1000)}`);
    const line = p
      .output()
      .split('\n')
      .find((l) => l.startsWith('{'));
    const run = JSON.parse(line ?? '') as (typeof runs)[number];
    run.eldP99Ms = p.probes.at(-1)?.eldP99Ms;
    if (i > 0) runs.push(run); // the first run warms the server
  }
  return runs;
}

interface Scenario {
  /** Servers in the upstream; a mirror has 3 versions of each. */
  n: number;
  mirror: boolean;
}

/** One scenario: its own upstream, the baseline, then one sync per fresh controller process. */
async function measure(
  ctx: BenchContext,
  cluster: Awaited<ReturnType<typeof startBenchCluster>>,
  dirs: { certDir: string; caFile: string; policyFile: string },
  { n, mirror }: Scenario,
) {
  const { certDir, caFile, policyFile } = dirs;
  const upstream = spawnPinned(CLIENT_CORE, [
    nodeBin,
    'bench/servers/upstream.ts',
    `--cert-dir=${certDir}`,
    `--count=${n}`,
    ...(mirror ? ['--mirror'] : []),
  ]);
  try {
    await waitUntil('fake upstream', async () => upstream.output().includes('listening'));
    const port = /listening (\d+)/.exec(upstream.output())?.[1];
    const url = `https://127.0.0.1:${port}`;
    const entries = mirror ? n * 3 : n;
    const baseRuns = await runBaseline(ctx, url, caFile);
    if (baseRuns.some((r) => r.servers !== entries))
      throw new Error('the baseline did not read every server');
    const { client } = cluster;
    const ref = { group: GROUP, version: 'v1beta1', plural: PLURAL, namespace: 'bench-sync' };
    const prefix = mirror ? 'mirror' : 'upstream';
    const registry = (name: string) => ({
      apiVersion: `${GROUP}/v1beta1`,
      kind: 'MCPRegistry',
      metadata: { name, namespace: 'bench-sync' },
      spec: {
        sources: [{ name: 'upstream', type: 'registry', format: 'upstream', registry: { baseURL: url } }],
      },
    });
    // The apiserver's first write of a new resource type builds what it needs for it (~2 s here),
    // once per CRD install; a dry-run create pays that before any repetition is timed, as the
    // baseline's first run (untimed) warms the upstream.
    await client.create(ref, registry('warm-up'), { dryRun: 'All' });
    const oursMs: number[] = [];
    const oursEld: number[] = [];
    const oursRss: number[] = [];
    let layout: { configMaps: number; largest: number; total: number } | undefined;
    let noopWrites = NaN;
    let resync: Resync | undefined;
    // One sync per fresh controller process, as the baseline does one sync per fresh process: the
    // peak RSS of a process that synced three 10,000-server registries measured how lazily V8
    // collects the garbage of three syncs, not what one sync holds. Each registry is deleted (its
    // finalizer cleans its storage) before the next controller starts, so each starts alike.
    for (let i = 0; i < ctx.settings.reps; i++) {
      const last = i === ctx.settings.reps - 1;
      const name = `${prefix}-${i}`;
      const ctl = await startController({
        kubeconfig: cluster.cp.kubeconfigPath,
        certDir,
        namespaces: ['bench-sync'],
        core: SERVER_CORE,
        env: { NODE_EXTRA_CA_CERTS: caFile },
        policyFile,
      });
      try {
        await ctl.proc.probe();
        // A mirror's count may be of servers or of their versions; either says the read was whole.
        const ready = readyAt(client, ref, name, (c) => c === n || c === entries);
        await ready.watching;
        const t0 = performance.now();
        await client.create(ref, registry(name));
        oursMs.push((await ready.at) - t0);
        oursEld.push((await ctl.proc.probe()).eldP99Ms);
        oursRss.push(peakRssOf(ctl.proc.child.pid ?? 0));
        if (last) {
          ({ layout, noopWrites } = await storedAndNoop(client, ref, name));
          // The same process: it holds the whole read, so this sync reads updated_since.
          if (mirror) resync = await incrementalResync(client, ref, name, { url, caFile });
        }
        await client.delete({ ...ref, name });
        await waitUntil(
          `${name} deleted`,
          async () => (await client.find({ ...ref, name })) === undefined,
          120_000,
        );
      } finally {
        await ctl.proc.stop();
      }
    }
    return { n, entries, baseRuns, oursMs, oursEld, oursRss, layout, noopWrites, resync };
  } finally {
    await upstream.stop();
  }
}

function metricsOf(m: Awaited<ReturnType<typeof measure>>, mirror: boolean) {
  const { n, entries, baseRuns, oursMs, oursEld, oursRss, layout, noopWrites, resync } = m;
  const baseMs = median(baseRuns.map((r) => r.ms));
  const baseRss = median(baseRuns.map((r) => r.peakRssBytes));
  const pages = Math.ceil(entries / 100);
  const sc = mirror ? `${n} servers × 3 versions, ${pages} pages` : `${n} servers, ${pages} pages`;
  const out = [
    metric(
      sc,
      'full sync wall time',
      's',
      median(oursMs) / 1000,
      baseMs / 1000,
      'lower',
      'ours: create → Ready',
    ),
    metric(
      sc,
      'peak RSS',
      'MiB',
      median(oursRss) / 2 ** 20,
      baseRss / 2 ** 20,
      'lower',
      'ours: whole controller process',
    ),
    metric(
      sc,
      'ConfigMap changes on a no-op resync (watch events)',
      '',
      noopWrites,
      0,
      'lower',
      'baseline = the ideal, 0',
    ),
    metric(
      sc,
      'stored bytes (decoded)',
      'KiB',
      (layout?.total ?? NaN) / 1024,
      (baseRuns[0]?.gzipBytes ?? NaN) / 1024,
      'lower',
      'baseline = one gzip of the catalog',
    ),
    metric(
      sc,
      'largest ConfigMap',
      'KiB',
      (layout?.largest ?? NaN) / 1024,
      1024,
      'lower',
      'baseline = the 1 MiB limit',
    ),
    metric(
      sc,
      'event-loop delay p99 during the sync',
      'ms',
      median(oursEld),
      median(baseRuns.map((r) => r.eldP99Ms ?? NaN)),
      'lower',
      'ours: whole controller process',
    ),
  ];
  if (resync)
    out.push(
      metric(
        sc,
        'incremental resync wall, 1% of servers changed',
        's',
        resync.ms / 1000,
        median(oursMs) / 1000,
        'lower',
        `baseline: our full sync above; trigger → status recorded; ${resync.changedServers} servers changed`,
      ),
      metric(
        sc,
        'incremental resync: requests to the registry',
        'count',
        resync.upstreamRequests,
        pages,
        'lower',
        'baseline: the pages of a whole read',
      ),
      metric(
        sc,
        'incremental resync: ConfigMap writes',
        'count',
        resync.writes,
        resync.changedConfigMaps,
        'lower',
        `baseline: the storage ConfigMaps whose content changed (of ${resync.configMaps}); apiserver write requests`,
      ),
      metric(
        sc,
        'incremental resync: ConfigMap writes beyond the changed ones',
        'count',
        Math.max(0, resync.writes - resync.changedConfigMaps),
        0,
        'lower',
        'baseline = the ideal, 0',
      ),
    );
  return out;
}

export const sync: Benchmark = {
  name: 'sync',
  subject:
    'the controller syncing a 10,000-server upstream registry API, and a 20,000 × 3-version mirror, into ConfigMaps',
  baseline: 'fetch + parse + serialize + gzip of the same pages, nothing else',
  async run(ctx) {
    const why = controllerUnavailable();
    if (why) throw new NotAvailable(why);
    const scenarios: Scenario[] = [
      { n: ctx.settings.quick ? 2000 : 10_000, mirror: false },
      { n: ctx.settings.quick ? 1000 : 20_000, mirror: true },
    ];
    const certDir = join(ctx.workDir, 'certs');
    mkdirSync(certDir, { recursive: true });
    await makeCertDir(certDir);
    const caFile = join(certDir, 'ca.crt');
    const cluster = await startBenchCluster(join(ctx.workDir, 'cp'), (m) => ctx.log(m));
    try {
      const { client } = cluster;
      await installCrd(client, { kind: 'none' });
      await createNamespace(client, 'bench-sync');
      // The fake upstream listens on loopback, which the built-in policy refuses as a destination.
      const policyFile = join(ctx.workDir, 'policy.yaml');
      writeFileSync(policyFile, 'allowedCIDRs: [127.0.0.0/8, "::1/128"]\n');
      const ref = { group: GROUP, version: 'v1beta1', plural: PLURAL, namespace: 'bench-sync' };
      // The new CRD's storage answers 429 "(re)initializing" for a moment: a controller started in
      // that moment backs off before its first list, which the first repetition then measured (up to
      // ~2 s before the create was even seen). Start it only once the resource can be listed.
      await pollUntil('the MCPRegistry resource to be served', () => client.list(ref), 60_000);
      const metrics = [];
      const details: Record<string, unknown> = {};
      for (const sc of scenarios) {
        ctx.log(`${sc.n} servers${sc.mirror ? ' × 3 versions (mirror)' : ''}`);
        const m = await measure(ctx, cluster, { certDir, caFile, policyFile }, sc);
        metrics.push(...metricsOf(m, sc.mirror));
        details[sc.mirror ? 'mirror' : 'servers'] = m;
      }
      return { metrics, details };
    } finally {
      await cluster.stop();
    }
  },
};
