/**
 * B-shards (SPEC §16 "Many registries"): two operator replicas with --shards=4 over N small
 * registries (ConfigMap source, API disabled) spread over 16 namespaces: 10,000 in a full run (issue
 * #34's figure), 200 with --quick.
 * 1. Idle RSS per replica with every registry Ready, vs the same replicas before any registry existed
 *    and KiB per idle registry above the empty operator (gated ≤ 20 KiB): each replica's RSS growth
 *    divided by the registries of the shards it holds, the larger of the two. Memory, not a speed:
 *    both figures come from this run, so the gate means the same on any machine.
 * 2. One replica SIGKILLed (its Leases are not released): time until the survivor holds every shard
 *    Lease, and until it has reconciled every registry of the dead replica's shards once more (its
 *    controller_runtime_reconcile_total grew by their number). The baseline is the configured lease
 *    duration (15 s), not a measurement: the issue's target is "≤ lease duration + 10 s".
 * apiserver, etcd and both replicas share core 0; the objects are created by the benchmark process.
 */
import { join } from 'node:path';
import { GROUP, PLURAL } from '../../src/api/constants.ts';
import type { KubeClient } from '../../src/kube/client.ts';
import { shardOf } from '../../src/controller/leadership/shard-of.ts';
import type { Benchmark } from '../lib/bench.ts';
import { toolhiveCatalog } from '../lib/catalog.ts';
import { makeCertDir } from '../lib/certs.ts';
import { createNamespace, installCrd, startBenchCluster } from '../lib/cluster.ts';
import { controllerUnavailable, startController, type ControllerProc } from '../lib/controller-proc.ts';
import { SERVER_CORE, rssOf, waitUntil } from '../lib/procs.ts';
import { metricSum, scrapeHttp } from '../lib/scrape.ts';
import { pollUntil } from '../../src/local/poll.ts';
import { metric, NotAvailable } from '../lib/report.ts';

const SHARDS = 4;
const NAMESPACES = Array.from({ length: 16 }, (_, i) => `bench-shard-${i}`);
const LEASE_NS = 'bench-leases';
const LEASE_S = 15;
const ref = (namespace: string) => ({ group: GROUP, version: 'v1beta1', plural: PLURAL, namespace });
type Reg = {
  metadata: { name: string; namespace: string };
  status?: { phase?: string; sync?: { lastManualSyncTrigger?: string } };
};

async function createAll(client: KubeClient, n: number): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < n) {
      const i = next++;
      const namespace = NAMESPACES[i % NAMESPACES.length]!;
      await client.create(ref(namespace), {
        apiVersion: `${GROUP}/v1beta1`,
        kind: 'MCPRegistry',
        metadata: { name: `reg-${String(i).padStart(5, '0')}`, namespace },
        spec: { sources: [{ name: 'catalog', type: 'configmap', configMapRef: { name: 'catalog' } }] },
      });
    }
  };
  await Promise.all(Array.from({ length: 16 }, worker));
}

async function all(client: KubeClient): Promise<Reg[]> {
  return (await client.list<Reg>({ group: GROUP, version: 'v1beta1', plural: PLURAL })).items;
}

/** Shards held by each replica's identity prefix (HOSTNAME), from the Leases. */
async function holders(client: KubeClient): Promise<string[]> {
  const { items } = await client.list<{ metadata: { name: string }; spec?: { holderIdentity?: string } }>({
    group: 'coordination.k8s.io',
    version: 'v1',
    plural: 'leases',
    namespace: LEASE_NS,
  });
  return Array.from(
    { length: SHARDS },
    (_, i) =>
      (
        items.find((l) => l.metadata.name === `mcp-registry-operator-shard-${i}`)?.spec?.holderIdentity ?? ''
      ).split('_')[0]!,
  );
}

function count(quick: boolean): number {
  return quick ? 200 : 10_000;
}

const reconciles = async (p: ControllerProc) =>
  metricSum(
    await scrapeHttp(`http://127.0.0.1:${p.healthPort}/metrics`),
    'controller_runtime_reconcile_total',
  );

export const shards: Benchmark = {
  name: 'shards',
  subject: `two operator replicas with --shards=${SHARDS}`,
  baseline: 'the same replicas before any registry (RSS); the configured lease duration (takeover)',
  async run(ctx) {
    const why = controllerUnavailable();
    if (why) throw new NotAvailable(why);
    const n = count(ctx.settings.quick);
    const cluster = await startBenchCluster(join(ctx.workDir, 'cp'), (m) => ctx.log(m));
    const procs: ControllerProc[] = [];
    try {
      const { client } = cluster;
      await installCrd(client, { kind: 'none' });
      await createNamespace(client, LEASE_NS);
      for (const ns of NAMESPACES) {
        await createNamespace(client, ns);
        await client.create(
          { group: '', version: 'v1', plural: 'configmaps', namespace: ns },
          {
            metadata: { name: 'catalog', namespace: ns },
            data: { 'registry.json': JSON.stringify(toolhiveCatalog(5)) },
          },
        );
      }
      const certDir = join(ctx.workDir, 'certs');
      await makeCertDir(certDir);
      for (const host of ['replica-a', 'replica-b'])
        procs.push(
          await startController({
            kubeconfig: cluster.cp.kubeconfigPath,
            certDir,
            namespaces: NAMESPACES,
            core: SERVER_CORE,
            env: { HOSTNAME: host },
            args: ['--leader-elect=true', `--shards=${SHARDS}`, `--namespace=${LEASE_NS}`],
          }),
        );
      const split = async () => {
        const h = await holders(client);
        return (
          h.filter((x) => x === 'replica-a').length === SHARDS / 2 &&
          h.filter((x) => x === 'replica-b').length === SHARDS / 2
        );
      };
      await waitUntil('the shards split two and two', split, 120_000);
      const rss = () => procs.map((p) => rssOf(p.proc.child.pid ?? 0));
      const emptyRss = rss();
      const t0 = performance.now();
      await createAll(client, n);
      // Every second, not every 100 ms: a LIST of 10,000 registries is work for the apiserver, which
      // shares the replicas' core.
      await pollUntil(
        `${n} registries Ready`,
        async () => (await all(client)).every((r) => r.status?.phase === 'Ready'),
        1_800_000,
        1000,
      );
      ctx.log(`${n} Ready after ${Math.round(performance.now() - t0)} ms`);
      // Let the queues drain and the heaps settle before reading idle memory.
      await new Promise((r) => setTimeout(r, 5000));
      const fullRss = rss();
      const h = await holders(client);
      const nsOf = (host: string) => NAMESPACES.filter((ns) => h[shardOf(ns, SHARDS)] === host);
      const regs = await all(client);
      const ownedBy = (host: string) => regs.filter((r) => nsOf(host).includes(r.metadata.namespace)).length;
      // A replica's growth over the registries of its own shards: what each registry costs the
      // replica that reconciles it (it also caches the others' objects; that is in the figure too).
      const owned = ['replica-a', 'replica-b'].map(ownedBy);
      const perRegistryKiB = fullRss.map((f, i) => (f - emptyRss[i]!) / 1024 / Math.max(1, owned[i]!));
      const victimRegs = owned[1]!;
      const survivor = procs[0]!;
      const before = await reconciles(survivor);
      await procs[1]!.proc.stop('SIGKILL');
      const killedAt = performance.now();
      await waitUntil(
        'the survivor holds every shard',
        async () => (await holders(client)).every((x) => x === 'replica-a'),
        120_000,
      );
      const leaseMs = performance.now() - killedAt;
      await waitUntil(
        `the survivor reconciled ${victimRegs} more registries`,
        async () => (await reconciles(survivor)) - before >= victimRegs,
        600_000,
      );
      const reconciledMs = performance.now() - killedAt;
      const mib = (b: number) => b / 2 ** 20;
      const avg = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
      const sc = `${n} MCPRegistries on 2 replicas, ${SHARDS} shards`;
      return {
        metrics: [
          metric(
            sc,
            'replica RSS at idle',
            'MiB',
            mib(avg(fullRss)),
            mib(avg(emptyRss)),
            'lower',
            'baseline: the same replicas with no registry',
          ),
          metric(
            sc,
            'idle RSS per registry above the empty operator',
            'KiB',
            Math.max(...perRegistryKiB),
            NaN,
            'lower',
            `the larger of the two replicas (${perRegistryKiB.map((k) => k.toFixed(1)).join(' and ')} KiB): its RSS growth over the registries of its shards (${owned.join(' and ')})`,
          ),
          metric(
            sc,
            'replica killed: every shard held by the survivor',
            's',
            leaseMs / 1000,
            LEASE_S,
            'lower',
            'baseline: the configured lease duration, not measured',
          ),
          metric(
            sc,
            'replica killed: its registries reconciled again',
            's',
            reconciledMs / 1000,
            LEASE_S,
            'lower',
            `baseline: the configured lease duration; target ≤ ${LEASE_S} s + 10 s; ${victimRegs} registries`,
          ),
        ],
        details: {
          n,
          shards: SHARDS,
          emptyRss,
          fullRss,
          perRegistryKiB,
          ownedRegistries: owned,
          leaseMs,
          reconciledMs,
          victimRegistries: victimRegs,
        },
      };
    } finally {
      for (const p of procs) await p.proc.stop('SIGKILL').catch(() => undefined);
      await cluster.stop();
    }
  },
};
