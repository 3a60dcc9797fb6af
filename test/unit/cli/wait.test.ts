import { test } from 'node:test';
import assert from 'node:assert/strict';
import { evaluate, type Verdict, type WaitGoal } from '../../../src/cli/verbs/wait.ts';
import type { MCPRegistryV1beta1 } from '../../../src/api/types.ts';

function reg(generation: number, status?: MCPRegistryV1beta1['status']): MCPRegistryV1beta1 {
  return {
    apiVersion: 'toolhive.stacklok.io/v1beta1',
    kind: 'MCPRegistry',
    metadata: { name: 'r', namespace: 'n', generation },
    spec: { sources: [{ name: 'default', type: 'configmap', configMapRef: { name: 'c' } }] },
    ...(status ? { status } : {}),
  };
}

const t = '2026-11-23T12:00:00Z';
const cond = (type: string, status: 'True' | 'False', reason: string, message: string) => ({
  type,
  status,
  reason,
  message,
  lastTransitionTime: t,
});

test('first sync: progress until the current generation is observed, then Ready or Failed decide', () => {
  const first: WaitGoal = { kind: 'first-sync' };
  const cases: [MCPRegistryV1beta1, Verdict][] = [
    [reg(1), { done: false, progress: 'Pending: waiting for the controller to pick it up' }],
    [
      reg(2, { phase: 'Ready', observedGeneration: 1 }),
      { done: false, progress: 'Ready: waiting for the controller to pick it up' },
    ],
    [
      reg(1, { phase: 'Syncing', message: 'Synchronizing registry data', observedGeneration: 1 }),
      { done: false, progress: 'Syncing: Synchronizing registry data' },
    ],
    [
      reg(1, { phase: 'Ready', message: 'ok', observedGeneration: 1, sync: { serverCount: 12 } }),
      { done: true, ok: true, summary: 'synced: 12 servers, Ready' },
    ],
    [
      reg(1, { phase: 'Ready', observedGeneration: 1, sync: { serverCount: 1 } }),
      { done: true, ok: true, summary: 'synced: 1 server, Ready' },
    ],
    [
      reg(1, { phase: 'Ready', observedGeneration: 1, sync: { serverCount: 0 } }),
      { done: true, ok: true, summary: 'synced: 0 servers, Ready; the source holds no servers' },
    ],
    [
      {
        ...reg(1, { phase: 'Ready', observedGeneration: 1, sync: { serverCount: 0 } }),
        spec: {
          sources: [{ name: 'default', type: 'configmap', configMapRef: { name: 'c' } }],
          filter: { names: { include: ['zzz-*'] } },
        },
      },
      {
        done: true,
        ok: true,
        summary:
          'synced: 0 servers, Ready; the filter matched no server (check its include/exclude patterns and tags: `thv registry info r -n n` shows them)',
      },
    ],
    [
      reg(1, { phase: 'Ready', observedGeneration: 1, sync: { serverCount: 9, invalidServerCount: 2 } }),
      { done: true, ok: true, summary: 'synced: 9 servers (2 invalid entries skipped), Ready' },
    ],
    [
      reg(1, { phase: 'Ready', observedGeneration: 1, sync: { serverCount: 1, invalidServerCount: 1 } }),
      { done: true, ok: true, summary: 'synced: 1 server (1 invalid entry skipped), Ready' },
    ],
    [
      reg(1, {
        phase: 'Pending',
        message: 'Registry data synced, API deployment in progress',
        observedGeneration: 1,
        sync: { serverCount: 3, lastSyncTime: t },
        conditions: [cond('SyncSuccessful', 'True', 'SyncCompleted', 'stored')],
      }),
      {
        done: true,
        ok: true,
        summary: 'synced: 3 servers (Pending: Registry data synced, API deployment in progress)',
      },
    ],
    [
      reg(1, {
        phase: 'Failed',
        message: 'Sync failed: key registry.json not found in ConfigMap n/c',
        observedGeneration: 1,
      }),
      { done: true, ok: false, reason: 'Sync failed: key registry.json not found in ConfigMap n/c' },
    ],
    [
      reg(1, {
        phase: 'Failed',
        message: 'Sync failed',
        observedGeneration: 1,
        conditions: [cond('SyncSuccessful', 'False', 'FetchFailed', 'HTTP 500 from https://x')],
      }),
      { done: true, ok: false, reason: 'Sync failed; FetchFailed: HTTP 500 from https://x' },
    ],
  ];
  for (const [obj, want] of cases) assert.deepEqual(evaluate(obj, first), want);
});

test('manual sync: done only when the trigger is recorded and the phase is no longer Syncing', () => {
  const goal: WaitGoal = { kind: 'manual-sync', trigger: 'T2' };
  const s = (phase: 'Ready' | 'Syncing' | 'Failed' | 'Pending', trigger: string, message = 'm') =>
    reg(1, {
      phase,
      message,
      observedGeneration: 1,
      sync: { lastManualSyncTrigger: trigger, serverCount: 5 },
    });
  assert.deepEqual(evaluate(s('Ready', 'T1'), goal), { done: false, progress: 'Ready: m' });
  assert.deepEqual(evaluate(s('Syncing', 'T2'), goal), { done: false, progress: 'Syncing: m' });
  assert.deepEqual(evaluate(s('Ready', 'T2'), goal), {
    done: true,
    ok: true,
    summary: 'synced: 5 servers, Ready',
  });
  assert.deepEqual(evaluate(s('Pending', 'T2', 'API deployment in progress'), goal), {
    done: true,
    ok: true,
    summary: 'synced: 5 servers (Pending: API deployment in progress)',
  });
  assert.deepEqual(evaluate(s('Failed', 'T2', 'Sync failed: HTTP 404'), goal), {
    done: true,
    ok: false,
    reason: 'Sync failed: HTTP 404',
  });
});
