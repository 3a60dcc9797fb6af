/**
 * Events aggregated like client-go's recorder (#21 item 2), on the real apiserver with the real
 * controller: a registry whose ConfigMap is missing fails again and again with the same message, and
 * those failures are ONE Warning Event whose count rises (what `kubectl describe` shows as `(x5)`),
 * not one Event per attempt. A different message is a different Event, and `thv registry info` lists
 * each distinct message once with its count.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { client, createNamespace, eventually, kubeconfigPath, kubectlOk } from '../../support/cluster.ts';
import { startController, type ControllerProcess } from '../../support/controller.ts';
import { REGISTRIES } from '../../../src/kube/mcpregistries.ts';
import { thv } from '../cli/thv.ts';
import { FIXTURE, FIXTURE_DOC, getReg, putConfigMap, registry, waitPhase } from './helpers.ts';

interface CoreEvent {
  metadata: { name: string };
  reason: string;
  message: string;
  type: string;
  count?: number;
  firstTimestamp?: string;
  lastTimestamp?: string;
  involvedObject: { name: string; uid: string };
}

let ns: string;
let ctrl: ControllerProcess;

before(async () => {
  ns = await createNamespace('ctrl-events');
  ctrl = startController({ kubeconfig: kubeconfigPath(), namespaces: [ns] });
});
after(async () => {
  await ctrl.stop();
});

async function eventsOf(name: string): Promise<CoreEvent[]> {
  const list = await client().list<CoreEvent>(
    { group: '', version: 'v1', plural: 'events', namespace: ns },
    { fieldSelector: `involvedObject.name=${name}` },
  );
  return list.items;
}

test('five identical sync failures are one Warning SyncFailed Event with count ≥ 5, not five Events', async () => {
  await client().create(
    { ...REGISTRIES, namespace: ns },
    registry(ns, 'flaky', {
      sources: [{ name: 'main', type: 'configmap', configMapRef: { name: 'absent' } }],
    }),
  );
  // The test controller's backoff is 0.5 s doubling to 4 s: five attempts within about 12 s.
  const failed = await waitPhase(
    ns,
    'flaky',
    'Failed',
    (r) => (r.status?.sync?.attempts ?? 0) >= 5,
    90_000,
  ).catch(async (e: Error) => {
    const r = await getReg(ns, 'flaky');
    throw new Error(`${e.message}: status ${JSON.stringify(r.status)}\n${ctrl.log().slice(-3000)}`);
  });
  const message = failed.status?.conditions?.find((c) => c.type === 'SyncSuccessful')?.message ?? '';
  assert.equal(message, `ConfigMap ${ns}/absent not found`);
  const events = await eventually('the failures to be counted on one Event', async () => {
    const all = await eventsOf('flaky');
    const failures = all.filter((e) => e.reason === 'SyncFailed');
    return failures.length === 1 && (failures[0]?.count ?? 0) >= 5 ? all : undefined;
  });
  const failures = events.filter((e) => e.reason === 'SyncFailed');
  assert.equal(failures.length, 1, JSON.stringify(events, null, 2));
  const [ev] = failures;
  assert.equal(ev?.type, 'Warning');
  assert.equal(ev?.message, message);
  assert.equal(ev?.involvedObject.uid, failed.metadata.uid);
  assert.ok(
    (ev?.lastTimestamp ?? '') > (ev?.firstTimestamp ?? ''),
    `lastTimestamp ${ev?.lastTimestamp} moves past firstTimestamp ${ev?.firstTimestamp}`,
  );

  // kubectl describe shows the aggregate the way it does for any controller's events.
  const described = kubectlOk(['describe', 'mcpregistry', 'flaky', '-n', ns]);
  assert.match(described, /Warning +SyncFailed +\S+ \(x\d+ over \S+\) +mcp-registry-operator +ConfigMap/);

  // The fix: a Normal Synced Event, a different message, so a second Event; info lists both once.
  await putConfigMap(ns, 'absent', { 'registry.json': FIXTURE });
  await waitPhase(ns, 'flaky', 'Ready');
  const info = await thv(['registry', 'info', 'flaky', '-n', ns]);
  assert.equal(info.code, 0, info.stderr);
  const lines = info.stdout.slice(info.stdout.indexOf('Events:')).split('\n').slice(1);
  const failedLines = lines.filter((l) => l.includes('SyncFailed'));
  const syncedLines = lines.filter((l) => l.includes('Synced'));
  assert.equal(failedLines.length, 1, info.stdout);
  assert.match(failedLines[0] ?? '', /\(x\d+\)/);
  assert.equal(syncedLines.length, 1, info.stdout);
  const after = await eventsOf('flaky');
  assert.deepEqual(after.map((e) => e.reason).sort(), ['SyncFailed', 'Synced']);
  assert.equal((await getReg(ns, 'flaky')).status?.phase, 'Ready');
});

test('a filter that matches nothing: Ready with 0 servers, DataValid and a Warning Event say why (#21.6)', async () => {
  await putConfigMap(ns, 'catalog', { 'registry.json': FIXTURE });
  await client().create(
    { ...REGISTRIES, namespace: ns },
    registry(ns, 'nothing', {
      sources: [{ name: 'main', type: 'configmap', configMapRef: { name: 'catalog' } }],
      filter: { tags: { include: ['no-such-tag'] } },
    }),
  );
  const total = Object.keys({ ...FIXTURE_DOC.servers, ...FIXTURE_DOC.remote_servers }).length;
  const why = `the filter matched nothing: spec.filter kept none of the ${total} servers the sources provide`;
  const r = await waitPhase(ns, 'nothing', 'Ready');
  assert.equal(r.status?.sync?.serverCount, 0);
  assert.equal(r.status?.message, `0 servers from source main; ${why}`);
  const dataValid = r.status?.conditions?.find((c) => c.type === 'DataValid');
  assert.deepEqual(
    [dataValid?.status, dataValid?.reason, dataValid?.message],
    ['True', 'FilterMatchedNothing', why],
  );
  const ev = await eventually('the FilterMatchedNothing Event', async () =>
    (await eventsOf('nothing')).find((e) => e.reason === 'FilterMatchedNothing'),
  );
  assert.equal(ev.type, 'Warning');
  assert.equal(ev.message, `synced 0 servers from source main: ${why}`);
});
