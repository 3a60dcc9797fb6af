/**
 * `spec.api.authorization` and `spec.api.audit` (SPEC §13) on the shared stack (real apiserver, our
 * webhooks) with a real controller: kept through the v1alpha1 view, and reaching the API Deployment the
 * apiserver accepted (the policies ConfigMap as an optional volume, the flags), then removed again.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { client, createNamespace, eventually, kubeconfigPath, kubectlOk } from '../../support/cluster.ts';
import { startController, type ControllerProcess } from '../../support/controller.ts';
import { REGISTRIES } from '../../../src/kube/mcpregistries.ts';
import { ANNOTATION_V1BETA1_SPEC } from '../../../src/api/constants.ts';
import { FIXTURE, getReg, putConfigMap, registry } from '../controller/helpers.ts';

let ns: string;
let ctrl: ControllerProcess;
const source = [{ name: 'main', type: 'configmap' as const, configMapRef: { name: 'catalog' } }];
const api = {
  authorization: { policiesConfigMapRef: { name: 'rules', key: 'team.cedar' } },
  audit: { enabled: true },
};

type Pod = {
  volumes?: unknown[];
  containers: { args: string[]; volumeMounts?: unknown[] }[];
};

before(async () => {
  ns = await createNamespace('api-authz');
  await putConfigMap(ns, 'catalog', { 'registry.json': FIXTURE });
  await putConfigMap(ns, 'rules', { 'team.cedar': '@id("all") permit(principal, action, resource);' });
  ctrl = startController({
    kubeconfig: kubeconfigPath(),
    namespaces: [ns],
    extraArgs: ['--deploy-registry-api=true', '--registry-api-image=example.invalid/thv:test'],
  });
});
after(async () => {
  await ctrl?.stop();
});

test('authorization and audit reach the Deployment, survive the v1alpha1 view, and leave with the spec', async () => {
  await client().create(
    { ...REGISTRIES, namespace: ns },
    registry(ns, 'guarded', { sources: source, api } as never),
  );
  const alpha = JSON.parse(
    kubectlOk(['get', 'mcpregistries.v1alpha1.toolhive.stacklok.io', 'guarded', '-n', ns, '-o', 'json']),
  ) as { metadata: { annotations: Record<string, string> } };
  assert.deepEqual(JSON.parse(alpha.metadata.annotations[ANNOTATION_V1BETA1_SPEC]!).api, api);
  assert.deepEqual((await getReg(ns, 'guarded')).spec.api, api);

  const podSpec = () =>
    (
      JSON.parse(kubectlOk(['get', 'deployment', 'guarded-api', '-n', ns, '-o', 'json'])) as {
        spec: { template: { spec: Pod } };
      }
    ).spec.template.spec;
  const pod = await eventually(
    'the Deployment',
    () => {
      try {
        return podSpec();
      } catch {
        return undefined;
      }
    },
    60_000,
  );
  const args = pod.containers[0]!.args;
  assert.deepEqual(args.slice(args.indexOf('--authorization-policies'), args.indexOf('--address')), [
    '--authorization-policies',
    '/etc/thv-registry-api/authorization/policies.cedar',
    '--audit',
  ]);
  assert.deepEqual(pod.volumes, [
    {
      name: 'authorization-policies',
      configMap: {
        name: 'rules',
        items: [{ key: 'team.cedar', path: 'policies.cedar' }],
        optional: true,
        defaultMode: 0o444,
      },
    },
  ]);
  assert.deepEqual(pod.containers[0]!.volumeMounts, [
    { name: 'authorization-policies', mountPath: '/etc/thv-registry-api/authorization', readOnly: true },
  ]);

  kubectlOk([
    'patch',
    'mcpregistry',
    'guarded',
    '-n',
    ns,
    '--type',
    'json',
    '-p',
    '[{"op":"remove","path":"/spec/api"}]',
  ]);
  await eventually(
    'the volume and flags to go',
    () => {
      const p = podSpec();
      const a = p.containers[0]!.args;
      return (
        (p.volumes === undefined && !a.includes('--audit') && !a.includes('--authorization-policies')) ||
        undefined
      );
    },
    60_000,
  );
});
