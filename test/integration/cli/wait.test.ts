/**
 * `add --wait` and `sync --wait` against the real apiserver, with the status written by the test
 * through the /status subresource in the shape the controller writes it (SPEC §4, v1beta1 status).
 * This pins the CLI's side of that contract exactly, including failures and timeouts, without
 * depending on a controller's timing; sync.test.ts runs the same commands with the real controller.
 */
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { client, createNamespace, eventually } from '../../support/cluster.ts';
import type { MCPRegistryV1beta1 } from '../../../src/api/types.ts';
import { rows, start, thv } from './thv.ts';

let ns: string;
before(async () => {
  ns = await createNamespace('cli-wait');
});

const ref = (name: string, subresource?: string) => ({
  group: 'toolhive.stacklok.io',
  version: 'v1beta1',
  plural: 'mcpregistries',
  namespace: ns,
  name,
  subresource,
});

async function setStatus(name: string, status: MCPRegistryV1beta1['status']): Promise<void> {
  await client().patch(ref(name, 'status'), 'merge', { status });
}

const now = () => new Date().toISOString().replace(/\.\d+Z$/, 'Z');
const condition = (type: string, status: 'True' | 'False', reason: string, message: string) => ({
  type,
  status,
  reason,
  message,
  lastTransitionTime: now(),
});

async function add(name: string): Promise<void> {
  const r = await thv(['registry', 'add', name, '-n', ns, '--configmap', 'catalog']);
  assert.equal(r.code, 0, r.stderr);
}

async function triggerOf(name: string): Promise<string> {
  return eventually(`the sync trigger on ${name}`, async () => {
    const obj = await client().get<MCPRegistryV1beta1>(ref(name));
    return obj.metadata.annotations?.['toolhive.stacklok.io/sync-trigger'];
  });
}

test('add --wait: progress for each new phase, then the summary once the first sync is stored', async () => {
  const run = start([
    'registry',
    'add',
    'first',
    '-n',
    ns,
    '--configmap',
    'catalog',
    '--wait',
    '--timeout',
    '60s',
  ]);
  await eventually('the first progress line', () => (run.stderr().includes('  Pending:') ? true : undefined));
  await setStatus('first', {
    phase: 'Syncing',
    message: 'Synchronizing registry data',
    observedGeneration: 1,
  });
  await eventually('the Syncing progress line', () => (run.stderr().includes('Syncing:') ? true : undefined));
  await setStatus('first', {
    phase: 'Ready',
    message: 'Registry is ready',
    observedGeneration: 1,
    sync: { serverCount: 17, lastSyncTime: now() },
    conditions: [condition('SyncSuccessful', 'True', 'SyncCompleted', 'stored 17 servers')],
  });
  const r = await run.done;
  assert.equal(r.code, 0, r.stderr);
  assert.equal(
    r.stdout,
    'mcpregistry.toolhive.stacklok.io/first created\nmcpregistry.toolhive.stacklok.io/first synced: 17 servers, Ready\n',
  );
  assert.equal(
    r.stderr,
    `Waiting for MCPRegistry "first" in namespace "${ns}" to sync (timeout 60s)…\n` +
      '  Pending: waiting for the controller to pick it up\n' +
      '  Syncing: Synchronizing registry data\n',
  );
  const list = rows((await thv(['registry', 'list', '-n', ns])).stdout);
  const row = list.find((r) => r[0] === 'first');
  assert.deepEqual(row?.slice(0, 4), ['first', 'Ready', '17', 'configmap']);
  assert.match(row?.[4] ?? '', /^\d+(s|m\d*s?)$/);
  const info = await thv(['registry', 'info', 'first', '-n', ns]);
  assert.match(info.stdout, /^ {2}SyncSuccessful +True +SyncCompleted +\d+\S* +stored 17 servers$/m);
});

test('sync --wait succeeds only once the operator records this trigger and the sync has ended', async () => {
  await add('manual');
  await setStatus('manual', {
    phase: 'Ready',
    message: 'Registry is ready',
    observedGeneration: 1,
    sync: { serverCount: 4, lastManualSyncTrigger: 'an-older-one' },
  });
  const run = start(['registry', 'sync', 'manual', '-n', ns, '--wait']);
  const trigger = await triggerOf('manual');
  await eventually('the first progress line', () => (run.stderr().includes('  Ready:') ? true : undefined));
  await setStatus('manual', {
    phase: 'Syncing',
    message: 'Synchronizing registry data',
    sync: { lastManualSyncTrigger: trigger },
  });
  await eventually('the Syncing line', () => (run.stderr().includes('Syncing:') ? true : undefined));
  await setStatus('manual', { phase: 'Ready', message: 'Registry is ready', sync: { serverCount: 5 } });
  const r = await run.done;
  assert.equal(r.code, 0, r.stderr);
  assert.equal(
    r.stdout,
    `mcpregistry.toolhive.stacklok.io/manual sync requested (toolhive.stacklok.io/sync-trigger=${trigger})\n` +
      'mcpregistry.toolhive.stacklok.io/manual synced: 5 servers, Ready\n',
  );
  assert.equal(
    r.stderr,
    `Waiting for MCPRegistry "manual" in namespace "${ns}" to sync (timeout 2m)…\n` +
      '  Ready: Registry is ready\n' +
      '  Syncing: Synchronizing registry data\n',
  );
});

test('sync --wait exits 1 with the reason when the sync failed', async () => {
  await add('broken');
  const run = start(['registry', 'sync', 'broken', '-n', ns, '--wait']);
  const trigger = await triggerOf('broken');
  await setStatus('broken', {
    phase: 'Failed',
    message: 'Sync failed: key registry.json not found in ConfigMap ' + ns + '/catalog',
    observedGeneration: 1,
    sync: { lastManualSyncTrigger: trigger, attempts: 1 },
    conditions: [
      condition(
        'SyncSuccessful',
        'False',
        'FetchFailed',
        `key registry.json not found in ConfigMap ${ns}/catalog`,
      ),
    ],
  });
  const r = await run.done;
  assert.equal(r.code, 1);
  assert.equal(
    r.stderr.split('\n').slice(-3).join('\n'),
    `error: sync of MCPRegistry "broken" failed: Sync failed: key registry.json not found in ConfigMap ${ns}/catalog\n` +
      `See \`thv registry info broken -n ${ns}\` for conditions and events. Fix the source, then retry with \`thv registry sync broken -n ${ns} --wait\`.\n`,
  );
});

test('add --wait exits 1 when the first sync fails, adding the condition’s reason when the message lacks it', async () => {
  const run = start(['registry', 'add', 'bad-first', '-n', ns, '--configmap', 'missing', '--wait']);
  await eventually('the object', () => client().get(ref('bad-first')));
  await setStatus('bad-first', {
    phase: 'Failed',
    message: 'Sync failed',
    observedGeneration: 1,
    conditions: [condition('SyncSuccessful', 'False', 'FetchFailed', 'ConfigMap "missing" not found')],
  });
  const r = await run.done;
  assert.equal(r.code, 1);
  assert.match(
    r.stderr,
    /\nerror: sync of MCPRegistry "bad-first" failed: Sync failed; FetchFailed: ConfigMap "missing" not found\n/,
  );
  assert.equal(r.stdout, 'mcpregistry.toolhive.stacklok.io/bad-first created\n');
});

test('--wait gives up at --timeout with the last phase seen, and notices a deletion', async () => {
  await add('idle');
  const r = await thv(['registry', 'sync', 'idle', '-n', ns, '--wait', '--timeout', '1s']);
  assert.equal(r.code, 1);
  assert.equal(
    r.stderr.split('\n').slice(-3).join('\n'),
    'error: timed out after 1s waiting for MCPRegistry "idle" to sync (last seen Pending: waiting for the controller to pick it up).\n' +
      `Is the operator running (kubectl get pods -n toolhive-system)? See \`thv registry info idle -n ${ns}\` for conditions and events. Wait longer with --timeout.\n`,
  );

  const run = start(['registry', 'sync', 'idle', '-n', ns, '--wait']);
  await eventually('the waiting line', () => (run.stderr().includes('  Pending:') ? true : undefined));
  await client().delete(ref('idle'));
  const gone = await run.done;
  assert.equal(gone.code, 1);
  assert.match(gone.stderr, /\nerror: MCPRegistry "idle" was deleted while waiting for it to sync\.\n/);
});

test('a timeout after the operator took up the request blames the slow sync, not the operator (#21.5)', async () => {
  await add('slow');
  const run = start(['registry', 'sync', 'slow', '-n', ns, '--wait', '--timeout', '5s']);
  const trigger = await triggerOf('slow');
  await setStatus('slow', {
    phase: 'Syncing',
    message: 'syncing a slow source',
    observedGeneration: 1,
    sync: { lastManualSyncTrigger: trigger },
  });
  const r = await run.done;
  assert.equal(r.code, 1);
  assert.equal(
    r.stderr.split('\n').slice(-3).join('\n'),
    'error: timed out after 5s waiting for MCPRegistry "slow" to sync: the operator took up the request, but the sync had not ended (last seen Syncing: syncing a slow source).\n' +
      `See \`thv registry info slow -n ${ns}\` for conditions and events. Wait longer with --timeout.\n`,
  );

  // add --wait: the operator has looked at this generation (Syncing) but the first sync goes on.
  const first = start([
    'registry',
    'add',
    'slow-first',
    '-n',
    ns,
    '--configmap',
    'c',
    '--wait',
    '--timeout',
    '5s',
  ]);
  await eventually('the object', () => client().get(ref('slow-first')));
  await setStatus('slow-first', {
    phase: 'Syncing',
    message: 'first sync in progress',
    observedGeneration: 1,
  });
  const f = await first.done;
  assert.equal(f.code, 1);
  assert.match(
    f.stderr,
    /\nerror: timed out after 5s waiting for MCPRegistry "slow-first" to sync: the operator took up the request, but the sync had not ended \(last seen Syncing: first sync in progress\)\.\n/,
  );
  assert.doesNotMatch(f.stderr, /Is the operator running/);
});
