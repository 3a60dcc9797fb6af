import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  setConditions,
  statusAfterFailure,
  statusAfterSuccess,
  type FailureOutcome,
  type SuccessOutcome,
} from '../../../src/controller/sync/status.ts';
import type { StatusV1beta1 } from '../../../src/api/types.ts';

const T0 = '2026-01-01T00:00:00.000Z';
const T1 = '2026-01-01T00:05:00.000Z';
const API = {
  readyReplicas: 1,
  endpoint: 'http://demo-api.team.svc:8080',
  condition: { type: 'APIReady', status: 'True' as const, reason: 'Ready', message: '1 replica ready' },
};
const ok: SuccessOutcome = {
  kind: 'success',
  hash: 'h1',
  filterHash: 'f1',
  serverCount: 3,
  invalidCount: 0,
  conflicts: 0,
  storage: { configMaps: ['demo-registry-storage'], bytes: 100, compressed: false },
  stored: true,
  sourceNames: ['main'],
};
const cond = (s: StatusV1beta1, type: string) => s.conditions?.find((c) => c.type === type);

test('setConditions keeps lastTransitionTime while a status does not change, and orders conditions', () => {
  const first = setConditions(
    undefined,
    [
      { type: 'Ready', status: 'True', reason: 'Synced', message: 'a' },
      { type: 'SourceAvailable', status: 'True', reason: 'Fetched', message: 'b' },
    ],
    1,
    T0,
  );
  assert.deepEqual(
    first.map((c) => c.type),
    ['SourceAvailable', 'Ready'],
  );
  const same = setConditions(
    first,
    [{ type: 'Ready', status: 'True', reason: 'Synced', message: 'c' }],
    2,
    T1,
  );
  assert.equal(same.find((c) => c.type === 'Ready')?.lastTransitionTime, T0);
  assert.equal(same.find((c) => c.type === 'Ready')?.observedGeneration, 2);
  const flipped = setConditions(
    first,
    [{ type: 'Ready', status: 'False', reason: 'SyncFailed', message: 'd' }],
    2,
    T1,
  );
  assert.equal(flipped.find((c) => c.type === 'Ready')?.lastTransitionTime, T1);
  const long = setConditions(
    undefined,
    [{ type: 'Ready', status: 'True', reason: 'X', message: 'x'.repeat(40_000) }],
    1,
    T0,
  );
  assert.equal(long[0]?.message.length, 32768);
});

const successCases: [string, SuccessOutcome, StatusV1beta1 | undefined, (s: StatusV1beta1) => void][] = [
  [
    'first success: Ready, every condition True, counts and storage recorded',
    ok,
    undefined,
    (s) => {
      assert.equal(s.phase, 'Ready');
      assert.equal(s.message, '3 servers from source main');
      for (const t of ['SourceAvailable', 'DataValid', 'SyncSuccessful', 'APIReady', 'Ready'])
        assert.equal(cond(s, t)?.status, 'True', t);
      assert.equal(s.sync?.lastSyncTime, T1);
      assert.equal(s.sync?.attempts, 0);
      assert.deepEqual(s.storage, ok.storage);
      assert.deepEqual(s.api, { endpoint: API.endpoint, readyReplicas: 1 });
    },
  ],
  [
    'invalid entries are counted and named in the message',
    { ...ok, serverCount: 1, invalidCount: 2 },
    undefined,
    (s) => {
      assert.equal(s.message, '1 server from source main; 2 invalid entries skipped');
      assert.equal(cond(s, 'DataValid')?.reason, 'SomeEntriesInvalid');
    },
  ],
  [
    'unchanged data keeps the previous lastSyncTime and resets attempts',
    { ...ok, stored: false },
    { phase: 'Failed', sync: { lastSyncTime: T0, attempts: 3 } },
    (s) => {
      assert.equal(s.sync?.lastSyncTime, T0);
      assert.equal(s.sync?.lastAttemptTime, T1);
      assert.equal(s.sync?.attempts, 0);
    },
  ],
];
for (const [name, outcome, prev, check] of successCases)
  test(`statusAfterSuccess: ${name}`, () =>
    check(statusAfterSuccess(prev, outcome, { generation: 4, now: T1, api: API })));

const failureCases: [string, FailureOutcome, StatusV1beta1 | undefined, (s: StatusV1beta1) => void][] = [
  [
    'a fetch failure: SourceAvailable False with the source reason; no data yet',
    { kind: 'failure', stage: 'fetch', reason: 'NotFound', message: 'ConfigMap team/cat not found' },
    undefined,
    (s) => {
      assert.equal(s.phase, 'Failed');
      assert.equal(s.message, 'ConfigMap team/cat not found; no data stored yet');
      assert.equal(cond(s, 'SourceAvailable')?.reason, 'NotFound');
      assert.equal(cond(s, 'SourceAvailable')?.status, 'False');
      assert.equal(cond(s, 'Ready')?.reason, 'SyncFailed');
      assert.equal(s.sync?.attempts, 1);
    },
  ],
  [
    'a data failure after a good sync says the last good data is served',
    { kind: 'failure', stage: 'data', reason: 'InvalidData', message: 'source main: bad json' },
    { phase: 'Ready', sync: { lastSyncTime: T0, attempts: 0 } },
    (s) => {
      assert.equal(s.message, `source main: bad json; serving the last good data from ${T0}`);
      assert.equal(cond(s, 'SourceAvailable')?.status, 'True');
      assert.equal(cond(s, 'DataValid')?.status, 'False');
      assert.equal(cond(s, 'DataValid')?.reason, 'InvalidData');
    },
  ],
  [
    'an internal failure leaves the source and API conditions as they were',
    { kind: 'failure', stage: 'internal', reason: 'ReconcileError', message: 'reconcile failed: boom' },
    {
      phase: 'Ready',
      conditions: [
        {
          type: 'SourceAvailable',
          status: 'True',
          reason: 'Fetched',
          message: 'x',
          lastTransitionTime: T0,
          observedGeneration: 1,
        },
      ],
      sync: { attempts: 2 },
    },
    (s) => {
      assert.equal(cond(s, 'SourceAvailable')?.lastTransitionTime, T0);
      assert.equal(cond(s, 'APIReady'), undefined);
      assert.equal(cond(s, 'SyncSuccessful')?.reason, 'ReconcileError');
      assert.equal(cond(s, 'Ready')?.status, 'False');
      assert.equal(s.sync?.attempts, 3);
    },
  ],
];
for (const [name, outcome, prev, check] of failureCases)
  test(`statusAfterFailure: ${name}`, () => {
    const api = outcome.stage === 'internal' ? undefined : API;
    check(statusAfterFailure(prev, outcome, { generation: 4, now: T1, ...(api ? { api } : {}) }));
  });

test('a manual trigger is recorded on success and on failure', () => {
  const ctx = { generation: 1, now: T1, trigger: 'now-1', api: API };
  assert.equal(statusAfterSuccess(undefined, ok, ctx).sync?.lastManualSyncTrigger, 'now-1');
  const f: FailureOutcome = { kind: 'failure', stage: 'fetch', reason: 'X', message: 'y' };
  assert.equal(statusAfterFailure(undefined, f, ctx).sync?.lastManualSyncTrigger, 'now-1');
});
