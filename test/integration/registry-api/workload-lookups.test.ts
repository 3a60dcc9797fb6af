/**
 * The API workload's reconcile against a real apiserver does not look again for the objects its spec
 * no longer wants once it has removed them (the PodDisruptionBudget below 2 replicas, the review
 * ClusterRoleBinding of an anonymous API, the serving objects of a disabled one): at thousands of
 * registries those GETs came back on every sync. What it applies again it removes again.
 */
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { client, createNamespace, kubectl } from '../../support/cluster.ts';
import { reconcileApiWorkload } from '../../../src/controller/workload/api-workload.ts';
import { REGISTRIES } from '../../../src/kube/mcpregistries.ts';
import type { KubeClient } from '../../../src/kube/client.ts';
import type { MCPRegistryV1beta1 } from '../../../src/api/types.ts';
import type { ApiSpec } from '../../../src/api/schema/api.ts';
import { registry } from '../controller/helpers.ts';

let ns: string;
let reg: MCPRegistryV1beta1;

/** The real client, recording the plural of every lookup (find) it makes. */
function recording(): { client: KubeClient; looked: string[] } {
  const real = client();
  const looked: string[] = [];
  const c = new Proxy(real, {
    get(target, prop, receiver) {
      if (prop !== 'find') return Reflect.get(target, prop, receiver) as unknown;
      return (...args: Parameters<KubeClient['find']>) => {
        looked.push(args[0].plural);
        return target.find(...args);
      };
    },
  });
  return { client: c, looked };
}

const withApi = (api: ApiSpec): MCPRegistryV1beta1 => ({ ...reg, spec: { ...reg.spec, api } });
const reconcile = (c: KubeClient, r: MCPRegistryV1beta1) =>
  reconcileApiWorkload(c, r, { image: 'example.invalid/thv:test', enabled: true });
const exists = (kind: string) =>
  kind === 'clusterrolebinding'
    ? kubectl(['get', kind, `mcp-registry-api:${ns}:cat`]).code === 0
    : kubectl(['get', kind, 'cat-api', '-n', ns]).code === 0;

before(async () => {
  ns = await createNamespace('lookups');
  reg = (
    await client().create<MCPRegistryV1beta1>(
      { ...REGISTRIES, namespace: ns },
      registry(ns, 'cat', { sources: [{ name: 'main', type: 'configmap', configMapRef: { name: 'x' } }] }),
    )
  ).body;
});

test('an unwanted PodDisruptionBudget and review binding are looked for until removed, then not again', async () => {
  const r = recording();
  const full = withApi({ replicas: 2, auth: { mode: 'kubernetes' } });
  const single = withApi({ replicas: 1, auth: { mode: 'anonymous' } });
  await reconcile(r.client, full);
  assert.deepEqual([exists('pdb'), exists('clusterrolebinding')], [true, true]);
  await reconcile(r.client, single);
  assert.deepEqual([exists('pdb'), exists('clusterrolebinding')], [false, false]);
  r.looked.length = 0;
  await reconcile(r.client, single);
  assert.deepEqual(
    r.looked.filter((p) => p === 'poddisruptionbudgets' || p === 'clusterrolebindings'),
    [],
  );
  // Applied again, they are removed again: what this process applies, it knows may exist.
  await reconcile(r.client, full);
  assert.deepEqual([exists('pdb'), exists('clusterrolebinding')], [true, true]);
  await reconcile(r.client, single);
  assert.deepEqual([exists('pdb'), exists('clusterrolebinding')], [false, false]);
});

test('a disabled API: its serving objects are removed once, then not looked for on each reconcile', async () => {
  const r = recording();
  const off = withApi({ enabled: false });
  await reconcile(r.client, withApi({ replicas: 2 }));
  assert.ok(exists('deployment') && exists('service') && exists('networkpolicy') && exists('pdb'));
  await reconcile(r.client, off);
  assert.deepEqual(['deployment', 'service', 'networkpolicy', 'pdb'].map(exists), [
    false,
    false,
    false,
    false,
  ]);
  r.looked.length = 0;
  await reconcile(r.client, off);
  assert.deepEqual(r.looked, ['serviceaccounts', 'roles', 'rolebindings']);
  // Enabled again: the serving objects come back and are removed again when disabled.
  await reconcile(r.client, withApi({}));
  assert.ok(exists('deployment') && exists('service') && exists('networkpolicy'));
  await reconcile(r.client, off);
  assert.deepEqual(['deployment', 'service', 'networkpolicy'].map(exists), [false, false, false]);
});
