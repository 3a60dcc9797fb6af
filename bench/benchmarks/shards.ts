/**
 * B-shards (SPEC §16 "Many registries"): two operator replicas with --shards=4 over N small
 * registries (ConfigMap source, API disabled) spread over 16 namespaces.
 * 1. Idle RSS per replica with every registry Ready, vs the same replicas before any registry existed
 *    (the details give the KiB per idle registry above the empty operator).
 * 2. One replica SIGKILLed (its Leases are not released): a manual sync of every registry of its
 *    shards, asked right after the kill, applied by the survivor; baseline: the same manual sync of the
 *    survivor's own registries, asked before the kill. The difference is the takeover (one lease
 *    duration, 15 s, plus a retry period).
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
import { metric, NotAvailable } from '../lib/report.ts';

const SHARDS = 4;
const NAMESPACES = Array.from({ length: 16 }, (_, i) => `bench-shard-${i}`);
const LEASE_NS = 'bench-leases';
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

/** Asks a manual sync of every registry in `namespaces` and returns ms until all have applied it. */
async function manualSync(client: KubeClient, namespaces: string[], value: string): Promise<number> {
  const t0 = performance.now();
  const regs = (await all(client)).filter((r) => namespaces.includes(r.metadata.namespace));
  for (const r of regs)
    await client.patch({ ...ref(r.metadata.namespace), name: r.metadata.name }, 'merge', {
      metadata: { annotations: { 'toolhive.stacklok.io/sync-trigger': value } },
    });
  await waitUntil(
    `${regs.length} registries synced (${value})`,
    async () =>
      (await all(client))
        .filter((r) => namespaces.includes(r.metadata.namespace))
        .every((r) => r.status?.sync?.lastManualSyncTrigger === value),
    300_000,
  );
  return performance.now() - t0;
}

export const shards: Benchmark = {
  name: 'shards',
  subject: `two operator replicas with --shards=${SHARDS}`,
  baseline: 'the same replicas before any registry (RSS); a manual sync without a takeover (kill)',
  async run(ctx) {
    const why = controllerUnavailable();
    if (why) throw new NotAvailable(why);
    const n = ctx.settings.quick ? 200 : 2000;
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
      await waitUntil(
        `${n} registries Ready`,
        async () => (await all(client)).every((r) => r.status?.phase === 'Ready'),
        600_000,
      );
      ctx.log(`${n} Ready after ${Math.round(performance.now() - t0)} ms`);
      // Let the queues drain and the heaps settle before reading idle memory.
      await new Promise((r) => setTimeout(r, 5000));
      const fullRss = rss();
      const perRegistryKiB = fullRss.map((f, i) => (f - emptyRss[i]!) / 1024 / n);
      const h = await holders(client);
      const nsOf = (host: string) => NAMESPACES.filter((ns) => h[shardOf(ns, SHARDS)] === host);
      const survivorMs = await manualSync(client, nsOf('replica-a'), 'before-kill');
      const victimNs = nsOf('replica-b');
      await procs[1]!.proc.stop('SIGKILL');
      const takeoverMs = await manualSync(client, victimNs, 'after-kill');
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
            `baseline: the same replicas with no registry; ${avg(perRegistryKiB).toFixed(1)} KiB per idle registry`,
          ),
          metric(
            sc,
            'replica killed: its registries synced again',
            's',
            takeoverMs / 1000,
            survivorMs / 1000,
            'lower',
            'baseline: the same manual sync on the live replica; target ≤ lease duration (15 s) + 10 s',
          ),
        ],
        details: {
          n,
          shards: SHARDS,
          emptyRss,
          fullRss,
          perRegistryKiB,
          survivorMs,
          takeoverMs,
          victimNamespaces: victimNs.length,
        },
      };
    } finally {
      for (const p of procs) await p.proc.stop('SIGKILL').catch(() => undefined);
      await cluster.stop();
    }
  },
};
