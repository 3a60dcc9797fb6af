/**
 * SPEC §18 "Admission never waits for sync work" (issues #26 item 2 and #34): the admission webhook's
 * p99 while the largest admitted sync runs, against the same operator process idle, measured in the
 * same run. One operator process (webhooks and controller, as every default replica runs) on core 0;
 * the load generator (open loop, fixed rate, the admission corpus) on core 1. The sync is the one the
 * integration test calls worst admitted: 20,000 servers (28 MB over HTTPS on loopback) and 16 costly
 * globs, 389 of the 400 million filter units a sync may spend; its source text changes on every
 * fetch (a version counter), so every sync reads, filters, serialises and gzips it all again, back to
 * back for the whole measurement. INFO rows run the same with `--controller-thread=false` (the controller
 * on the event loop that answers admission, its sync CPU work still on the workers: the layout before
 * the controller thread), to show what the controller thread removes.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:https';
import { join } from 'node:path';
import { ANNOTATION_SYNC_TRIGGER, GROUP, PLURAL } from '../../src/api/constants.ts';
import type { Benchmark, BenchContext } from '../lib/bench.ts';
import { makeCertDir } from '../lib/certs.ts';
import { createNamespace, installCrd, startBenchCluster } from '../lib/cluster.ts';
import { controllerUnavailable, startController } from '../lib/controller-proc.ts';
import { admissionCorpus } from '../lib/corpus.ts';
import type { LoadResult } from '../lib/load.ts';
import { SERVER_CORE, runLoadPinned, waitUntil } from '../lib/procs.ts';
import { metric, NotAvailable, type Metric } from '../lib/report.ts';
import { median, medianBy } from '../lib/stats.ts';
import { PATHS } from '../lib/webhook-proc.ts';

const FIXTURE = join(import.meta.dirname, '../../test/fixtures/toolhive-registry/registry-2025-10-22.json');
const SERVERS = 20_000;
const GLOBS = [...Array.from({ length: 16 }, (_, k) => `*${'a'.repeat(24)}b${k}*`), '*'];
const NS = 'bench-isolation';

/** The catalog after its version field: the source prepends `{"version":"<n>",` to each answer. */
function catalogTail(n: number): Buffer {
  const doc = JSON.parse(readFileSync(FIXTURE, 'utf8')) as { servers: Record<string, unknown> };
  const entries = Object.values(doc.servers);
  const servers: Record<string, unknown> = {};
  for (let i = 0; i < n; i++) servers[`${'a'.repeat(40)}-${i}`] = entries[i % entries.length];
  return Buffer.from(JSON.stringify({ servers, remote_servers: {} }).slice(1));
}

interface Reg {
  status?: { phase?: string; message?: string; sync?: { lastManualSyncTrigger?: string } };
}

type Client = Awaited<ReturnType<typeof startBenchCluster>>['client'];

/** Syncs the registry again and again (a new trigger each time) until stopped; counts finished syncs. */
function keepSyncing(client: Client, name: string) {
  const ref = { group: GROUP, version: 'v1beta1', plural: PLURAL, namespace: NS, name };
  let stop = false;
  let done = 0;
  const running = (async () => {
    for (let i = 0; !stop; i++) {
      const trigger = `bench-${Date.now()}-${i}`;
      await client.patch(ref, 'merge', { metadata: { annotations: { [ANNOTATION_SYNC_TRIGGER]: trigger } } });
      await waitUntil(
        'the triggered sync',
        async () => (await client.get<Reg>(ref)).status?.sync?.lastManualSyncTrigger === trigger,
        300_000,
      );
      const st = (await client.get<Reg>(ref)).status;
      if (st?.phase !== 'Ready') throw new Error(`the worst admitted sync did not end Ready: ${st?.message}`);
      done++;
    }
  })();
  return {
    stop: async () => {
      stop = true;
      await running;
      return done;
    },
  };
}

async function measure(
  ctx: BenchContext,
  client: Client,
  opts: {
    name: string;
    /** The layout before the controller thread: the controller on the admission event loop. */
    controllerOnMainThread?: boolean;
    certDir: string;
    caFile: string;
    policyFile: string;
    kubeconfig: string;
    url: string;
  },
) {
  const ref = { group: GROUP, version: 'v1beta1', plural: PLURAL, namespace: NS };
  const ctl = await startController({
    kubeconfig: opts.kubeconfig,
    certDir: opts.certDir,
    namespaces: [NS],
    core: SERVER_CORE,
    env: {
      NODE_EXTRA_CA_CERTS: opts.caFile,
      ...(opts.controllerOnMainThread && { CONTROLLER_THREAD: 'false' }),
    },
    policyFile: opts.policyFile,
  });
  try {
    await client.create(ref, {
      apiVersion: `${GROUP}/v1beta1`,
      kind: 'MCPRegistry',
      metadata: { name: opts.name, namespace: NS },
      spec: {
        sources: [{ name: 'web', type: 'url', url: { href: opts.url } }],
        filter: { names: { include: GLOBS } },
      },
    });
    // The first sync, untimed: compiles the globs and warms every path the later ones take.
    await waitUntil(
      'the first sync',
      async () => (await client.get<Reg>({ ...ref, name: opts.name })).status?.phase === 'Ready',
      300_000,
    );
    const load = {
      url: `https://127.0.0.1:${ctl.webhookPort}${PATHS.validate}`,
      bodies: admissionCorpus(),
      ca: readFileSync(opts.caFile, 'utf8'),
      keepAlive: true,
      mode: 'open' as const,
      concurrency: 64,
      rate: ctx.settings.quick ? 100 : 200,
      maxRequests: ctx.settings.maxRequests,
      check: 'review-uid' as const,
      warmupMs: ctx.settings.warmupMs,
      // Long enough to hold several whole syncs (fetch, then the CPU work): a window of a few seconds
      // caught the fetch of one and missed its 10-second stall on the event loop (--sync-workers=0).
      durationMs: Math.max(ctx.settings.measureMs, ctx.settings.quick ? 5000 : 20_000),
      // Longer than any admission answer may take; a late answer counts in the p99, not as lost.
      timeoutMs: 30_000,
    };
    const idle: LoadResult[] = [];
    const syncing: LoadResult[] = [];
    let syncs = 0;
    // The longest event-loop stall in each window, from the probe preloaded into the operator.
    const stalls = { idle: [] as number[], syncing: [] as number[] };
    // The event loop's busy time in each kind of window (less sensitive to a loaded machine than a
    // tail latency): what a sync leaves on the loop is the syncing windows' excess over idle ones.
    const busy = { idle: 0, idleWindow: 0, syncing: 0, syncingWindow: 0, gcIdle: 0, gcSyncing: 0 };
    for (let r = 0; r < ctx.settings.reps; r++) {
      await ctl.proc.probe();
      idle.push(await runLoadPinned(load));
      const pi = await ctl.proc.probe();
      stalls.idle.push(pi.eldMaxMs);
      const driver = keepSyncing(client, opts.name);
      syncing.push(await runLoadPinned(load));
      const ps = await ctl.proc.probe();
      stalls.syncing.push(ps.eldMaxMs);
      syncs += await driver.stop();
      busy.idle += pi.eluActiveMs ?? 0;
      busy.idleWindow += (pi.eluActiveMs ?? 0) + (pi.eluIdleMs ?? 0);
      busy.gcIdle += pi.gcMs;
      busy.syncing += ps.eluActiveMs ?? 0;
      busy.syncingWindow += (ps.eluActiveMs ?? 0) + (ps.eluIdleMs ?? 0);
      busy.gcSyncing += ps.gcMs;
    }
    const perSecond = (ms: number, window: number) => (window > 0 ? (ms / window) * 1000 : 0);
    const idleRate = busy.idleWindow > 0 ? busy.idle / busy.idleWindow : 0;
    await client.delete({ ...ref, name: opts.name });
    return {
      idle: medianBy(idle, (x) => x.latencyMs.p99),
      syncing: medianBy(syncing, (x) => x.latencyMs.p99),
      syncs,
      stallMs: { idle: median(stalls.idle), syncing: median(stalls.syncing) },
      busy: {
        ...busy,
        msPerSecond: {
          idle: perSecond(busy.idle, busy.idleWindow),
          syncing: perSecond(busy.syncing, busy.syncingWindow),
        },
        // The syncing windows' busy time beyond what the same load keeps the loop busy idle.
        msPerSync: syncs > 0 ? (busy.syncing - idleRate * busy.syncingWindow) / syncs : 0,
      },
    };
  } finally {
    await ctl.proc.stop();
  }
}

export const isolation: Benchmark = {
  name: 'isolation',
  subject: 'admission p99 of one operator process while the largest admitted sync runs',
  baseline: 'the same process, the same load, no sync running (same run)',
  async run(ctx) {
    const why = controllerUnavailable();
    if (why) throw new NotAvailable(why);
    const certDir = join(ctx.workDir, 'certs');
    mkdirSync(certDir, { recursive: true });
    await makeCertDir(certDir);
    const caFile = join(certDir, 'ca.crt');
    const tail = catalogTail(ctx.settings.quick ? SERVERS / 4 : SERVERS);
    let version = 0;
    const tls = { cert: readFileSync(join(certDir, 'tls.crt')), key: readFileSync(join(certDir, 'tls.key')) };
    const source = createServer(tls, (_req, res) => {
      res.end(Buffer.concat([Buffer.from(`{"version":"${version++}",`), tail]));
    });
    await new Promise<void>((r) => source.listen(0, '127.0.0.1', r));
    const addr = source.address();
    const url = `https://127.0.0.1:${typeof addr === 'object' && addr ? addr.port : 0}/r.json`;
    const cluster = await startBenchCluster(join(ctx.workDir, 'cp'), (m) => ctx.log(m));
    try {
      const { client } = cluster;
      await installCrd(client, { kind: 'none' });
      await createNamespace(client, NS);
      const policyFile = join(ctx.workDir, 'policy.yaml');
      writeFileSync(policyFile, 'allowedCIDRs: [127.0.0.0/8, "::1/128"]\n');
      const common = { certDir, caFile, policyFile, kubeconfig: cluster.cp.kubeconfigPath, url };
      ctx.log('sync workers (default)');
      const ours = await measure(ctx, client, { ...common, name: 'worst' });
      ctx.log('the controller on the admission event loop (--controller-thread=false)');
      const inline = await measure(ctx, client, {
        ...common,
        name: 'worst-inline',
        controllerOnMainThread: true,
      });
      const sc = `${tail.length > 20e6 ? SERVERS : SERVERS / 4} servers, ${GLOBS.length} globs, open loop ${ctx.settings.quick ? 100 : 200} req/s /validate`;
      const lost = (r: LoadResult) => r.failed;
      const metrics: Metric[] = [
        metric(
          sc,
          'admission p99 while the largest admitted sync runs',
          'ms',
          ours.syncing.latencyMs.p99,
          ours.idle.latencyMs.p99,
          'lower',
          'baseline: same process idle',
        ),
        metric(
          sc,
          'admission p50 while the largest admitted sync runs',
          'ms',
          ours.syncing.latencyMs.p50,
          ours.idle.latencyMs.p50,
          'lower',
        ),
        metric(
          sc,
          'failed admission requests while syncing',
          '',
          lost(ours.syncing),
          lost(ours.idle),
          'lower',
          'baseline: idle',
        ),
        metric(
          sc,
          'syncs finished while measuring',
          '',
          ours.syncs,
          ctx.settings.reps,
          'higher',
          'baseline: one per repetition',
        ),
        metric(
          sc,
          'INFO --controller-thread=false: admission p99 while syncing',
          'ms',
          inline.syncing.latencyMs.p99,
          inline.idle.latencyMs.p99,
          'lower',
          'the controller on the admission event loop, as before its thread',
        ),
        metric(
          sc,
          'longest event-loop stall while syncing',
          'ms',
          ours.stallMs.syncing,
          ours.stallMs.idle,
          'lower',
          'baseline: idle',
        ),
        metric(
          sc,
          'event-loop busy time per second while syncing',
          'ms',
          ours.busy.msPerSecond.syncing,
          ours.busy.msPerSecond.idle,
          'lower',
          'baseline: idle (performance.eventLoopUtilization)',
        ),
        metric(
          sc,
          'INFO event-loop busy time per sync beyond idle, controller thread vs --controller-thread=false',
          'ms',
          ours.busy.msPerSync,
          inline.busy.msPerSync,
          'lower',
          'what a sync leaves on the admission event loop, vs the controller on it',
        ),
        metric(
          sc,
          'INFO --controller-thread=false: longest event-loop stall while syncing',
          'ms',
          inline.stallMs.syncing,
          inline.stallMs.idle,
          'lower',
          'baseline: idle',
        ),
      ];
      return { metrics, details: { ours, inline } };
    } finally {
      source.closeAllConnections();
      source.close();
      await cluster.stop();
    }
  },
};
