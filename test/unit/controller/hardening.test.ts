/**
 * The reconciler's hardening paths with fake I/O (#12.2, .4, .6, .10, #21.1): a taken name, an
 * unusable name, hand-edited storage, a fixed source during the backoff, and a busy source host.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Registry } from 'prom-client';
import { SourceError } from '../../../src/sources/types.ts';
import { NameConflictError } from '../../../src/storage/ownership.ts';
import { HostSlots } from '../../../src/controller/sync/host-slots.ts';
import { Reconciler, SLOT_RETRY_MS } from '../../../src/controller/sync/reconciler.ts';
import { createControllerMetrics } from '../../../src/controller/metrics.ts';
import { createLogger } from '../../../src/observability/logger.ts';
import { registry, toolhiveDoc } from './fixtures.ts';
import { fakeIO, reconcilerFor, world } from './fake-io.ts';

const KEY = 'team/demo';
const doc = (n: number) => async () => [{ name: 'main', text: toolhiveDoc(n), format: 'toolhive' as const }];
const cond = (s: { conditions?: { type: string; reason: string }[] } | undefined, type: string) =>
  s?.conditions?.find((c) => c.type === type);
const conflict = new NameConflictError('ConfigMap', 'team', 'demo-registry-storage', 'demo');

test('a storage name taken by a user object: Failed/NameConflict naming it, with a Warning event', async () => {
  const w = world(registry(), doc(2));
  w.failStorageWrite = conflict;
  await reconcilerFor(w).reconcile(KEY);
  assert.equal(w.reg?.status?.phase, 'Failed');
  assert.equal(cond(w.reg?.status, 'SyncSuccessful')?.reason, 'NameConflict');
  assert.equal(cond(w.reg?.status, 'Stalled')?.reason, 'NameConflict');
  assert.equal(w.reg?.status?.message, `${conflict.message}; no data stored yet`);
  assert.deepEqual(w.events, [{ type: 'Warning', reason: 'SyncFailed', message: conflict.message }]);
});

test('an API workload name taken: Failed/NameConflict, APIReady False with the same reason', async () => {
  const w = world(registry(), doc(2));
  const apiConflict = new NameConflictError('Role', 'team', 'demo-api', 'demo');
  const io = fakeIO(w);
  io.apiWorkload = {
    reconcile: async () => Promise.reject(apiConflict),
    observe: () => undefined,
    cleanup: async () => {},
  };
  const r = new Reconciler({
    io,
    log: createLogger('silent'),
    metrics: createControllerMetrics(new Registry()),
    now: () => Date.parse('2026-01-01T00:00:00Z'),
    backoffBaseMs: 1000,
    backoffMaxMs: 8000,
  });
  await r.reconcile(KEY);
  assert.equal(w.reg?.status?.phase, 'Failed');
  assert.equal(cond(w.reg?.status, 'SyncSuccessful')?.reason, 'NameConflict');
  assert.equal(cond(w.reg?.status, 'APIReady')?.reason, 'NameConflict');
  assert.match(w.reg?.status?.message ?? '', /^Role team\/demo-api already exists and is not controlled/);
});

for (const name of ['a.b', '1abc', `x${'y'.repeat(63)}`])
  test(`an unusable name (${name.length > 10 ? `${name.length} characters` : name}): Failed/InvalidName once, nothing created, no finalizer`, async () => {
    const reg = registry();
    reg.metadata.name = name;
    const w = world(reg, doc(1));
    const r = reconcilerFor(w);
    assert.equal(
      (await r.reconcile(`team/${name}`)).requeueAfterMs,
      undefined,
      'a name never changes: no retry',
    );
    assert.equal(w.reg?.status?.phase, 'Failed');
    assert.equal(cond(w.reg?.status, 'SyncSuccessful')?.reason, 'InvalidName');
    assert.match(
      w.reg?.status?.message ?? '',
      new RegExp(`^the registry name "${name.replace('.', '\\.')}" cannot be used \\(metadata\\.name: `),
    );
    assert.equal(w.reg?.metadata.finalizers, undefined);
    assert.equal(w.storage.size, 0);
    // Said once: a second reconcile writes nothing and records no second event.
    const writes = w.statusWrites.length;
    await r.reconcile(`team/${name}`);
    assert.equal(w.statusWrites.length, writes);
    assert.equal(w.events.length, 1);
  });

test('hand-edited storage is rewritten although the source is unchanged, with a StorageRepaired event', async () => {
  const w = world(registry(), doc(3));
  const r = reconcilerFor(w);
  await r.reconcile(KEY);
  w.storage.set('demo', 'edited');
  w.drift = new Map([['demo', 'storage ConfigMap demo-registry-storage was changed outside the controller']]);
  await r.reconcile(KEY);
  assert.notEqual(w.storage.get('demo'), 'edited');
  assert.deepEqual(w.events.at(-1), {
    type: 'Warning',
    reason: 'StorageRepaired',
    message:
      'storage ConfigMap demo-registry-storage was changed outside the controller; rewrote it: synced 3 servers from source main',
  });
});

test('a failed registry whose missing ConfigMap appears syncs at once, not after the backoff', async () => {
  let missing = true;
  const w = world(registry(), async () => {
    if (missing) throw new SourceError('ConfigMapNotFound', 'ConfigMap team/cat not found');
    return doc(2)();
  });
  w.configMaps = new Map([['cat', 'absent']]);
  const r = reconcilerFor(w);
  assert.deepEqual(await r.reconcile(KEY), { requeueAfterMs: 1000 });
  assert.deepEqual(await r.reconcile(KEY), { requeueAfterMs: 1000 }, 'in backoff: no sync');
  assert.equal(w.reg?.status?.sync?.attempts, 1);
  missing = false;
  w.configMaps.set('cat', '42');
  await r.reconcile(KEY);
  assert.equal(w.reg?.status?.phase, 'Ready');
});

test('a failed registry whose referenced Secret is created syncs at once; while failing it polls the Secret', async () => {
  const spec = {
    sources: [
      {
        name: 'main',
        type: 'url' as const,
        url: { href: 'https://h.example/r.json', headersSecretRef: { name: 'tok' } },
      },
    ],
  };
  let missing = true;
  const w = world(registry(spec), async () => {
    if (missing) throw new SourceError('SecretNotFound', 'Secret team/tok not found');
    return doc(1)();
  });
  w.secrets = new Map();
  const r = new Reconciler({
    io: fakeIO(w),
    log: createLogger('silent'),
    metrics: createControllerMetrics(new Registry()),
    now: () => Date.parse('2026-01-01T00:00:00Z'),
    backoffBaseMs: 60_000,
    backoffMaxMs: 600_000,
  });
  await r.reconcile(KEY);
  assert.deepEqual(await r.reconcile(KEY), { requeueAfterMs: 5000 }, 'looks at the Secret every 5 s');
  missing = false;
  w.secrets.set('tok', '7');
  await r.reconcile(KEY);
  assert.equal(w.reg?.status?.phase, 'Ready');
});

test('a busy source host: the registry is requeued without fetching, and syncs once the host is free', async () => {
  const spec = {
    sources: [{ name: 'main', type: 'url' as const, url: { href: 'https://drip.example/r.json' } }],
  };
  const slots = new HostSlots(3);
  assert.ok(slots.tryAcquire('team/other', 'team', ['drip.example']));
  let fetches = 0;
  const w = world(registry(spec), async () => {
    fetches++;
    return doc(1)();
  });
  const r = new Reconciler({
    io: fakeIO(w),
    log: createLogger('silent'),
    metrics: createControllerMetrics(new Registry()),
    now: () => Date.parse('2026-01-01T00:00:00Z'),
    backoffBaseMs: 1000,
    backoffMaxMs: 8000,
    slots,
  });
  assert.deepEqual(await r.reconcile(KEY), { requeueAfterMs: SLOT_RETRY_MS });
  assert.equal(fetches, 0);
  slots.release('team/other');
  await r.reconcile(KEY);
  assert.equal(fetches, 1);
  assert.equal(w.reg?.status?.phase, 'Ready');
  assert.equal(slots.holder('drip.example'), undefined, 'released after the sync');
});
