/** Cluster-wide defaults of the per-registry API: the flags, their refusals, and what a registry gets. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseOperatorConfig } from '../../../src/config/operator-config.ts';
import { desiredApiObjects } from '../../../src/controller/workload/api-objects.ts';
import type { MCPRegistryV1beta1 } from '../../../src/api/types.ts';

test('--registry-api-replicas and --registry-api-resources (and their environment variables)', () => {
  const c = parseOperatorConfig(
    ['--registry-api-replicas=2', '--registry-api-resources=requests.cpu=100m,limits.memory=1Gi'],
    {},
  );
  assert.equal(c.registryApiReplicas, 2);
  assert.deepEqual(c.registryApiResources, { requests: { cpu: '100m' }, limits: { memory: '1Gi' } });
  const e = parseOperatorConfig([], {
    REGISTRY_API_REPLICAS: '3',
    REGISTRY_API_RESOURCES: 'requests.memory=96Mi',
  });
  assert.equal(e.registryApiReplicas, 3);
  assert.deepEqual(e.registryApiResources, { requests: { memory: '96Mi' } });
  assert.equal(
    parseOperatorConfig(['--registry-api-ingress-class=nginx'], {}).registryApiIngressClass,
    'nginx',
  );
  assert.equal(parseOperatorConfig([], { REGISTRY_API_INGRESS_CLASS: 'gce' }).registryApiIngressClass, 'gce');
  const none = parseOperatorConfig([], {});
  assert.equal(none.registryApiReplicas, 1);
  assert.deepEqual(none.registryApiResources, {
    requests: { cpu: '50m', memory: '64Mi' },
    limits: { memory: '256Mi' },
  });
});

const REFUSED: [string, string][] = [
  ['--registry-api-replicas=0', '--registry-api-replicas: invalid value "0": must be an integer 1-50'],
  ['--registry-api-replicas=51', '--registry-api-replicas: invalid value "51": must be an integer 1-50'],
  [
    '--registry-api-resources=requests.gpu=1',
    '--registry-api-resources: invalid entry "requests.gpu=1": unknown key "requests.gpu"; use requests.cpu=Q,requests.memory=Q,limits.cpu=Q,limits.memory=Q',
  ],
  [
    '--registry-api-resources=limits.memory=lots',
    '--registry-api-resources: invalid entry "limits.memory=lots": not a Kubernetes quantity greater than 0; use requests.cpu=Q,requests.memory=Q,limits.cpu=Q,limits.memory=Q',
  ],
  [
    '--registry-api-resources=limits.cpu=1,limits.cpu=2',
    '--registry-api-resources: invalid entry "limits.cpu=2": limits.cpu given twice; use requests.cpu=Q,requests.memory=Q,limits.cpu=Q,limits.memory=Q',
  ],
  [
    '--registry-api-ingress-class=Nginx_Public',
    `--registry-api-ingress-class: invalid value "Nginx_Public": must be an IngressClass name (lower case letters, digits, '-' and '.')`,
  ],
  [
    '--registry-api-resources=requests.memory=2Gi,limits.memory=1Gi',
    '--registry-api-resources: requests.memory=2Gi is more than limits.memory=1Gi',
  ],
];
for (const [flag, message] of REFUSED)
  test(`refused: ${flag}`, () => {
    assert.throws(() => parseOperatorConfig([flag], {}), { message });
  });

const reg = (api?: MCPRegistryV1beta1['spec']['api']): MCPRegistryV1beta1 =>
  ({
    apiVersion: 'toolhive.stacklok.io/v1beta1',
    kind: 'MCPRegistry',
    metadata: { name: 'r', namespace: 'ns', uid: 'u' },
    spec: {
      sources: [{ name: 'm', type: 'configmap', configMapRef: { name: 'c' } }],
      ...(api ? { api } : {}),
    },
  }) as MCPRegistryV1beta1;
const defaults = { apiDefaults: { replicas: 2, resources: { limits: { memory: '1Gi' } } } };
const deployment = (objs: ReturnType<typeof desiredApiObjects>) =>
  objs.find((o) => o.kind === 'Deployment') as unknown as {
    spec: { replicas: number; template: { spec: { containers: { resources: unknown }[] } } };
  };

test('the operator defaults apply where spec.api is silent, and spec.api wins where it speaks', () => {
  const d = desiredApiObjects(reg(), 'img', defaults);
  assert.equal(deployment(d).spec.replicas, 2);
  assert.deepEqual(deployment(d).spec.template.spec.containers[0]!.resources, { limits: { memory: '1Gi' } });
  assert.ok(
    d.some((o) => o.kind === 'PodDisruptionBudget'),
    'a PDB for the defaulted 2 replicas',
  );
  const own = desiredApiObjects(reg({ replicas: 1, resources: { requests: { cpu: '1' } } }), 'img', defaults);
  assert.equal(deployment(own).spec.replicas, 1);
  assert.deepEqual(deployment(own).spec.template.spec.containers[0]!.resources, { requests: { cpu: '1' } });
  assert.ok(!own.some((o) => o.kind === 'PodDisruptionBudget'));
  const builtIn = desiredApiObjects(reg(), 'img');
  assert.equal(deployment(builtIn).spec.replicas, 1);
  assert.deepEqual(deployment(builtIn).spec.template.spec.containers[0]!.resources, {
    requests: { cpu: '50m', memory: '64Mi' },
    limits: { memory: '256Mi' },
  });
});
