/**
 * ConfigMap source end to end against the real apiserver, with a controller process: first sync to
 * Ready with the exact filtered count and content, a ConfigMap edit resyncs at once, a manual
 * trigger syncs once, a no-op resync writes nothing, a missing key fails without touching the last
 * good storage, deletion removes what the registry owns, and a source may read another registry's
 * storage ConfigMap.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import {
  client,
  createNamespace,
  eventually,
  eventsText,
  kubeconfigPath,
  kubectlOk,
} from '../../support/cluster.ts';
import { startController, type ControllerProcess } from '../../support/controller.ts';
import { readStoredCatalog } from '../../../src/storage/configmaps.ts';
import { REGISTRIES } from '../../../src/kube/mcpregistries.ts';
import {
  FIXTURE,
  FIXTURE_DOC,
  fixtureNamesWithTag,
  getReg,
  putConfigMap,
  registry,
  storageConfigMaps,
  waitPhase,
} from './helpers.ts';

let ns: string;
let ctrl: ControllerProcess;

before(async () => {
  ns = await createNamespace('ctrl-cm');
  await putConfigMap(ns, 'catalog', { 'registry.json': FIXTURE });
  ctrl = startController({ kubeconfig: kubeconfigPath(), namespaces: [ns] });
});
after(async () => {
  await ctrl.stop();
});

test('a ConfigMap registry with a tag filter reaches Ready with exactly the filtered servers stored', async () => {
  const expected = fixtureNamesWithTag('search');
  assert.ok(expected.length > 0);
  await client().create(
    { ...REGISTRIES, namespace: ns },
    registry(ns, 'tagged', {
      sources: [{ name: 'main', type: 'configmap', configMapRef: { name: 'catalog' } }],
      filter: { tags: { include: ['search'] } },
    }),
  );
  const r = await waitPhase(ns, 'tagged', 'Ready');
  assert.equal(r.status?.sync?.serverCount, expected.length);
  assert.deepEqual(r.status?.storage?.configMaps, ['tagged-registry-storage']);
  const cond = Object.fromEntries(
    (r.status?.conditions ?? []).map((c) => [c.type, `${c.status}/${c.reason}`]),
  );
  assert.equal(cond.Ready, 'True/Synced');
  assert.equal(cond.SyncSuccessful, 'True/Synced');
  assert.equal(cond.SourceAvailable, 'True/Fetched');
  const stored = await readStoredCatalog(client(), ns, 'tagged');
  assert.deepEqual(
    stored?.catalog.servers.map((s) => s.name),
    expected,
  );
  const cms = await storageConfigMaps(ns, 'tagged');
  const owner = (
    cms[0] as unknown as {
      metadata: { ownerReferences: { kind: string; name: string; controller: boolean }[] };
    }
  ).metadata.ownerReferences[0];
  assert.deepEqual(
    { kind: owner?.kind, name: owner?.name, controller: owner?.controller },
    { kind: 'MCPRegistry', name: 'tagged', controller: true },
  );
  const events = eventsText(ns, 'involvedObject.name=tagged', '{range .items[*]}{.reason}{" "}{end}');
  assert.match(events, /Synced/);
});

test("a configmap source naming another registry's storage ConfigMap reads its content (the cache keeps only the metadata of ours)", async () => {
  const expected = fixtureNamesWithTag('search');
  await waitPhase(ns, 'tagged', 'Ready');
  await client().create(
    { ...REGISTRIES, namespace: ns },
    registry(ns, 'reads-storage', {
      sources: [{ name: 'stored', type: 'configmap', configMapRef: { name: 'tagged-registry-storage' } }],
    }),
  );
  const r = await waitPhase(ns, 'reads-storage', 'Ready');
  assert.equal(r.status?.sync?.serverCount, expected.length);
  const stored = await readStoredCatalog(client(), ns, 'reads-storage');
  assert.deepEqual(
    stored?.catalog.servers.map((s) => s.name),
    expected,
  );
});

test('without a filter every fixture server is stored, and a ConfigMap edit resyncs without waiting for an interval', async () => {
  const all = Object.keys(FIXTURE_DOC.servers).length + Object.keys(FIXTURE_DOC.remote_servers ?? {}).length;
  await putConfigMap(ns, 'small', { 'registry.json': FIXTURE });
  await client().create(
    { ...REGISTRIES, namespace: ns },
    registry(ns, 'all', { sources: [{ name: 'main', type: 'configmap', configMapRef: { name: 'small' } }] }),
  );
  await waitPhase(ns, 'all', 'Ready', (r) => r.status?.sync?.serverCount === all);
  const doc = JSON.parse(FIXTURE) as { servers: Record<string, unknown> };
  const keep = Object.keys(doc.servers).slice(0, 3);
  const trimmed = {
    ...doc,
    servers: Object.fromEntries(keep.map((k) => [k, doc.servers[k]])),
    remote_servers: {},
  };
  await putConfigMap(ns, 'small', { 'registry.json': JSON.stringify(trimmed) });
  const r = await waitPhase(ns, 'all', 'Ready', (x) => x.status?.sync?.serverCount === 3, 30_000);
  assert.equal(r.spec.syncPolicy, undefined);
  const stored = await readStoredCatalog(client(), ns, 'all');
  assert.deepEqual(
    stored?.catalog.servers.map((s) => s.name),
    [...keep].sort(),
  );
});

test('a manual trigger syncs once and is recorded; a no-op resync writes nothing', async () => {
  const before = await storageConfigMaps(ns, 'tagged');
  const r0 = await getReg(ns, 'tagged');
  kubectlOk([
    'annotate',
    'mcpregistries.v1beta1.toolhive.stacklok.io',
    'tagged',
    '-n',
    ns,
    'toolhive.stacklok.io/sync-trigger=t1',
    '--overwrite',
  ]);
  const r1 = await waitPhase(ns, 'tagged', 'Ready', (x) => x.status?.sync?.lastManualSyncTrigger === 't1');
  assert.equal(r1.status?.sync?.hash, r0.status?.sync?.hash);
  // Same bytes: the storage ConfigMap was not rewritten.
  const after = await storageConfigMaps(ns, 'tagged');
  assert.equal(after[0]?.metadata.resourceVersion, before[0]?.metadata.resourceVersion);
  // Touch the source ConfigMap without changing the catalog bytes: a resync, no writes at all.
  const rvBefore = (await getReg(ns, 'tagged')).metadata.resourceVersion;
  kubectlOk(['label', 'configmap', 'catalog', '-n', ns, `touched=${Date.now()}`, '--overwrite']);
  await new Promise((r) => setTimeout(r, 1500));
  assert.equal(
    (await getReg(ns, 'tagged')).metadata.resourceVersion,
    rvBefore,
    'the registry (status) was written on a no-op resync',
  );
  assert.equal(
    (await storageConfigMaps(ns, 'tagged'))[0]?.metadata.resourceVersion,
    before[0]?.metadata.resourceVersion,
  );
  assert.match(ctrl.log(), /"reason":"SourceChanged"/);
});

test('a missing ConfigMap key fails with an actionable reason and keeps the last good storage byte-identical', async () => {
  const before = await storageConfigMaps(ns, 'tagged');
  await client().patch({ ...REGISTRIES, namespace: ns, name: 'tagged' }, 'json', [
    { op: 'add', path: '/spec/sources/0/configMapRef/key', value: 'missing.json' },
  ]);
  const r = await waitPhase(ns, 'tagged', 'Failed');
  assert.match(
    r.status?.message ?? '',
    /^ConfigMap ctrl-cm-[0-9a-f]+\/catalog has no key "missing\.json" \(keys: registry\.json\); serving the last good data from /,
  );
  const cond = Object.fromEntries(
    (r.status?.conditions ?? []).map((c) => [c.type, `${c.status}/${c.reason}`]),
  );
  assert.equal(cond.SourceAvailable, 'False/ConfigMapKeyNotFound');
  assert.equal(cond.Ready, 'False/SyncFailed');
  assert.ok((r.status?.sync?.attempts ?? 0) >= 1);
  assert.deepEqual(await storageConfigMaps(ns, 'tagged'), before);
  // Backoff: attempts keep rising slowly, not in a hot loop.
  await eventually(
    'a retry',
    async () => ((await getReg(ns, 'tagged')).status?.sync?.attempts ?? 0) >= 2 || undefined,
    20_000,
  );
  // Recovery once the fault is gone.
  await putConfigMap(ns, 'catalog', { 'registry.json': FIXTURE, 'missing.json': FIXTURE });
  const ok = await waitPhase(ns, 'tagged', 'Ready', () => true, 30_000);
  assert.equal(ok.status?.sync?.attempts, 0);
});

test('deleting the registry removes its storage through the finalizer', async () => {
  await client().delete({ ...REGISTRIES, namespace: ns, name: 'all' });
  await eventually('storage deleted', async () =>
    (await storageConfigMaps(ns, 'all')).length === 0 ? true : undefined,
  );
  await eventually('registry gone', async () => {
    try {
      await getReg(ns, 'all');
      return undefined;
    } catch {
      return true;
    }
  });
});
