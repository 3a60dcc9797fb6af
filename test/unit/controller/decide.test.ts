import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  classifyFailure,
  decideInternalFailure,
  decideOutcome,
  internalFailure,
  isUnchanged,
  syncedEventMessage,
  type SyncFacts,
} from '../../../src/controller/sync/decide.ts';
import { DataError, type PipelineResult } from '../../../src/controller/sync/pipeline.ts';
import { SourceError } from '../../../src/sources/types.ts';

const NOW = '2026-01-01T00:00:00.000Z';
const result: PipelineResult = {
  hash: 'h',
  filterHash: 'f',
  serverCount: 2,
  invalid: [],
  conflicts: 0,
  catalog: { servers: [] } as unknown as PipelineResult['catalog'],
};
const base: SyncFacts = {
  reg: { generation: 3, sourceNames: ['a', 'b'], status: { phase: 'Ready' } },
  reason: 'SpecChanged',
  now: NOW,
  intervalMs: 60_000,
  result,
  unchanged: false,
  storage: { configMaps: ['demo-registry-storage'], bytes: 2, compressed: false },
  api: {
    readyReplicas: 0,
    condition: { type: 'APIReady', status: 'Unknown', reason: 'NotDeployed', message: 'off' },
  },
};

type Expect = {
  result: string;
  writesStatus: boolean;
  event?: string;
  requeue: unknown;
  phase?: string;
};
const cases: [string, Partial<SyncFacts>, Expect][] = [
  [
    'new data: stored, status written, Normal Synced event, requeue at the interval',
    {},
    {
      result: 'success',
      writesStatus: true,
      event: 'Normal Synced',
      requeue: { afterMs: 60_000 },
      phase: 'Ready',
    },
  ],
  [
    'no interval: nothing scheduled',
    { intervalMs: undefined },
    {
      result: 'success',
      writesStatus: true,
      event: 'Normal Synced',
      requeue: { afterMs: undefined },
      phase: 'Ready',
    },
  ],
  [
    'unchanged after a spec change: status written (observedGeneration), no event',
    { unchanged: true },
    { result: 'unchanged', writesStatus: true, requeue: { afterMs: 60_000 }, phase: 'Ready' },
  ],
  [
    'unchanged on the interval: nothing written at all',
    { unchanged: true, reason: 'IntervalElapsed' },
    { result: 'unchanged', writesStatus: false, requeue: { afterMs: 60_000 } },
  ],
  [
    'unchanged after a source ConfigMap event: nothing written',
    { unchanged: true, reason: 'SourceChanged' },
    { result: 'unchanged', writesStatus: false, requeue: { afterMs: 60_000 } },
  ],
  [
    'unchanged on a manual trigger: status records the trigger',
    { unchanged: true, reason: 'ManualTrigger', trigger: 't1' },
    { result: 'unchanged', writesStatus: true, requeue: { afterMs: 60_000 }, phase: 'Ready' },
  ],
  [
    'a source failure: Failed, Warning event, backoff',
    { result: undefined, failure: { kind: 'failure', stage: 'fetch', reason: 'NotFound', message: 'gone' } },
    {
      result: 'failure',
      writesStatus: true,
      event: 'Warning SyncFailed',
      requeue: 'backoff',
      phase: 'Failed',
    },
  ],
  [
    'a storage failure wins over the pipeline result',
    { failure: { kind: 'failure', stage: 'store', reason: 'StorageWriteFailed', message: 'no' } },
    {
      result: 'failure',
      writesStatus: true,
      event: 'Warning SyncFailed',
      requeue: 'backoff',
      phase: 'Failed',
    },
  ],
  [
    'neither a result nor a failure is still a failure, never a throw',
    { result: undefined },
    {
      result: 'failure',
      writesStatus: true,
      event: 'Warning SyncFailed',
      requeue: 'backoff',
      phase: 'Failed',
    },
  ],
];
for (const [name, facts, want] of cases)
  test(`decideOutcome: ${name}`, () => {
    const plan = decideOutcome({ ...base, ...facts });
    assert.equal(plan.result, want.result);
    assert.equal(plan.status !== undefined, want.writesStatus);
    assert.equal(plan.event ? `${plan.event.type} ${plan.event.reason}` : undefined, want.event);
    assert.deepEqual(plan.requeue, want.requeue);
    if (want.phase) assert.equal(plan.status?.(base.reg.status).phase, want.phase);
  });

test('decideOutcome: a new trigger is acknowledged by the sync that ran after it, whatever its reason (#21.5)', () => {
  const manual = decideOutcome({ ...base, reason: 'ManualTrigger', trigger: 't9' });
  assert.equal(manual.status?.(undefined).sync?.lastManualSyncTrigger, 't9');
  // A spec change and a trigger together: one sync answers both, no second sync to record the trigger.
  const withSpec = decideOutcome({ ...base, reason: 'SpecChanged', trigger: 't9' });
  assert.equal(withSpec.status?.(undefined).sync?.lastManualSyncTrigger, 't9');
  const failed = decideOutcome({
    ...base,
    trigger: 't9',
    result: undefined,
    failure: { kind: 'failure', stage: 'fetch', reason: 'NotFound', message: 'gone' },
  });
  assert.equal(failed.status?.(undefined).sync?.lastManualSyncTrigger, 't9');
  // An unchanged interval check is a no-op without a status write, unless it has a trigger to answer.
  const quiet = { ...base, reason: 'IntervalElapsed' as const, unchanged: true };
  assert.equal(decideOutcome(quiet).status, undefined);
  assert.equal(
    decideOutcome({ ...quiet, trigger: 't9' }).status?.(undefined).sync?.lastManualSyncTrigger,
    't9',
  );
  // A trigger already acknowledged is not news: the interval check stays a no-op.
  const old = {
    ...quiet,
    trigger: 't9',
    reg: { ...base.reg, status: { phase: 'Ready' as const, sync: { lastManualSyncTrigger: 't9' } } },
  };
  assert.equal(decideOutcome(old).status, undefined);
});

test('the Synced event names the sources and at most three invalid entries', () => {
  const invalid = [1, 2, 3, 4].map((i) => ({
    entry: `s${i}`,
    field: 'image',
    reason: 'missing',
    source: 'a',
  }));
  assert.equal(syncedEventMessage(result, ['a', 'b']), 'synced 2 servers from sources a, b');
  assert.equal(
    syncedEventMessage({ ...result, invalid }, ['a']),
    'synced 2 servers from source a (4 invalid entries skipped: s1: image: missing; s2: image: missing; s3: image: missing; …)',
  );
});

test('classifyFailure: source and data errors are expected; anything else is not', () => {
  assert.deepEqual(classifyFailure(new SourceError('FetchTimeout', 'slow')), {
    kind: 'failure',
    stage: 'fetch',
    reason: 'FetchTimeout',
    message: 'slow',
  });
  assert.deepEqual(classifyFailure(new DataError('a', 'source a: bad')), {
    kind: 'failure',
    stage: 'data',
    reason: 'InvalidData',
    message: 'source a: bad',
  });
  assert.equal(classifyFailure(new TypeError('x')), undefined);
});

test('an unexpected exception becomes a Failed status with ReconcileError and a Warning event', () => {
  assert.equal(
    internalFailure(new Error('time: invalid duration "x"')).message,
    'reconcile failed: time: invalid duration "x"',
  );
  assert.equal(
    internalFailure(new TypeError('null has no name')).message,
    'reconcile failed: TypeError: null has no name',
  );
  assert.equal(internalFailure('thrown string').message, 'reconcile failed: thrown string');
  const plan = decideInternalFailure(base.reg, new RangeError('Maximum call stack size exceeded'), NOW);
  const s = plan.status?.({ phase: 'Ready', sync: { lastSyncTime: NOW, attempts: 0 } });
  assert.equal(s?.phase, 'Failed');
  assert.equal(
    s?.message,
    `reconcile failed: RangeError: Maximum call stack size exceeded; serving the last good data from ${NOW}`,
  );
  assert.equal(s?.conditions?.find((c) => c.type === 'SyncSuccessful')?.reason, 'ReconcileError');
  assert.deepEqual(plan.event, {
    type: 'Warning',
    reason: 'SyncFailed',
    message: 'reconcile failed: RangeError: Maximum call stack size exceeded',
  });
  assert.equal(plan.requeue, 'backoff');
});

test('isUnchanged needs Ready, present storage and equal hashes', () => {
  const status = { phase: 'Ready' as const, sync: { hash: 'h', filterHash: 'f' } };
  assert.equal(isUnchanged(result, status, true), true);
  assert.equal(isUnchanged(result, status, false), false);
  assert.equal(isUnchanged(result, { ...status, phase: 'Failed' as const }, true), false);
  assert.equal(isUnchanged(result, { ...status, sync: { hash: 'h', filterHash: 'g' } }, true), false);
  assert.equal(isUnchanged(result, undefined, true), false);
});

test('the Synced event says what was read leniently (a ToolHive status in another case)', () => {
  const warnings = ['source th: x: status "active" read as "Active" (ToolHive writes Active or Deprecated)'];
  assert.equal(
    syncedEventMessage({ ...result, warnings }, ['th']),
    'synced 2 servers from source th (1 read leniently: source th: x: status "active" read as "Active" (ToolHive writes Active or Deprecated))',
  );
});
