/**
 * The health contract of docs/gitops.md, per phase, read by the real readers: kstatus (the Go
 * library Flux and cli-utils use) and Argo CD's health script on Lua 5.1. The objects are the shapes
 * the controller writes in each phase; test/integration/gitops/kstatus.test.ts checks the real
 * controller writes them on a real apiserver.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { StatusV1beta1 } from '../../../src/api/types.ts';
import {
  statusAfterFailure,
  statusAfterSuccess,
  statusSyncing,
  type FailureOutcome,
  type SuccessOutcome,
} from '../../../src/controller/sync/status.ts';
import { ARGO_HEALTH_SCRIPT, argoHealth, kstatus, luaLiteral } from './health-readers.ts';

const T = '2026-01-01T00:00:00Z';
const cond = (type: string, status: string, reason: string, message: string) => ({
  type,
  status,
  reason,
  message,
  observedGeneration: 1,
  lastTransitionTime: T,
});
const reg = (status: unknown, generation = 1) => ({
  apiVersion: 'toolhive.stacklok.io/v1beta1',
  kind: 'MCPRegistry',
  metadata: { name: 'demo', namespace: 'team-a', generation },
  spec: { sources: [{ name: 'a', type: 'configmap', configMapRef: { name: 'c' } }] },
  ...(status === undefined ? {} : { status }),
});

const phases: { name: string; obj: unknown; kstatus: string; argo: [string, string] }[] = [
  {
    name: 'syncing (first sync in progress)',
    obj: reg({
      phase: 'Syncing',
      message: 'first sync in progress',
      observedGeneration: 1,
      conditions: [
        cond('Reconciling', 'True', 'Syncing', 'first sync in progress'),
        cond('Ready', 'False', 'Syncing', 'first sync in progress'),
      ],
    }),
    kstatus: 'InProgress',
    argo: ['Progressing', 'first sync in progress'],
  },
  {
    name: 'ready',
    obj: reg({
      phase: 'Ready',
      message: '3 servers from source a',
      observedGeneration: 1,
      conditions: [
        cond('SyncSuccessful', 'True', 'Synced', '3 servers from source a'),
        cond('Ready', 'True', 'Synced', '3 servers from source a'),
      ],
    }),
    kstatus: 'Current',
    argo: ['Healthy', '3 servers from source a'],
  },
  {
    name: 'failed',
    obj: reg({
      phase: 'Failed',
      message: 'ConfigMap team-a/c not found; no data stored yet',
      observedGeneration: 1,
      conditions: [
        cond('Stalled', 'True', 'SourceNotFound', 'ConfigMap team-a/c not found; no data stored yet'),
        cond('Ready', 'False', 'SyncFailed', 'ConfigMap team-a/c not found; no data stored yet'),
      ],
    }),
    kstatus: 'Failed',
    argo: ['Degraded', 'ConfigMap team-a/c not found; no data stored yet'],
  },
  {
    name: 'ready, but the spec changed and the controller has not acted on it yet',
    obj: reg(
      {
        phase: 'Ready',
        message: '3 servers from source a',
        observedGeneration: 1,
        conditions: [cond('Ready', 'True', 'Synced', '3 servers from source a')],
      },
      2,
    ),
    kstatus: 'InProgress',
    argo: ['Progressing', 'Waiting for the operator to act on generation 2'],
  },
  {
    name: 'just created, before the controller wrote any status',
    obj: reg(undefined),
    // kstatus cannot tell a status-less custom resource from a finished one (docs/gitops.md).
    kstatus: 'Current',
    argo: ['Progressing', 'Waiting for the operator to reconcile the registry'],
  },
];

for (const p of phases)
  test(`health of a registry ${p.name}: kstatus ${p.kstatus}, Argo CD ${p.argo[0]}`, () => {
    const [k] = kstatus([p.obj]);
    assert.equal(k?.error, undefined);
    assert.equal(k?.status, p.kstatus, k?.message);
    assert.deepEqual(argoHealth(p.obj), { status: p.argo[0], message: p.argo[1] });
  });

test('docs/gitops.md ships the same Argo CD health script as docs/argocd/mcpregistry-health.lua', () => {
  const doc = readFileSync(resolve(import.meta.dirname, '../../../docs/gitops.md'), 'utf8');
  const dedent = (t: string) => t.replace(/^ {8}/gm, '').trim();
  const block =
    /resource\.customizations\.health\.toolhive\.stacklok\.io_MCPRegistry: \|\n([\s\S]*?)\n```/.exec(doc);
  assert.ok(block, 'docs/gitops.md has the argocd-cm block');
  assert.equal(dedent(block[1] ?? ''), ARGO_HEALTH_SCRIPT.trim());
});

test('the Lua literal of a message keeps quotes, backslashes, newlines and non-ASCII text intact', () => {
  const message = 'a "quoted" \\ path\nsecond line — ünïcode';
  const got = argoHealth(reg({ phase: 'Failed', message, observedGeneration: 1 }));
  assert.equal(got.status, 'Degraded');
  assert.equal(got.message, message);
  assert.match(luaLiteral(message), /^"a \\34quoted\\34 \\92 path\\10second line /);
});

test('the controller’s own status functions, phase after phase, read as the contract says', () => {
  const api = {
    readyReplicas: 0,
    condition: { type: 'APIReady', status: 'False' as const, reason: 'NotDeployed', message: 'not deployed' },
  };
  const ok: SuccessOutcome = {
    kind: 'success',
    hash: 'h',
    filterHash: 'f',
    serverCount: 3,
    invalidCount: 0,
    conflicts: 0,
    storage: { configMaps: ['demo-registry-storage'], bytes: 10, compressed: false },
    stored: true,
    sourceNames: ['a'],
  };
  const failure: FailureOutcome = {
    kind: 'failure',
    stage: 'fetch',
    reason: 'ConfigMapNotFound',
    message: 'ConfigMap team-a/c not found',
  };
  const syncing = statusSyncing(undefined, { generation: 1, now: T });
  const failed = statusAfterFailure(syncing, failure, { generation: 1, now: T, api });
  const ready = statusAfterSuccess(failed, ok, { generation: 1, now: T, api });
  const failedAgain = statusAfterFailure(ready, failure, { generation: 1, now: T, api });
  const types = (s: StatusV1beta1) =>
    (s.conditions ?? []).filter((c) => c.status === 'True').map((c) => c.type);
  assert.deepEqual(types(syncing), ['Reconciling']);
  assert.deepEqual(types(failed), ['Stalled']);
  assert.deepEqual(types(ready), ['SourceAvailable', 'DataValid', 'SyncSuccessful', 'Ready']);
  assert.ok(!(ready.conditions ?? []).some((c) => c.type === 'Stalled' || c.type === 'Reconciling'));
  assert.deepEqual(
    kstatus([syncing, failed, ready, failedAgain].map((s) => reg(s))).map((k) => k.status),
    ['InProgress', 'Failed', 'Current', 'Failed'],
  );
  assert.deepEqual(
    [syncing, failed, ready, failedAgain].map((s) => argoHealth(reg(s))),
    [
      { status: 'Progressing', message: 'first sync in progress' },
      { status: 'Degraded', message: 'ConfigMap team-a/c not found; no data stored yet' },
      { status: 'Healthy', message: '3 servers from source a' },
      { status: 'Degraded', message: `ConfigMap team-a/c not found; serving the last good data from ${T}` },
    ],
  );
});
