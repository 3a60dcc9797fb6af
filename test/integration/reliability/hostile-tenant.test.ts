/**
 * The hostile tenant (issue #12 "Done when"): in one namespace, at once, a ReDoS-shaped name filter
 * over long names, four drip-feed sources (1 byte/s, timeout 10m; three on one host, one on another)
 * and a source larger than the 64 MiB limit; in another namespace a registry that must keep syncing at
 * its interval. Real apiserver (its own, without admission, so loopback sources are allowed), the
 * operator's controller process with its default four workers.
 * Asserted (no durations): the other registry syncs again and again while the drips hang; the filter
 * registry is Ready with exactly the names the glob matches; the huge source fails with
 * ResponseTooLarge; no drip host ever sees two connections at once. Before the per-host and
 * per-namespace caps, the four drips held all four workers and nothing else reconciled.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { useIsolatedCluster } from '../controller/isolated.ts';
import { client, createNamespace, eventually } from '../../support/cluster.ts';
import { startController, type ControllerProcess } from '../../support/controller.ts';
import { REGISTRIES } from '../../../src/kube/mcpregistries.ts';
import { FIXTURE, getReg, putConfigMap, registry, waitPhase } from '../controller/helpers.ts';
import { startHostileSources, urlSource, type HostileSources } from '../controller/hostile-sources.ts';

const DRIP_A = '127.0.0.1';
const STEADY = '127.0.0.2';
const HUGE = '127.0.0.3';
const DRIP_B = '127.0.0.4';
const REDOS = '*a*a*a*a*a*a*a*a*a*b';

let stopCluster: (() => Promise<void>) | undefined;
let ctrl: ControllerProcess | undefined;
let sources: HostileSources;
let hostile: string;
let victim: string;

/** 200 servers with 60-character names of `a`s; every other one ends in `b` (the only ones matching). */
function longNameCatalog(): { text: string; matching: number } {
  const doc = JSON.parse(FIXTURE) as { servers: Record<string, unknown> };
  const template = Object.values(doc.servers)[0];
  const servers: Record<string, unknown> = {};
  let matching = 0;
  for (let i = 0; i < 200; i++) {
    const tail = i % 2 ? `-${i}-b` : `-${i}-c`;
    if (i % 2) matching++;
    servers[`${'a'.repeat(60 - tail.length)}${tail}`] = template;
  }
  return { text: JSON.stringify({ ...doc, servers, remote_servers: {} }), matching };
}

before(async () => {
  const cluster = await useIsolatedCluster();
  stopCluster = cluster.stop;
  sources = await startHostileSources([DRIP_A, STEADY, HUGE, DRIP_B]);
  hostile = await createNamespace('hostile');
  victim = await createNamespace('victim');
  await sources.caSecret(hostile);
  await sources.caSecret(victim);
  ctrl = startController({ kubeconfig: cluster.kubeconfig, namespaces: [hostile, victim] });
});
after(async () => {
  await ctrl?.stop();
  sources?.close();
  await stopCluster?.();
});

test('a ReDoS filter, drip-feed sources and a huge source in one namespace; another keeps syncing', async () => {
  const catalog = longNameCatalog();
  await putConfigMap(hostile, 'long-names', { 'registry.json': catalog.text });
  const create = (ns: string, name: string, spec: Parameters<typeof registry>[2]) =>
    client().create({ ...REGISTRIES, namespace: ns }, registry(ns, name, spec));
  await Promise.all([
    ...[0, 1, 2].map((i) => create(hostile, `drip-a${i}`, urlSource(`${sources.base(DRIP_A)}/drip`))),
    create(hostile, 'drip-b', urlSource(`${sources.base(DRIP_B)}/drip`)),
    create(hostile, 'huge', urlSource(`${sources.base(HUGE)}/huge`)),
    create(hostile, 'redos', {
      sources: [{ name: 'main', type: 'configmap', configMapRef: { name: 'long-names' } }],
      filter: { names: { include: [REDOS] } },
    }),
    create(victim, 'steady', {
      ...urlSource(`${sources.base(STEADY)}/fast`),
      syncPolicy: { interval: '2s' },
    }),
  ]);

  const hashes = new Set<string>();
  await eventually(
    'three syncs of the other tenant while the drips hang',
    async () => {
      const r = await getReg(victim, 'steady');
      if (r.status?.phase === 'Ready' && r.status.sync?.hash) hashes.add(r.status.sync.hash);
      return hashes.size >= 3 || undefined;
    },
    180_000,
  );
  const redos = await waitPhase(hostile, 'redos', 'Ready', () => true, 120_000);
  assert.equal(redos.status?.sync?.serverCount, catalog.matching);
  const huge = await waitPhase(hostile, 'huge', 'Failed', () => true, 120_000);
  assert.equal(
    huge.status?.conditions?.find((c) => c.type === 'SourceAvailable')?.reason,
    'ResponseTooLarge',
  );

  for (const host of [DRIP_A, DRIP_B]) {
    const d = sources.drips.get(host);
    assert.ok((d?.max ?? 0) <= 1, `${host} saw ${d?.max} drip connections at once`);
  }
  assert.ok(
    (sources.drips.get(DRIP_A)?.open ?? 0) + (sources.drips.get(DRIP_B)?.open ?? 0) >= 1,
    'a drip still hangs',
  );
  // And the other tenant is still syncing after all that.
  const before = hashes.size;
  await eventually(
    'one more sync of the other tenant',
    async () => {
      const r = await getReg(victim, 'steady');
      if (r.status?.sync?.hash) hashes.add(r.status.sync.hash);
      return hashes.size > before || undefined;
    },
    120_000,
  );
});
