/**
 * Three controller processes with --shards=3 on the real apiserver: the shard Leases settle one per
 * replica, every registry is reconciled only by the replica holding its namespace's shard, a
 * SIGSTOPped replica's shard is taken over (its registry syncs again on another replica), and the
 * resumed replica writes nothing for the shard it lost, then rejoins and gets a fair share back.
 * "At a time" is checked in each process's own log order: every reconcile line of a namespace lies
 * between that replica's 'shard acquired' and 'shard lost' for the namespace's shard. A replica of
 * another layout (beside the single leader, or with another shard count) takes no shard until the old
 * layout's Leases are gone.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { client, eventually, kubeconfigPath } from '../../support/cluster.ts';
import { startController, type ControllerProcess } from '../../support/controller.ts';
import { REGISTRIES } from '../../../src/kube/mcpregistries.ts';
import { shardOf } from '../../../src/controller/leadership/shard-of.ts';
import { FIXTURE, putConfigMap, registry, waitPhase } from './helpers.ts';

const SHARDS = 3;
const NAMESPACES = { group: '', version: 'v1', plural: 'namespaces' };
const LEASES = { group: 'coordination.k8s.io', version: 'v1', plural: 'leases' };
let leaseNs: string;
/** One registry namespace per shard, so every shard has work. */
const byShard: string[] = [];
const procs = new Map<string, ControllerProcess>();

before(async () => {
  leaseNs = `ctrl-shards-${randomBytes(4).toString('hex')}`;
  await client().create(NAMESPACES, { metadata: { name: leaseNs } });
  while (byShard.filter(Boolean).length < SHARDS) {
    const ns = `ctrl-shard-${randomBytes(4).toString('hex')}`;
    byShard[shardOf(ns, SHARDS)] ??= ns;
  }
  for (const ns of byShard) {
    await client().create(NAMESPACES, { metadata: { name: ns } });
    await putConfigMap(ns, 'catalog', { 'registry.json': FIXTURE });
    await client().create(
      { ...REGISTRIES, namespace: ns },
      registry(ns, 'r', {
        sources: [{ name: 'main', type: 'configmap', configMapRef: { name: 'catalog' } }],
      }),
    );
  }
  for (const host of ['ctrl-a', 'ctrl-b', 'ctrl-c'])
    procs.set(
      host,
      startController({
        kubeconfig: kubeconfigPath(),
        namespaces: byShard,
        leaderElect: true,
        leaseNamespace: leaseNs,
        leaseName: 'mcpr-test-leader',
        extraArgs: [`--shards=${SHARDS}`],
        env: { HOSTNAME: host },
      }),
    );
});
after(async () => {
  for (const p of procs.values()) await p.stop();
});

interface Line {
  msg: string;
  shard?: number;
  namespace?: string;
}
/** A reconcile's lines: 'syncing' before the source is read, 'synced'/'unchanged' after the status write. */
const RECONCILED = new Set(['syncing', 'synced', 'unchanged']);
const lines = (p: ControllerProcess): Line[] =>
  p
    .log()
    .split('\n')
    .filter((l) => l.startsWith('{'))
    .map((l) => JSON.parse(l) as Line);

/** The host holding each shard Lease now ('' for none), from the Leases themselves. */
async function holders(): Promise<string[]> {
  const { items } = await client().list<{ metadata: { name: string }; spec?: { holderIdentity?: string } }>({
    ...LEASES,
    namespace: leaseNs,
  });
  return Array.from({ length: SHARDS }, (_, i) => {
    const id = items.find((l) => l.metadata.name === `mcpr-test-shard-${i}`)?.spec?.holderIdentity ?? '';
    return id.split('_')[0] ?? '';
  });
}

const settled = (hosts: string[]) => async () => {
  const h = await holders();
  return h.every((x) => hosts.includes(x)) && hosts.every((x) => h.includes(x)) ? h : undefined;
};

/** Every reconcile line lies inside an acquired..lost interval of its namespace's shard, per process. */
function assertFenced(host: string, p: ControllerProcess): void {
  const held = new Set<number>();
  for (const l of lines(p)) {
    if (l.msg === 'shard acquired' && l.shard !== undefined) held.add(l.shard);
    else if (l.msg === 'shard lost' && l.shard !== undefined) held.delete(l.shard);
    else if (RECONCILED.has(l.msg) && l.namespace)
      assert.ok(
        held.has(shardOf(l.namespace, SHARDS)),
        `${host} logged "${l.msg}" for ${l.namespace} (shard ${shardOf(l.namespace, SHARDS)}) holding [${[...held].join(',')}]`,
      );
  }
}

async function trigger(value: string): Promise<void> {
  for (const ns of byShard)
    await client().patch({ ...REGISTRIES, namespace: ns, name: 'r' }, 'merge', {
      metadata: { annotations: { 'toolhive.stacklok.io/sync-trigger': value } },
    });
  for (const ns of byShard)
    await waitPhase(ns, 'r', 'Ready', (r) => r.status?.sync?.lastManualSyncTrigger === value);
}

test('three replicas split three shards; a stopped one is taken over and, resumed, writes nothing for it', async () => {
  const all = ['ctrl-a', 'ctrl-b', 'ctrl-c'];
  // Fair share with three live replicas is one shard each, whoever started first.
  await eventually('one shard per replica', settled(all), 90_000);
  await trigger('settled');
  for (const [host, p] of procs) assertFenced(host, p);

  // Stop the replica holding shard 1: its registry must sync again elsewhere.
  const before = await holders();
  const victim = before[1]!;
  const proc = procs.get(victim)!;
  const live = all.filter((h) => h !== victim);
  proc.child.kill('SIGSTOP');
  const after = await eventually('the stopped replica has no shard left', settled(live), 90_000);
  assert.notEqual(after[1], victim);
  await trigger('after-stop');
  const takenBy = procs.get(after[1]!)!;
  assert.ok(
    lines(takenBy).some((l) => (l.msg === 'synced' || l.msg === 'unchanged') && l.namespace === byShard[1]),
    `${after[1]} reconciled ${byShard[1]} after taking shard 1`,
  );

  // A change is waiting for the stopped replica's informers when it resumes: it must not write it.
  const seenBefore = lines(proc).length;
  await client().patch({ ...REGISTRIES, namespace: byShard[1]!, name: 'r' }, 'merge', {
    metadata: { annotations: { 'toolhive.stacklok.io/sync-trigger': 'while-stopped' } },
  });
  await waitPhase(
    byShard[1]!,
    'r',
    'Ready',
    (r) => r.status?.sync?.lastManualSyncTrigger === 'while-stopped',
  );
  proc.child.kill('SIGCONT');
  // It finds its Lease gone, says so, and rejoins: three replicas, one shard each again.
  await eventually('the resumed replica logs the loss', () =>
    lines(proc)
      .slice(seenBefore)
      .some((l) => l.msg === 'shard lost' && l.shard === 1)
      ? true
      : undefined,
  );
  await eventually('one shard per replica again', settled(all), 90_000);
  const resumed = lines(proc).slice(seenBefore);
  const reacquired = resumed.findIndex((l) => l.msg === 'shard acquired');
  assert.deepEqual(
    resumed.slice(0, reacquired === -1 ? undefined : reacquired).filter((l) => RECONCILED.has(l.msg)),
    [],
    'nothing reconciled between resuming and acquiring a shard again',
  );
  await trigger('rejoined');
  for (const [host, p] of procs) assertFenced(host, p);
  for (const p of procs.values()) assert.equal(p.child.exitCode, null, 'no replica exits over a lost shard');
});

test('a replica of another layout takes no shard while the old one is live: 1 → 2 → 3 shards', async () => {
  const empty = `ctrl-shard-none-${randomBytes(4).toString('hex')}`;
  await client().create(NAMESPACES, { metadata: { name: empty } });
  const start = (host: string, shards: number) => {
    const p = startController({
      kubeconfig: kubeconfigPath(),
      namespaces: [empty],
      leaderElect: true,
      leaseNamespace: leaseNs,
      leaseName: 'mcpr-mixed-leader',
      extraArgs: [`--shards=${shards}`],
      env: { HOSTNAME: host },
    });
    procs.set(host, p);
    return p;
  };
  const held = async (name: string) => {
    const l = await client()
      .get<{ spec?: { holderIdentity?: string } }>({ ...LEASES, namespace: leaseNs, name })
      .catch(() => undefined);
    return (l?.spec?.holderIdentity ?? '').split('_')[0] ?? '';
  };
  const blocked = (p: ControllerProcess) => () =>
    lines(p).some((l) => l.msg === 'another shard layout holds Leases: taking no shard until they lapse')
      ? true
      : undefined;
  // A round's Lease writes are logged before the next round starts: a second renewal of the
  // replica's member slot means everything its first rounds took is in its log and its Leases.
  const nextRound = async (host: string) => {
    const renewed = async () => {
      const { items } = await client().list<{
        metadata: { name: string };
        spec?: { holderIdentity?: string; renewTime?: string };
      }>({ ...LEASES, namespace: leaseNs });
      return items.find(
        (l) =>
          l.metadata.name.startsWith('mcpr-mixed-member-') && l.spec?.holderIdentity?.startsWith(`${host}_`),
      )?.spec?.renewTime;
    };
    const first = await eventually(`${host} holds a member slot`, renewed);
    await eventually(`${host} renews it again`, async () => ((await renewed()) !== first ? true : undefined));
  };
  const holdsNone = async (host: string, count: number) => {
    assert.ok(!lines(procs.get(host)!).some((l) => l.msg === 'shard acquired'), `${host} took no shard`);
    for (let i = 0; i < count; i++) assert.notEqual(await held(`mcpr-mixed-shard-${i}`), host);
  };
  const old = start('ctrl-one', 1);
  await eventually('the single leader', async () =>
    (await held('mcpr-mixed-leader')) === 'ctrl-one' ? true : undefined,
  );
  const two = start('ctrl-two', 2);
  await eventually('the sharded replica sees the leader', blocked(two));
  await nextRound('ctrl-two');
  await holdsNone('ctrl-two', 2);
  await old.stop(); // releases its Lease
  await eventually('the two shards taken once the leader is gone', async () =>
    (await held('mcpr-mixed-shard-0')) === 'ctrl-two' && (await held('mcpr-mixed-shard-1')) === 'ctrl-two'
      ? true
      : undefined,
  );
  const three = start('ctrl-three', 3);
  await eventually('a replica with another count sees the live shards', blocked(three));
  await nextRound('ctrl-three');
  await holdsNone('ctrl-three', 3);
  await two.stop();
  await eventually('three shards taken by the new count', async () =>
    (await Promise.all([0, 1, 2].map((i) => held(`mcpr-mixed-shard-${i}`)))).every((h) => h === 'ctrl-three')
      ? true
      : undefined,
  );
});
