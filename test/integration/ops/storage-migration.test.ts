/**
 * Storage version migration against what etcd holds (SPEC §17): MCPRegistries created while the CRD
 * stored v1alpha1 are in etcd as v1alpha1; after the CRD switches its storage version to v1beta1 they
 * stay so (the apiserver converts on read) until `thv registry migrate-storage` (run as a user runs it) writes each one back; then etcd holds
 * only v1beta1 objects, their content read through the API is unchanged, and the CRD's
 * status.storedVersions is only v1beta1. A control plane of its own (the CRD's storage version is
 * changed), with the operator serving conversion and admission as in the product.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { kubeconfigFor, startControlPlane, type ControlPlane } from '../../../src/local/control-plane.ts';
import { startLocalStack, type LocalStack } from '../../../src/local/stack.ts';
import { buildCrd } from '../../../src/api/crd.ts';
import { CRD_NAME } from '../../../src/api/constants.ts';
import { KubeClient } from '../../../src/kube/client.ts';
import { pollUntil } from '../../../src/local/poll.ts';
import { spawnSync } from 'node:child_process';

const THV = join(import.meta.dirname, '../../../src/bin/thv.ts');
/** The documented step, as a user runs it. */
function thv(args: string[]) {
  const r = spawnSync(process.execPath, [THV, '--kubeconfig', cp.kubeconfigPath, ...args], {
    encoding: 'utf8',
    timeout: 120_000,
  });
  if (r.error) throw r.error;
  return { code: r.status, out: r.stdout, err: r.stderr };
}

const CRDS = { group: 'apiextensions.k8s.io', version: 'v1', plural: 'customresourcedefinitions' } as const;
const PREFIX = '/registry/toolhive.stacklok.io/mcpregistries/';

let cp: ControlPlane;
let stack: LocalStack;
let client: KubeClient;

before(async () => {
  cp = await startControlPlane();
  stack = await startLocalStack({
    kubeconfigPath: cp.kubeconfigPath,
    dir: mkdtempSync(join(tmpdir(), 'mcpr-migrate-')),
  });
  client = KubeClient.load({ kubeconfig: cp.kubeconfigPath });
});
after(async () => {
  client?.close();
  await stack?.stop();
  await cp?.stop();
});

type Crd = {
  spec: { versions: { name: string; storage: boolean }[] };
  status?: { storedVersions?: string[] };
};

/** The product's CRD (conversion through the stack's operator), with `storage` the storage version. */
async function applyCrd(storage: string): Promise<void> {
  const crd = buildCrd({
    conversion: { kind: 'url', url: `${stack.webhookUrl}/convert`, caBundle: stack.caBundle },
  });
  for (const v of (crd as Crd).spec.versions) v.storage = v.name === storage;
  await client.patch({ ...CRDS, name: CRD_NAME }, 'apply', crd, {
    fieldManager: 'mcp-registry-local-stack',
    force: true,
  });
  // The apiserver switches its encoder some time after the CRD changes: a probe object written until
  // etcd holds it in the new version says the switch is done.
  const probe = { ...registries, version: 'v1beta1', namespace: 'team-a' };
  await pollUntil(
    `new objects to be stored as ${storage}`,
    async () => {
      await client.create(probe, {
        apiVersion: 'toolhive.stacklok.io/v1beta1',
        kind: 'MCPRegistry',
        metadata: { name: 'storage-probe' },
        spec: { sources: [{ name: 'main', type: 'configmap', configMapRef: { name: 'catalog' } }] },
      });
      const version = (await stored())['team-a/storage-probe'];
      await client.delete({ ...probe, name: 'storage-probe' });
      await pollUntil(
        'the probe to go',
        async () => !(await stored())['team-a/storage-probe'] || undefined,
        30_000,
      );
      return version === `toolhive.stacklok.io/${storage}` || undefined;
    },
    30_000,
  );
}

/** Every MCPRegistry as etcd holds it (etcd's JSON gateway on loopback): key → apiVersion. */
async function stored(): Promise<Record<string, string>> {
  const b64 = (s: string) => Buffer.from(s).toString('base64');
  const end = PREFIX.slice(0, -1) + String.fromCharCode(PREFIX.charCodeAt(PREFIX.length - 1) + 1);
  const r = await fetch(`${cp.etcdUrl}/v3/kv/range`, {
    method: 'POST',
    body: JSON.stringify({ key: b64(PREFIX), range_end: b64(end) }),
  });
  assert.equal(r.status, 200);
  const body = (await r.json()) as { kvs?: { key: string; value: string }[] };
  return Object.fromEntries(
    (body.kvs ?? []).map((kv) => {
      const key = Buffer.from(kv.key, 'base64').toString().slice(PREFIX.length);
      const obj = JSON.parse(Buffer.from(kv.value, 'base64').toString()) as { apiVersion: string };
      return [key, obj.apiVersion];
    }),
  );
}

const registries = { group: 'toolhive.stacklok.io', plural: 'mcpregistries' };
type Reg = { metadata: Record<string, unknown>; spec: unknown; status?: unknown };
const content = (r: Reg) => ({
  name: r.metadata.name,
  labels: r.metadata.labels,
  spec: r.spec,
  status: r.status,
});

test('objects stored as v1alpha1 are rewritten as v1beta1; storedVersions is trimmed to v1beta1', async () => {
  await client.create({ group: '', version: 'v1', plural: 'namespaces' }, { metadata: { name: 'team-a' } });
  await applyCrd('v1alpha1');
  const ns = { ...registries, namespace: 'team-a' };
  await client.create(
    { ...ns, version: 'v1alpha1' },
    {
      apiVersion: 'toolhive.stacklok.io/v1alpha1',
      kind: 'MCPRegistry',
      metadata: { name: 'old-alpha', labels: { team: 'a' } },
      spec: { source: { type: 'configmap', configmap: { name: 'catalog' } } },
    },
  );
  // Written as v1beta1 through the API, stored as v1alpha1 all the same.
  await client.create(
    { ...ns, version: 'v1beta1' },
    {
      apiVersion: 'toolhive.stacklok.io/v1beta1',
      kind: 'MCPRegistry',
      metadata: { name: 'old-beta' },
      spec: { sources: [{ name: 'main', type: 'configmap', configMapRef: { name: 'catalog' } }] },
    },
  );
  await client.patch({ ...ns, version: 'v1beta1', name: 'old-beta', subresource: 'status' }, 'merge', {
    status: { phase: 'Ready', message: 'stored before the migration' },
  });
  await applyCrd('v1beta1');
  await client.create(
    { ...ns, version: 'v1beta1' },
    {
      apiVersion: 'toolhive.stacklok.io/v1beta1',
      kind: 'MCPRegistry',
      metadata: { name: 'new' },
      spec: { sources: [{ name: 'main', type: 'configmap', configMapRef: { name: 'catalog' } }] },
    },
  );
  assert.deepEqual(await stored(), {
    'team-a/new': 'toolhive.stacklok.io/v1beta1',
    'team-a/old-alpha': 'toolhive.stacklok.io/v1alpha1',
    'team-a/old-beta': 'toolhive.stacklok.io/v1alpha1',
  });
  const crd = await client.get<Crd>({ ...CRDS, name: CRD_NAME });
  assert.deepEqual([...(crd.status?.storedVersions ?? [])].sort(), ['v1alpha1', 'v1beta1']);
  const list = async () => (await client.list<Reg>({ ...registries, version: 'v1beta1' })).items.map(content);
  const before = await list();

  const was = `[${crd.status?.storedVersions?.join(', ')}]`;
  assert.deepEqual(thv(['registry', 'migrate-storage', '--dry-run']), {
    code: 0,
    out: `would rewrite 3 MCPRegistries as v1beta1 and set status.storedVersions of mcpregistries.toolhive.stacklok.io from ${was} to [v1beta1] (dry run: nothing written)\n`,
    err: '',
  });
  assert.equal(
    (await stored())['team-a/old-alpha'],
    'toolhive.stacklok.io/v1alpha1',
    'a dry run writes nothing',
  );

  assert.deepEqual(thv(['registry', 'migrate-storage']), {
    code: 0,
    out:
      'team-a/new: rewritten\nteam-a/old-alpha: rewritten\nteam-a/old-beta: rewritten\n' +
      `3 MCPRegistries rewritten as v1beta1; status.storedVersions of mcpregistries.toolhive.stacklok.io: ${was} -> [v1beta1]\n`,
    err: '',
  });
  assert.deepEqual(await stored(), {
    'team-a/new': 'toolhive.stacklok.io/v1beta1',
    'team-a/old-alpha': 'toolhive.stacklok.io/v1beta1',
    'team-a/old-beta': 'toolhive.stacklok.io/v1beta1',
  });
  assert.deepEqual(await list(), before, 'the objects read the same');
  assert.deepEqual((await client.get<Crd>({ ...CRDS, name: CRD_NAME })).status?.storedVersions, ['v1beta1']);
  // Safe to repeat.
  assert.equal(thv(['registry', 'migrate-storage']).code, 0);
  assert.deepEqual((await client.get<Crd>({ ...CRDS, name: CRD_NAME })).status?.storedVersions, ['v1beta1']);
});

test('without the rights it needs, migrate-storage says which and what to ask for, and changes nothing', async () => {
  const kc = join(mkdtempSync(join(tmpdir(), 'mcpr-migrate-user-')), 'kubeconfig');
  writeFileSync(kc, await kubeconfigFor(cp, 'someone'));
  const before = await client.get<Crd>({ ...CRDS, name: CRD_NAME });
  const r = spawnSync(process.execPath, [THV, '--kubeconfig', kc, 'registry', 'migrate-storage'], {
    encoding: 'utf8',
    timeout: 120_000,
  });
  assert.deepEqual(
    { code: r.status, out: r.stdout, err: r.stderr },
    {
      code: 1,
      out: '',
      err:
        'error: permission denied: customresourcedefinitions.apiextensions.k8s.io "mcpregistries.toolhive.stacklok.io" is forbidden: User "someone" cannot get resource "customresourcedefinitions" in API group "apiextensions.k8s.io" at the cluster scope\n' +
        'Ask a cluster administrator for a ClusterRole that allows "get" on customresourcedefinitions.apiextensions.k8s.io in all namespaces; check your access with `kubectl auth can-i get customresourcedefinitions.apiextensions.k8s.io --all-namespaces`.\n',
    },
  );
  assert.deepEqual((await client.get<Crd>({ ...CRDS, name: CRD_NAME })).status, before.status);
});
