/**
 * Two controller processes elect one leader through a real Lease; SIGSTOP of the leader hands over
 * to the other, and the old leader, resumed, writes nothing: it finds its lease lapsed, refuses
 * writes and exits. A competing writer's 409s lose nothing.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { useIsolatedCluster } from './isolated.ts';
import { client, createNamespace, eventually } from '../../support/cluster.ts';
import { startController, type ControllerProcess } from '../../support/controller.ts';
import { REGISTRIES } from '../../../src/kube/mcpregistries.ts';
import { FIXTURE, getReg, putConfigMap, registry, waitPhase } from './helpers.ts';

let ns: string;
let kubeconfig: string;
let stopCluster: () => Promise<void>;
const procs: ControllerProcess[] = [];

before(async () => {
  const c = await useIsolatedCluster();
  kubeconfig = c.kubeconfig;
  stopCluster = c.stop;
  ns = await createNamespace('ctrl-le');
  await putConfigMap(ns, 'catalog', { 'registry.json': FIXTURE });
});
after(async () => {
  for (const p of procs) await p.stop();
  await stopCluster();
});

interface Lease {
  spec?: { holderIdentity?: string; leaseTransitions?: number };
}
const lease = () =>
  client().get<Lease>({
    group: 'coordination.k8s.io',
    version: 'v1',
    plural: 'leases',
    namespace: ns,
    name: 'mcpr-test-leader',
  });

function logLines(p: ControllerProcess): { time: string; msg: string; component?: string }[] {
  return p
    .log()
    .split('\n')
    .filter((l) => l.startsWith('{'))
    .map((l) => JSON.parse(l) as { time: string; msg: string });
}

test('two controllers: one leader; SIGSTOP hands over; the resumed old leader writes nothing and exits', async () => {
  const start = (host: string) => {
    const p = startController({
      kubeconfig,
      namespaces: [ns],
      leaderElect: true,
      leaseNamespace: ns,
      leaseName: 'mcpr-test-leader',
      env: { HOSTNAME: host },
    });
    procs.push(p);
    return p;
  };
  const a = start('ctrl-a');
  const first = await eventually(
    'a leader',
    async () => (await lease().catch(() => undefined))?.spec?.holderIdentity || undefined,
  );
  const b = start('ctrl-b');
  const [leader, follower] = first.startsWith('ctrl-a') ? [a, b] : [b, a];
  await client().create(
    { ...REGISTRIES, namespace: ns },
    registry(ns, 'le', { sources: [{ name: 'main', type: 'configmap', configMapRef: { name: 'catalog' } }] }),
  );
  await waitPhase(ns, 'le', 'Ready');
  // The status is written before the Event and the log line: wait for the line, do not race it.
  await eventually('the leader to log its sync', () =>
    logLines(leader).some((l) => l.msg === 'synced') ? true : undefined,
  );
  assert.ok(
    !logLines(follower).some((l) => l.msg === 'synced' || l.msg === 'controller started'),
    'the follower did not start',
  );

  leader.child.kill('SIGSTOP');
  const stoppedAt = Date.now();
  const next = await eventually(
    'the follower takes the lease',
    async () => {
      const h = (await lease()).spec?.holderIdentity ?? '';
      return h && h !== first ? h : undefined;
    },
    40_000,
  );
  assert.ok(Date.now() - stoppedAt >= 10_000, 'the lease was taken before it could have expired');
  assert.ok(next.startsWith(first.startsWith('ctrl-a') ? 'ctrl-b' : 'ctrl-a'));
  await client().patch({ ...REGISTRIES, namespace: ns, name: 'le' }, 'merge', {
    metadata: { annotations: { 'toolhive.stacklok.io/sync-trigger': 'after-handover' } },
  });
  await waitPhase(ns, 'le', 'Ready', (r) => r.status?.sync?.lastManualSyncTrigger === 'after-handover');
  assert.ok(logLines(follower).some((l) => l.msg === 'became leader'));

  const resumedAt = new Date().toISOString();
  const exited = new Promise<number | null>((r) => leader.child.once('exit', (code) => r(code)));
  leader.child.kill('SIGCONT');
  assert.equal(await exited, 1, 'the old leader exits after losing the lease');
  const after = logLines(leader).filter((l) => l.time >= resumedAt);
  assert.ok(after.some((l) => l.msg === 'leader election lost'));
  assert.deepEqual(
    after.filter(
      (l) => l.msg === 'synced' || l.msg === 'cleaned up storage and API workload; finalizer removed',
    ),
    [],
  );
  const r = await getReg(ns, 'le');
  assert.equal(r.status?.phase, 'Ready');
});

test('a competing status writer causes 409s that lose nothing', async () => {
  // Another client keeps rewriting an unrelated annotation, racing the controller's status writes.
  const name = 'le';
  let stop = false;
  const racer = (async () => {
    for (let i = 0; !stop && i < 200; i++) {
      await client()
        .patch({ ...REGISTRIES, namespace: ns, name }, 'merge', {
          metadata: { annotations: { racer: String(i) } },
        })
        .catch(() => undefined);
    }
  })();
  for (let i = 0; i < 3; i++) {
    await client().patch({ ...REGISTRIES, namespace: ns, name }, 'merge', {
      metadata: { annotations: { 'toolhive.stacklok.io/sync-trigger': `race-${i}` } },
    });
    await waitPhase(ns, name, 'Ready', (r) => r.status?.sync?.lastManualSyncTrigger === `race-${i}`, 30_000);
  }
  stop = true;
  await racer;
  const r = await getReg(ns, name);
  assert.equal(r.status?.sync?.lastManualSyncTrigger, 'race-2');
  assert.ok((r.metadata.annotations?.racer ?? '') !== '');
});
