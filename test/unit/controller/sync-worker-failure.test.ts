/**
 * A sync whose worker fails (out of its heap, crashed, or the pool's queue full) ends as a readable
 * Failed status, never an exception, and the last good data stays stored (SPEC §4, §18).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { SyncWorkerError, type SyncWork } from '../../../src/controller/sync/sync-work.ts';
import { registry, toolhiveDoc } from './fixtures.ts';
import { reconcilerFor, world } from './fake-io.ts';

const KEY = 'team/demo';
const doc = async () => [{ name: 'main', text: toolhiveDoc(3), format: 'toolhive' as const }];

for (const [reason, message, condition] of [
  [
    'SyncOutOfMemory',
    'reading the sources needs more memory than a sync worker has (384 MiB, --sync-worker-memory); the source is too large for it',
    'DataValid',
  ],
  ['SyncWorkerFailed', 'the sync worker exited with code 1', undefined],
  ['SyncWorkersBusy', 'all 1 sync workers are busy and 64 syncs wait; retrying later', undefined],
] as const)
  test(`a worker failure (${reason}) is a Failed status saying why; the last good data stays`, async () => {
    const w = world(registry(), doc);
    await reconcilerFor(w).reconcile(KEY);
    assert.equal(w.reg?.status?.phase, 'Ready');
    const stored = w.storage.get('demo');
    const lastSync = w.reg?.status?.sync?.lastSyncTime;
    // A manual trigger makes the next reconcile sync again, this time on a failing worker.
    w.reg!.metadata.annotations = { 'toolhive.stacklok.io/sync-trigger': 'again' };
    const failing: SyncWork = async () => {
      throw new SyncWorkerError(reason, message);
    };
    await reconcilerFor(w, () => Date.parse('2026-01-01T00:05:00Z'), { work: failing }).reconcile(KEY);
    assert.equal(w.reg?.status?.phase, 'Failed');
    assert.equal(w.reg?.status?.message, `${message}; serving the last good data from ${lastSync}`);
    const data = w.reg?.status?.conditions?.find((c) => c.type === 'DataValid');
    if (condition) assert.deepEqual([data?.status, data?.reason, data?.message], ['False', reason, message]);
    else assert.notEqual(data?.status, 'False');
    assert.equal(w.storage.get('demo'), stored);
    assert.deepEqual(w.events.at(-1), { type: 'Warning', reason: 'SyncFailed', message });
  });
