/**
 * One slow source holds at most one worker (issue #12.4, SPEC §8 "Bounded work"): four URL registries
 * on one drip-feed server (1 byte/s, a real HTTPS server on loopback, timeout 10m) while another
 * tenant's registry keeps syncing at its interval. With four workers, each drip once held a worker for
 * up to its timeout and nothing else reconciled. Asserted: the other registry syncs again and again,
 * and the drip server never sees more than one connection at a time (the per-host cap). No durations.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { useIsolatedCluster } from './isolated.ts';
import { client, createNamespace, eventually } from '../../support/cluster.ts';
import { startController, type ControllerProcess } from '../../support/controller.ts';
import { REGISTRIES } from '../../../src/kube/mcpregistries.ts';
import { getReg, registry } from './helpers.ts';
import { startHostileSources, urlSource, type HostileSources } from './hostile-sources.ts';

let stopCluster: (() => Promise<void>) | undefined;
let ctrl: ControllerProcess | undefined;
let sources: HostileSources;
let slow: string;
let other: string;

before(async () => {
  const cluster = await useIsolatedCluster();
  stopCluster = cluster.stop;
  sources = await startHostileSources(['127.0.0.1', '127.0.0.2']);
  slow = await createNamespace('fair-slow');
  other = await createNamespace('fair-other');
  await sources.caSecret(slow);
  await sources.caSecret(other);
  ctrl = startController({
    kubeconfig: cluster.kubeconfig,
    namespaces: [slow, other],
    env: { MCPR_WORKERS: '4' },
  });
});
after(async () => {
  await ctrl?.stop();
  sources?.close();
  await stopCluster?.();
});

test('four registries on a drip-feed host hold one worker; another registry keeps syncing at its interval', async () => {
  for (let i = 0; i < 4; i++)
    await client().create(
      { ...REGISTRIES, namespace: slow },
      registry(slow, `drip-${i}`, urlSource(`${sources.base('127.0.0.1')}/drip`)),
    );
  const drip = sources.drips.get('127.0.0.1')!;
  await eventually('a drip fetch in flight', () => drip.open >= 1 || undefined, 60_000);

  await client().create(
    { ...REGISTRIES, namespace: other },
    registry(other, 'steady', {
      ...urlSource(`${sources.base('127.0.0.2')}/fast`),
      syncPolicy: { interval: '2s' },
    }),
  );
  // Each fetch of /fast returns new bytes, so each interval sync stores and records a new hash.
  const hashes = new Set<string>();
  await eventually(
    'three syncs of the steady registry while the drip fetch hangs',
    async () => {
      const r = await getReg(other, 'steady');
      if (r.status?.phase === 'Ready' && r.status.sync?.hash) hashes.add(r.status.sync.hash);
      return hashes.size >= 3 || undefined;
    },
    120_000,
  );
  assert.ok(drip.open >= 1, 'the drip fetch was still in flight');
  assert.equal(drip.max, 1, 'at most one fetch at a time from the drip host');
  // The three waiting drip registries were requeued, not parked on a worker.
  assert.match(ctrl?.log() ?? '', /a source host or the namespace is busy; requeued/);
});
