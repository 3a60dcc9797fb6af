/**
 * The per-registry API workload against a hostile namespace (SPEC §18, issue #26 items 4 and 12), on
 * the real apiserver:
 *   - a user's ConfigMap named like a shard the registry has not written (`t2-registry-storage-5`) is
 *     never granted to the API's ServiceAccount; the Role follows the shards storage actually holds;
 *   - each registry API gets a NetworkPolicy the apiserver accepts: ingress from its own namespace,
 *     the operator's namespace and the consenting readers only, following the annotation, plus the
 *     namespaces the platform selects by label (its monitoring) when it does.
 */
import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import { client, createNamespace, kubectl, kubectlOk } from '../../support/cluster.ts';
import { reconcileApiWorkload } from '../../../src/controller/workload/api-workload.ts';
import { networkPolicyStale } from '../../../src/controller/workload/network-policy.ts';
import { REGISTRIES } from '../../../src/kube/mcpregistries.ts';
import type { MCPRegistryV1beta1 } from '../../../src/api/types.ts';

const READERS = 'toolhive.stacklok.io/allowed-reader-namespaces';
let ns: string;

before(async () => {
  ns = await createNamespace('iso-workload');
});

async function registryNamed(name: string, annotations?: Record<string, string>) {
  return (
    await client().create<MCPRegistryV1beta1>(
      { ...REGISTRIES, namespace: ns },
      {
        apiVersion: 'toolhive.stacklok.io/v1beta1',
        kind: 'MCPRegistry',
        metadata: { name, namespace: ns, annotations },
        spec: { sources: [{ name: 'main', type: 'configmap', configMapRef: { name: 'x' } }] },
      },
    )
  ).body;
}
const image = { image: 'example.invalid/thv:test', enabled: true, operatorNamespace: 'toolhive-system' };
const can = (sa: string, what: string) =>
  kubectl(['auth', 'can-i', `--as=system:serviceaccount:${ns}:${sa}`, '-n', ns, 'get', what]).stdout.trim();

test("a user's ConfigMap named like a future shard is not readable by the registry API", async () => {
  kubectlOk(['create', 'configmap', 't2-registry-storage-5', '-n', ns, '--from-literal=secret=private']);
  const reg = await registryNamed('t2');
  const stored = ['t2-registry-storage', 't2-registry-storage-0', 't2-registry-storage-1'];
  await reconcileApiWorkload(client(), { ...reg, status: { storage: { configMaps: stored } } }, image);
  const role = JSON.parse(kubectlOk(['get', 'role', 't2-api', '-n', ns, '-o', 'json'])) as {
    rules: { resourceNames: string[] }[];
  };
  assert.deepEqual(role.rules[0]?.resourceNames, stored);
  assert.equal(can('t2-api', 'configmaps/t2-registry-storage-5'), 'no');
  assert.equal(can('t2-api', 'configmaps/t2-registry-storage-1'), 'yes');
  // The catalog shrinks to one ConfigMap: the Role follows.
  await reconcileApiWorkload(client(), reg, { ...image, storage: ['t2-registry-storage'] });
  assert.equal(can('t2-api', 'configmaps/t2-registry-storage-1'), 'no');
  assert.equal(can('t2-api', 'configmaps/t2-registry-storage'), 'yes');
});

type Policy = {
  spec: {
    podSelector: { matchLabels: Record<string, string> };
    policyTypes: string[];
    ingress: { from: Record<string, unknown>[]; ports: { port: number; protocol: string }[] }[];
  };
};
const policyOf = (name: string) =>
  JSON.parse(kubectlOk(['get', 'networkpolicy', `${name}-api`, '-n', ns, '-o', 'json'])) as Policy;
const byName = (n: string) => ({ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': n } } });

test('each registry API has a NetworkPolicy: own namespace, operator, consenting readers; it follows consent', async () => {
  const reg = await registryNamed('shared', { [READERS]: 'team-b, team-a' });
  await reconcileApiWorkload(client(), reg, image);
  const p = policyOf('shared');
  assert.deepEqual(p.spec.podSelector.matchLabels, { 'app.kubernetes.io/instance': 'shared-api' });
  assert.deepEqual(p.spec.policyTypes, ['Ingress']);
  assert.deepEqual(p.spec.ingress, [
    {
      from: [{ podSelector: {} }, byName('toolhive-system'), byName('team-a'), byName('team-b')],
      ports: [{ port: 8080, protocol: 'TCP' }],
    },
  ]);
  // Consent withdrawn from team-b: the controller notices between syncs and re-applies.
  const edited = (
    await client().patch<MCPRegistryV1beta1>({ ...REGISTRIES, namespace: ns, name: 'shared' }, 'merge', {
      metadata: { annotations: { [READERS]: 'team-a' } },
    })
  ).body;
  assert.equal(networkPolicyStale(edited), true);
  await reconcileApiWorkload(client(), edited, image);
  assert.equal(networkPolicyStale(edited), false);
  assert.deepEqual(policyOf('shared').spec.ingress[0]?.from, [
    { podSelector: {} },
    byName('toolhive-system'),
    byName('team-a'),
  ]);
  // `*`: every namespace may read it.
  const open = (
    await client().patch<MCPRegistryV1beta1>({ ...REGISTRIES, namespace: ns, name: 'shared' }, 'merge', {
      metadata: { annotations: { [READERS]: '*' } },
    })
  ).body;
  await reconcileApiWorkload(client(), open, image);
  assert.deepEqual(policyOf('shared').spec.ingress[0]?.from, [{ namespaceSelector: {} }]);
});

test("the platform's monitoring namespace, selected by label, is let into the policy (Prometheus scrapes /metrics)", async () => {
  const reg = await registryNamed('scraped');
  const monitoring = { 'kubernetes.io/metadata.name': 'monitoring' };
  await reconcileApiWorkload(client(), reg, { ...image, ingressNamespaceSelector: monitoring });
  assert.deepEqual(policyOf('scraped').spec.ingress[0]?.from, [
    { podSelector: {} },
    byName('toolhive-system'),
    { namespaceSelector: { matchLabels: monitoring } },
  ]);
  // Unset again (the default): the next apply takes the peer away.
  await reconcileApiWorkload(client(), reg, image);
  assert.deepEqual(policyOf('scraped').spec.ingress[0]?.from, [
    { podSelector: {} },
    byName('toolhive-system'),
  ]);
});
