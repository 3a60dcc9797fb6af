/** The reconciler's gather → decide → act with fake I/O: outcomes, and exceptions that become status. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { SourceError } from '../../../src/sources/types.ts';
import { registry, toolhiveDoc } from './fixtures.ts';
import { reconcilerFor, world } from './fake-io.ts';

const KEY = 'team/demo';
const doc = (n: number) => async () => [{ name: 'main', text: toolhiveDoc(n), format: 'toolhive' as const }];
const cond = (s: { conditions?: { type: string; reason: string }[] } | undefined, type: string) =>
  s?.conditions?.find((c) => c.type === type);

test('first sync: finalizer, storage written, Ready in one status write, Synced event, requeue at the interval', async () => {
  const w = world(registry({ syncPolicy: { interval: '1h' } }), doc(3));
  const res = await reconcilerFor(w).reconcile(KEY);
  assert.deepEqual(w.reg?.metadata.finalizers, ['toolhive.stacklok.io/registry-cleanup']);
  // A sync that ends before SYNCING_AFTER_MS writes no Syncing status: one write per sync.
  assert.deepEqual(
    w.statusWrites.map((s) => s.phase),
    ['Ready'],
  );
  assert.equal(w.reg?.status?.phase, 'Ready');
  assert.equal(w.reg?.status?.sync?.serverCount, 3);
  assert.ok(w.storage.has('demo'));
  assert.deepEqual(w.events, [
    { type: 'Normal', reason: 'Synced', message: 'synced 3 servers from source main' },
  ]);
  assert.deepEqual(res, { requeueAfterMs: 3_600_000 });
});

test('a first sync still running after syncingAfterMs shows Syncing (kstatus InProgress), then Ready over it', async () => {
  const w = world(registry(), doc(3));
  const fetchDoc = doc(3);
  // The source answers only once the Syncing status is there: a slow source, without a clock.
  w.fetch = async () => {
    while (!w.statusWrites.length) await new Promise((r) => setTimeout(r, 5));
    return fetchDoc();
  };
  await reconcilerFor(w, undefined, { syncingAfterMs: 1 }).reconcile(KEY);
  assert.deepEqual(
    w.statusWrites.map((s) => s.phase),
    ['Syncing', 'Ready'],
  );
  const syncing = w.statusWrites[0];
  assert.equal(syncing?.observedGeneration, 1);
  assert.deepEqual(
    syncing?.conditions?.map((c) => `${c.type}=${c.status}/${c.reason}`),
    ['Ready=False/Syncing', 'Reconciling=True/Syncing'],
  );
  assert.ok(!cond(w.reg?.status, 'Reconciling'), 'Ready removes Reconciling');
  assert.equal(w.events.length, 1);
});

test('syncingAfterMs 0 writes Syncing before fetching, as every first sync did before', async () => {
  const w = world(registry(), doc(2));
  await reconcilerFor(w, undefined, { syncingAfterMs: 0 }).reconcile(KEY);
  assert.deepEqual(
    w.statusWrites.map((s) => s.phase),
    ['Syncing', 'Ready'],
  );
});

test('a Syncing write that fails (the lease lost) fails the reconcile; the outcome is not written over it', async () => {
  const w = world(registry(), doc(2));
  const lost = Object.assign(new Error('not the leader'), { name: 'NotLeaderError' });
  w.failStatusWrite = lost;
  await assert.rejects(reconcilerFor(w, undefined, { syncingAfterMs: 0 }).reconcile(KEY), lost);
  assert.deepEqual(w.statusWrites, []);
});

test('a second reconcile with nothing changed does not sync and waits for the interval', async () => {
  let now = Date.parse('2026-01-01T00:00:00Z');
  const w = world(registry({ syncPolicy: { interval: '1h' } }), doc(3));
  const r = reconcilerFor(w, () => now);
  await r.reconcile(KEY);
  const writes = w.statusWrites.length;
  now += 60_000;
  assert.deepEqual(await r.reconcile(KEY), { requeueAfterMs: 3_540_000 });
  assert.equal(w.statusWrites.length, writes);
});

test('a source failure: Failed with the source reason, Warning event, storage untouched, backoff', async () => {
  const w = world(registry(), async () => {
    throw new SourceError('NotFound', 'ConfigMap team/cat not found');
  });
  const res = await reconcilerFor(w).reconcile(KEY);
  assert.equal(w.reg?.status?.phase, 'Failed');
  assert.equal(cond(w.reg?.status, 'SourceAvailable')?.reason, 'NotFound');
  assert.equal(w.storage.size, 0);
  assert.deepEqual(w.events, [
    { type: 'Warning', reason: 'SyncFailed', message: 'ConfigMap team/cat not found' },
  ]);
  assert.deepEqual(res, { requeueAfterMs: 1000 });
});

test('a storage write failure is StorageWriteFailed, not an exception', async () => {
  const w = world(registry(), doc(2));
  w.failStorageWrite = new Error('etcdserver: request is too large');
  await reconcilerFor(w).reconcile(KEY);
  assert.equal(w.reg?.status?.phase, 'Failed');
  assert.equal(cond(w.reg?.status, 'SyncSuccessful')?.reason, 'StorageWriteFailed');
  assert.equal(
    w.reg?.status?.message,
    'cannot write storage: etcdserver: request is too large; no data stored yet',
  );
});

const unexpected: [string, () => Promise<never>, string][] = [
  [
    'a TypeError from a source',
    async () => Promise.reject(new TypeError("Cannot read properties of null (reading 'name')")),
    "reconcile failed: TypeError: Cannot read properties of null (reading 'name')",
  ],
  [
    'a stack overflow',
    async () => Promise.reject(new RangeError('Maximum call stack size exceeded')),
    'reconcile failed: RangeError: Maximum call stack size exceeded',
  ],
  [
    'an invalid header value',
    async () =>
      Promise.reject(
        Object.assign(new TypeError('Invalid character in header content ["x-token"]'), {
          code: 'ERR_INVALID_CHAR',
        }),
      ),
    'reconcile failed: TypeError: Invalid character in header content ["x-token"]',
  ],
];
for (const [name, fetch, message] of unexpected)
  test(`an unexpected exception (${name}) becomes Failed/ReconcileError with an event, never a silent loop`, async () => {
    const w = world(registry(), fetch);
    const res = await reconcilerFor(w).reconcile(KEY);
    assert.equal(w.reg?.status?.phase, 'Failed');
    assert.equal(cond(w.reg?.status, 'SyncSuccessful')?.reason, 'ReconcileError');
    assert.equal(cond(w.reg?.status, 'Ready')?.reason, 'SyncFailed');
    assert.equal(w.reg?.status?.message, `${message}; no data stored yet`);
    assert.deepEqual(w.events, [{ type: 'Warning', reason: 'SyncFailed', message }]);
    assert.deepEqual(res, { requeueAfterMs: 1000 });
  });

test('an interval no parser accepts (a spec that bypassed admission) is a Failed status, not a throw', async () => {
  const w = world(registry({ syncPolicy: { interval: '1 hour' } }), doc(1));
  await reconcilerFor(w).reconcile(KEY);
  assert.equal(w.reg?.status?.phase, 'Failed');
  assert.equal(
    w.reg?.status?.message,
    'reconcile failed: time: unknown unit " hour" in duration "1 hour"; no data stored yet',
  );
});

test('when even the Failed status cannot be written, the original error goes to the queue', async () => {
  const w = world(registry(), async () => Promise.reject(new TypeError('boom')));
  w.reg!.metadata.finalizers = ['toolhive.stacklok.io/registry-cleanup'];
  w.reg!.status = { phase: 'Ready', observedGeneration: 0 };
  w.failStatusWrite = new Error('apiserver unavailable');
  await assert.rejects(reconcilerFor(w).reconcile(KEY), /^TypeError: boom$/);
});

test('deletion: storage deleted and finalizer removed; a missing object is nothing to do', async () => {
  const w = world(registry(), doc(1));
  const r = reconcilerFor(w);
  await r.reconcile(KEY);
  assert.ok(w.storage.has('demo'));
  w.reg!.metadata.deletionTimestamp = '2026-01-01T00:00:00Z';
  assert.deepEqual(await r.reconcile(KEY), {});
  assert.equal(w.storage.size, 0);
  assert.deepEqual(w.reg?.metadata.finalizers, []);
  w.reg = undefined;
  assert.deepEqual(await r.reconcile(KEY), {});
});
