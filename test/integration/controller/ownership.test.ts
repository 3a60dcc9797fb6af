/**
 * Ownership against the real apiserver with a real controller (issue #12.2, SPEC §8 "Ownership"): a
 * user's ConfigMap named `<name>-registry-storage`, a user's Role and Service named `<name>-api`, and a
 * source ConfigMap that carries our labels are never written, taken over or deleted; a taken name is
 * `Failed`/`NameConflict` with a condition and a Warning Event naming the object. And issue #12.6: a
 * registry whose name cannot name its objects (stored before admission refused such names; here in
 * a namespace the webhooks exclude) says why in its status and can always be deleted.
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
import { REGISTRIES } from '../../../src/kube/mcpregistries.ts';
import { FIXTURE, getReg, putConfigMap, registry, storageConfigMaps, waitPhase } from './helpers.ts';

/** Excluded by the webhooks' namespaceSelector (webhooks/*.yaml): objects here bypass admission. */
const UNADMITTED_NS = 'toolhive-system';
let ns: string;
let ctrl: ControllerProcess;

const CM = { group: '', version: 'v1', plural: 'configmaps' };
const ROLES = { group: 'rbac.authorization.k8s.io', version: 'v1', plural: 'roles' };
const SERVICES = { group: '', version: 'v1', plural: 'services' };
type Obj = {
  metadata: { resourceVersion: string; ownerReferences?: unknown[]; labels?: Record<string, string> };
};

const source = (name = 'catalog') => ({
  sources: [{ name: 'main', type: 'configmap' as const, configMapRef: { name } }],
});

async function gone(namespace: string, name: string) {
  await eventually(
    `${namespace}/${name} deleted`,
    async () => {
      try {
        await getReg(namespace, name);
        return undefined;
      } catch {
        return true;
      }
    },
    60_000,
  );
}

function events(namespace: string, name: string): string {
  return eventsText(
    namespace,
    `involvedObject.name=${name}`,
    '{range .items[*]}{.type}{" "}{.reason}{" "}{.message}{"\\n"}{end}',
  );
}

before(async () => {
  ns = await createNamespace('ctrl-own');
  await client()
    .create({ group: '', version: 'v1', plural: 'namespaces' }, { metadata: { name: UNADMITTED_NS } })
    .catch(() => undefined);
  await putConfigMap(ns, 'catalog', { 'registry.json': FIXTURE });
  ctrl = startController({
    kubeconfig: kubeconfigPath(),
    namespaces: [ns, UNADMITTED_NS],
    // The registry API workload too: its Role and Service are the objects a user may already have.
    extraArgs: ['--deploy-registry-api=true', '--registry-api-image=example.invalid/thv:test'],
  });
});
after(async () => {
  await ctrl?.stop();
});

test("a user's ConfigMap named <name>-registry-storage: NameConflict, left byte-for-byte untouched, survives deletion", async () => {
  const mine = await client().create<Obj>(
    { ...CM, namespace: ns },
    { metadata: { name: 'taken-registry-storage' }, data: { 'notes.txt': 'my own data' } },
  );
  await client().create({ ...REGISTRIES, namespace: ns }, registry(ns, 'taken', source()));
  const message = `ConfigMap ${ns}/taken-registry-storage already exists and is not controlled by MCPRegistry taken; the controller leaves it untouched: delete or rename that ConfigMap, or give the registry another name`;
  const r = await waitPhase(ns, 'taken', 'Failed');
  assert.equal(r.status?.message, `${message}; no data stored yet`);
  const sync = r.status?.conditions?.find((c) => c.type === 'SyncSuccessful');
  assert.deepEqual([sync?.status, sync?.reason, sync?.message], ['False', 'NameConflict', message]);
  await eventually(
    'the Warning event',
    () => events(ns, 'taken').includes(`Warning SyncFailed ${message}`) || undefined,
  );
  // No retry touched it either.
  await eventually(
    'a retry',
    async () => ((await getReg(ns, 'taken')).status?.sync?.attempts ?? 0) >= 2 || undefined,
  );
  const after1 = await client().get<Obj & { data?: Record<string, string> }>({
    ...CM,
    namespace: ns,
    name: 'taken-registry-storage',
  });
  assert.equal(after1.metadata.resourceVersion, mine.body.metadata.resourceVersion);
  assert.deepEqual(after1.data, { 'notes.txt': 'my own data' });
  assert.equal(after1.metadata.ownerReferences, undefined);
  // Nothing of the workload was created for a registry whose storage name is taken.
  assert.equal((await client().find({ ...ROLES, namespace: ns, name: 'taken-api' })) === undefined, true);

  await client().delete({ ...REGISTRIES, namespace: ns, name: 'taken' });
  await gone(ns, 'taken');
  const after2 = await client().get<Obj>({ ...CM, namespace: ns, name: 'taken-registry-storage' });
  assert.equal(after2.metadata.resourceVersion, mine.body.metadata.resourceVersion);
});

test('once the object holding the storage name is deleted, the registry syncs and owns its storage', async () => {
  await client().create(
    { ...CM, namespace: ns },
    { metadata: { name: 'freed-registry-storage' }, data: { 'notes.txt': 'temporary' } },
  );
  await client().create({ ...REGISTRIES, namespace: ns }, registry(ns, 'freed', source()));
  await waitPhase(ns, 'freed', 'Failed', (r) =>
    (r.status?.conditions ?? []).some((c) => c.reason === 'NameConflict'),
  );
  await client().delete({ ...CM, namespace: ns, name: 'freed-registry-storage' });
  const r = await waitPhase(ns, 'freed', 'Ready');
  assert.ok((r.status?.sync?.serverCount ?? 0) > 0);
  const cm = await client().get<Obj>({ ...CM, namespace: ns, name: 'freed-registry-storage' });
  assert.deepEqual(
    (cm.metadata.ownerReferences as { name: string; controller: boolean }[]).map((o) => [
      o.name,
      o.controller,
    ]),
    [['freed', true]],
  );
});

test("a user's Role and Service named <name>-api: NameConflict naming the Role, both untouched, both survive deletion", async () => {
  const role = await client().create<Obj>(
    { ...ROLES, namespace: ns },
    {
      metadata: { name: 'svc-api' },
      rules: [{ apiGroups: [''], resources: ['pods'], verbs: ['get'] }],
    },
  );
  const svc = await client().create<Obj>(
    { ...SERVICES, namespace: ns },
    { metadata: { name: 'svc-api' }, spec: { ports: [{ port: 9999 }], selector: { app: 'mine' } } },
  );
  await client().create({ ...REGISTRIES, namespace: ns }, registry(ns, 'svc', source()));
  const message = `Role ${ns}/svc-api already exists and is not controlled by MCPRegistry svc; the controller leaves it untouched: delete or rename that Role, or give the registry another name`;
  const r = await waitPhase(ns, 'svc', 'Failed');
  const cond = (t: string) => r.status?.conditions?.find((c) => c.type === t);
  assert.deepEqual(
    [cond('SyncSuccessful')?.reason, cond('SyncSuccessful')?.message],
    ['NameConflict', message],
  );
  assert.equal(cond('APIReady')?.reason, 'NameConflict');
  await eventually(
    'the Warning event',
    () => events(ns, 'svc').includes(`Warning SyncFailed ${message}`) || undefined,
  );
  // Checked before anything is applied: not even the ServiceAccount (first in order) exists.
  assert.equal(
    await client().find({
      group: '',
      version: 'v1',
      plural: 'serviceaccounts',
      namespace: ns,
      name: 'svc-api',
    }),
    undefined,
  );

  await client().delete({ ...REGISTRIES, namespace: ns, name: 'svc' });
  await gone(ns, 'svc');
  const role2 = await client().get<Obj>({ ...ROLES, namespace: ns, name: 'svc-api' });
  const svc2 = await client().get<Obj>({ ...SERVICES, namespace: ns, name: 'svc-api' });
  assert.equal(role2.metadata.resourceVersion, role.body.metadata.resourceVersion);
  assert.equal(svc2.metadata.resourceVersion, svc.body.metadata.resourceVersion);
  // Its own storage was cleaned up: only what it controlled.
  assert.deepEqual(await storageConfigMaps(ns, 'svc'), []);
});

test("a source ConfigMap carrying our labels survives the first sync, resyncs, and the registry's deletion", async () => {
  await client().create(
    { ...CM, namespace: ns },
    {
      metadata: {
        name: 'labelled-source',
        labels: {
          'toolhive.stacklok.io/registry': 'lab',
          'app.kubernetes.io/managed-by': 'mcp-registry-operator',
        },
      },
      data: { 'registry.json': FIXTURE },
    },
  );
  await client().create({ ...REGISTRIES, namespace: ns }, registry(ns, 'lab', source('labelled-source')));
  await waitPhase(ns, 'lab', 'Ready');
  const src = await client().get<Obj>({ ...CM, namespace: ns, name: 'labelled-source' });
  // A manual sync stores again (and prunes stale shards): the source is still not touched.
  kubectlOk([
    'annotate',
    'mcpregistries.v1beta1.toolhive.stacklok.io',
    'lab',
    '-n',
    ns,
    'toolhive.stacklok.io/sync-trigger=again',
  ]);
  const r = await waitPhase(ns, 'lab', 'Ready', (x) => x.status?.sync?.lastManualSyncTrigger === 'again');
  assert.ok((r.status?.sync?.serverCount ?? 0) > 0);
  assert.equal(
    (await client().get<Obj>({ ...CM, namespace: ns, name: 'labelled-source' })).metadata.resourceVersion,
    src.metadata.resourceVersion,
  );
  await client().delete({ ...REGISTRIES, namespace: ns, name: 'lab' });
  await gone(ns, 'lab');
  const left = await client().get<Obj>({ ...CM, namespace: ns, name: 'labelled-source' });
  assert.equal(left.metadata.resourceVersion, src.metadata.resourceVersion);
  assert.equal(await client().find({ ...CM, namespace: ns, name: 'lab-registry-storage' }), undefined);
});

const unusable: [string, RegExp][] = [
  [
    `r${'x'.repeat(64)}-${Date.now().toString(36)}`,
    /cannot be used \(metadata\.name: may not be more than 59 characters: the registry's Service "<name>-api" and the label values derived from the name must fit in 63\); nothing is synced for it: delete it and create it again under a usable name; no data stored yet$/,
  ],
  [`a.b-${Date.now().toString(36)}`, /cannot be used \(metadata\.name: must be a DNS-1035 label/],
];
for (const [name, why] of unusable)
  test(`an unusable name stored past admission (${name.length} characters${name.includes('.') ? ', a dot' : ''}): Failed/InvalidName, then deleted with its finalizer`, async () => {
    // As an earlier controller left it: with our finalizer already on.
    await client().create(
      { ...REGISTRIES, namespace: UNADMITTED_NS },
      {
        ...registry(UNADMITTED_NS, name, source()),
        metadata: { name, namespace: UNADMITTED_NS, finalizers: ['toolhive.stacklok.io/registry-cleanup'] },
      },
    );
    const r = await waitPhase(UNADMITTED_NS, name, 'Failed');
    assert.match(r.status?.message ?? '', new RegExp(`^the registry name "${name.replace('.', '\\.')}" `));
    assert.match(r.status?.message ?? '', why);
    assert.equal(r.status?.conditions?.find((c) => c.type === 'SyncSuccessful')?.reason, 'InvalidName');
    assert.match(events(UNADMITTED_NS, name), /Warning SyncFailed the registry name/);
    await client().delete({ ...REGISTRIES, namespace: UNADMITTED_NS, name });
    await gone(UNADMITTED_NS, name);
  });
