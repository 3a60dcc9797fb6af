import { test } from 'node:test';
import assert from 'node:assert/strict';
import { decideSync, failureBackoffMs, type SyncInput } from '../../../src/controller/sync/sync-decision.ts';

const base: SyncInput = {
  now: 100_000,
  generation: 2,
  observedGeneration: 2,
  phase: 'Ready',
  attempts: 0,
  storagePresent: true,
  configMapVersions: 'cm@5',
  lastConfigMapVersions: 'cm@5',
  lastCheckedAt: 90_000,
  backoffBaseMs: 1000,
  backoffMaxMs: 8000,
};

const cases: [string, Partial<SyncInput>, ReturnType<typeof decideSync>][] = [
  ['nothing to do without an interval', {}, { sync: false }],
  ['first sync', { phase: undefined }, { sync: true, reason: 'Initial' }],
  ['pending is a first sync', { phase: 'Pending' }, { sync: true, reason: 'Initial' }],
  ['spec changed', { observedGeneration: 1 }, { sync: true, reason: 'SpecChanged' }],
  ['new manual trigger', { trigger: 'x', lastTrigger: 'w' }, { sync: true, reason: 'ManualTrigger' }],
  ['the recorded trigger does nothing', { trigger: 'x', lastTrigger: 'x' }, { sync: false }],
  ['storage deleted', { storagePresent: false }, { sync: true, reason: 'StorageMissing' }],
  ['source ConfigMap changed', { configMapVersions: 'cm@6' }, { sync: true, reason: 'SourceChanged' }],
  [
    'unknown ConfigMap state after a restart',
    { lastConfigMapVersions: undefined },
    { sync: true, reason: 'SourceChanged' },
  ],
  ['interval not yet due', { intervalMs: 60_000 }, { sync: false, requeueAfterMs: 50_000 }],
  ['interval due', { intervalMs: 10_000 }, { sync: true, reason: 'IntervalElapsed' }],
  [
    'failed: wait out the backoff',
    { phase: 'Failed', attempts: 3, lastCheckedAt: 99_000 },
    { sync: false, requeueAfterMs: 3000 },
  ],
  [
    'failed: backoff over',
    { phase: 'Failed', attempts: 3, lastCheckedAt: 96_000 },
    { sync: true, reason: 'Retry' },
  ],
  [
    'failed but the spec changed: sync now',
    { phase: 'Failed', attempts: 3, lastCheckedAt: 99_999, observedGeneration: 1 },
    { sync: true, reason: 'SpecChanged' },
  ],
  [
    'failed but triggered: sync now',
    { phase: 'Failed', attempts: 9, lastCheckedAt: 99_999, trigger: 'n' },
    { sync: true, reason: 'ManualTrigger' },
  ],
  // #21.1: a change to what a failed registry reads is the fix; the backoff does not apply to it.
  [
    'failed, in backoff, and its source ConfigMap was created or changed: sync now',
    { phase: 'Failed', attempts: 5, lastCheckedAt: 99_999, configMapVersions: 'cm@6' },
    { sync: true, reason: 'SourceChanged' },
  ],
  [
    'failed, in backoff, and a referenced Secret was created: sync now',
    {
      phase: 'Failed',
      attempts: 5,
      lastCheckedAt: 99_999,
      secretVersions: 'tok@7',
      lastSecretVersions: 'tok@absent',
    },
    { sync: true, reason: 'SourceChanged' },
  ],
  [
    'failed, in backoff, Secret unchanged: wait',
    {
      phase: 'Failed',
      attempts: 1,
      lastCheckedAt: 99_999,
      secretVersions: 'tok@absent',
      lastSecretVersions: 'tok@absent',
    },
    { sync: false, requeueAfterMs: 999 },
  ],
  [
    'failed after a restart (no remembered fingerprint): the backoff still applies',
    { phase: 'Failed', attempts: 2, lastCheckedAt: 99_000, lastConfigMapVersions: undefined },
    { sync: false, requeueAfterMs: 1000 },
  ],
  [
    'failed on a taken storage name, and the object holding it was deleted: sync now',
    {
      phase: 'Failed',
      attempts: 4,
      lastCheckedAt: 99_999,
      storageVersion: 'demo-registry-storage@absent',
      lastStorageVersion: 'demo-registry-storage@17',
    },
    { sync: true, reason: 'SourceChanged' },
  ],
  [
    'ready with a storage ConfigMap edited by hand: rewrite',
    { storageDrift: 'storage ConfigMap x was changed' },
    { sync: true, reason: 'StorageDrift' },
  ],
  [
    'a Secret fingerprint is not looked at for a Ready registry',
    { secretVersions: 'tok@7', lastSecretVersions: 'tok@6' },
    { sync: false },
  ],
];

for (const [name, input, expected] of cases) {
  test(`decideSync: ${name}`, () => assert.deepEqual(decideSync({ ...base, ...input }), expected));
}

test('failure backoff doubles from the base and is capped', () => {
  assert.deepEqual(
    [0, 1, 2, 3, 4, 5, 40].map((n) => failureBackoffMs(n, 1000, 8000)),
    [0, 1000, 2000, 4000, 8000, 8000, 8000],
  );
});
