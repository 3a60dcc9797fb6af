/**
 * `spec.api` (SPEC §13) on the shared stack (real apiserver, our admission and conversion webhooks)
 * with a real controller: admission's messages as kubectl shows them, the v1alpha1 view keeping
 * spec.api through the real conversion webhook, and the fields reaching the Deployment, Service and
 * PodDisruptionBudget, hand edits reverted by a resync, spec changes applied, `enabled: false`
 * removing the serving objects, and someone else's PodDisruptionBudget of the same name left alone.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import {
  client,
  createNamespace,
  eventually,
  kubeconfigPath,
  kubectl,
  kubectlOk,
} from '../../support/cluster.ts';
import { startController, type ControllerProcess } from '../../support/controller.ts';
import { REGISTRIES } from '../../../src/kube/mcpregistries.ts';
import { ANNOTATION_V1BETA1_SPEC } from '../../../src/api/constants.ts';
import type { MCPRegistryV1beta1 } from '../../../src/api/types.ts';
import { FIXTURE, getReg, putConfigMap, registry, waitPhase } from '../controller/helpers.ts';

const ALPHA_RESOURCE = 'mcpregistries.v1alpha1.toolhive.stacklok.io';
let ns: string;
let ctrl: ControllerProcess;

const source = [{ name: 'main', type: 'configmap' as const, configMapRef: { name: 'catalog' } }];
const api = {
  replicas: 2,
  resources: { requests: { cpu: '100m', memory: '96Mi' }, limits: { cpu: '1', memory: '512Mi' } },
  imagePullSecrets: [{ name: 'pull' }],
  nodeSelector: { 'kubernetes.io/os': 'linux' },
  tolerations: [{ key: 'dedicated', operator: 'Equal', value: 'api', effect: 'NoSchedule' }],
  affinity: {
    podAntiAffinity: {
      preferredDuringSchedulingIgnoredDuringExecution: [
        {
          weight: 100,
          podAffinityTerm: {
            topologyKey: 'kubernetes.io/hostname',
            labelSelector: { matchLabels: { a: 'b' } },
          },
        },
      ],
    },
  },
  priorityClassName: 'system-cluster-critical',
  service: { type: 'NodePort', annotations: { 'example.com/lb': 'internal' } },
  cors: { origins: ['https://app.example.com', 'https://b.example'] },
};

type Deployment = {
  metadata: { resourceVersion: string };
  spec: {
    replicas: number;
    template: {
      spec: Record<string, unknown> & {
        containers: { args: string[]; resources: unknown }[];
      };
    };
  };
};
const get = <T>(kind: string, name: string): T =>
  JSON.parse(kubectlOk(['get', kind, name, '-n', ns, '-o', 'json'])) as T;
const exists = (kind: string, name: string) => kubectl(['get', kind, name, '-n', ns]).code === 0;

before(async () => {
  ns = await createNamespace('api-spec');
  await putConfigMap(ns, 'catalog', { 'registry.json': FIXTURE });
  ctrl = startController({
    kubeconfig: kubeconfigPath(),
    namespaces: [ns],
    extraArgs: ['--deploy-registry-api=true', '--registry-api-image=example.invalid/thv:test'],
  });
});
after(async () => {
  await ctrl?.stop();
});

const refused: [string, unknown, string][] = [
  // The schema's own checks are the apiserver's (it validates the schema before our webhook runs).
  [
    'replicas',
    { replicas: 0 },
    'spec.api.replicas: Invalid value: 0: spec.api.replicas in body should be greater than or equal to 1',
  ],
  [
    'quantity',
    { resources: { requests: { cpu: '2' }, limits: { cpu: '500m' } } },
    'spec.api.resources.requests.cpu: Invalid value: "2": must be less than or equal to cpu limit of 500m',
  ],
  [
    'service',
    { service: { type: 'ExternalName' } },
    '\n* spec.api.service.type: Unsupported value: "ExternalName": supported values: "ClusterIP", "NodePort", "LoadBalancer"\n* <nil>: Invalid value: null: some validation rules were not checked because the object was invalid; correct the existing errors to complete validation',
  ],
  [
    'nodeselector',
    { nodeSelector: { zone: 'a b' } },
    "spec.api.nodeSelector[zone]: Invalid value: \"a b\": a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')",
  ],
  [
    'toleration',
    { tolerations: [{ key: 'k', operator: 'Exists', value: 'v' }] },
    'spec.api.tolerations[0].operator: Invalid value: "v": value must be empty when `operator` is \'Exists\'',
  ],
  [
    'cors',
    { cors: { origins: ['*'] }, auth: { mode: 'kubernetes' } },
    'spec.api.cors.origins[0]: Invalid value: "*": "*" cannot be used with authentication: list the origins that may send credentials',
  ],
];
for (const [name, bad, message] of refused)
  test(`admission refuses a bad spec.api (${name}) with the exact message`, () => {
    const r = kubectl(
      ['apply', '-f', '-'],
      registry(ns, `bad-${name}`, { sources: source, api: bad } as never),
    );
    assert.equal(r.code, 1, r.stdout);
    assert.equal(r.stderr, `The MCPRegistry "bad-${name}" is invalid: ${message}`);
  });

test('a stashed spec.api in a v1alpha1 write is refused at its annotation path', () => {
  const r = kubectl(['apply', '-f', '-'], {
    apiVersion: 'toolhive.stacklok.io/v1alpha1',
    kind: 'MCPRegistry',
    metadata: {
      name: 'bad-stash',
      namespace: ns,
      annotations: { [ANNOTATION_V1BETA1_SPEC]: JSON.stringify({ api: { replicas: 99 } }) },
    },
    spec: { source: { type: 'configmap', configmap: { name: 'catalog' } } },
  });
  assert.equal(r.code, 1, r.stdout);
  assert.equal(
    r.stderr,
    `The MCPRegistry "bad-stash" is invalid: metadata.annotations[${ANNOTATION_V1BETA1_SPEC}].api.replicas: Invalid value: 99: must be less than or equal to 50`,
  );
});

test('spec.api survives the v1alpha1 view: read as v1alpha1, replaced through it, read back as v1beta1', async () => {
  await client().create(
    { ...REGISTRIES, namespace: ns },
    registry(ns, 'conv', { sources: source, api } as never),
  );
  type Alpha = { spec: Record<string, unknown>; metadata: { annotations: Record<string, string> } };
  const readAlpha = () =>
    JSON.parse(kubectlOk(['get', ALPHA_RESOURCE, 'conv', '-n', ns, '-o', 'json'])) as Alpha;
  const alpha = readAlpha();
  assert.equal(alpha.spec.api, undefined);
  assert.deepEqual(JSON.parse(alpha.metadata.annotations[ANNOTATION_V1BETA1_SPEC]!).api, api);
  // The controller of this file writes the registry too (finalizer, status): a replace built from
  // an older read answers Conflict, as it would for a user, who reads again and retries.
  await eventually('the v1alpha1 replace to go through', () => {
    const now = readAlpha();
    const r = kubectl(['replace', '-f', '-'], {
      ...now,
      spec: { ...now.spec, displayName: 'Edited in v1alpha1' },
    });
    if (r.code === 0) return true;
    assert.match(r.stderr, /the object has been modified/, r.stderr);
    return undefined;
  });
  const back = await getReg(ns, 'conv');
  assert.equal(back.spec.displayName, 'Edited in v1alpha1');
  assert.deepEqual(back.spec.api, api);
});

test('spec.api reaches the Deployment, Service and PDB; a hand edit is reverted by a resync; changes apply; enabled: false removes them', async () => {
  await client().create(
    { ...REGISTRIES, namespace: ns },
    registry(ns, 'shaped', { sources: source, api } as never),
  );
  await waitPhase(ns, 'shaped', 'Ready');
  await eventually('the Deployment', () => exists('deployment', 'shaped-api') || undefined, 60_000);
  const dep = get<Deployment>('deployment', 'shaped-api');
  const pod = dep.spec.template.spec;
  assert.equal(dep.spec.replicas, 2);
  assert.deepEqual(pod.containers[0]!.resources, api.resources);
  assert.deepEqual(pod.imagePullSecrets, api.imagePullSecrets);
  assert.deepEqual(pod.nodeSelector, api.nodeSelector);
  assert.deepEqual(pod.tolerations, api.tolerations);
  assert.deepEqual(pod.affinity, api.affinity);
  assert.equal(pod.priorityClassName, api.priorityClassName);
  const args = pod.containers[0]!.args;
  assert.deepEqual(args.slice(args.indexOf('--cors-origins'), args.indexOf('--cors-origins') + 2), [
    '--cors-origins',
    'https://app.example.com,https://b.example',
  ]);
  const svc = get<{ metadata: { annotations: Record<string, string> }; spec: { type: string } }>(
    'service',
    'shaped-api',
  );
  assert.equal(svc.spec.type, 'NodePort');
  assert.equal(svc.metadata.annotations['example.com/lb'], 'internal');
  const pdb = get<{
    spec: { minAvailable: number; selector: unknown };
    metadata: { ownerReferences: { name: string }[] };
  }>('pdb', 'shaped-api');
  assert.equal(pdb.spec.minAvailable, 1);
  assert.deepEqual(pdb.spec.selector, { matchLabels: { 'app.kubernetes.io/instance': 'shaped-api' } });
  assert.deepEqual(
    pdb.metadata.ownerReferences.map((o) => o.name),
    ['shaped'],
  );

  // A hand edit of the fields spec.api owns is undone by the next sync.
  kubectlOk([
    'patch',
    'deployment',
    'shaped-api',
    '-n',
    ns,
    '--type=merge',
    '-p',
    JSON.stringify({
      spec: { replicas: 5, template: { spec: { nodeSelector: { 'kubernetes.io/os': 'windows' } } } },
    }),
  ]);
  kubectlOk([
    'annotate',
    'mcpregistry',
    'shaped',
    '-n',
    ns,
    '--overwrite',
    'toolhive.stacklok.io/sync-trigger=1',
  ]);
  await eventually(
    'the hand edit reverted',
    () => {
      const d = get<Deployment>('deployment', 'shaped-api');
      return d.spec.replicas === 2 &&
        (d.spec.template.spec.nodeSelector as Record<string, string>)['kubernetes.io/os'] === 'linux'
        ? true
        : undefined;
    },
    60_000,
  );

  // A spec change reaches the objects: one replica needs no PDB, a ClusterIP Service.
  kubectlOk([
    'patch',
    'mcpregistry',
    'shaped',
    '-n',
    ns,
    '--type=merge',
    '-p',
    JSON.stringify({ spec: { api: { replicas: 1, service: { type: 'ClusterIP' }, nodeSelector: null } } }),
  ]);
  await eventually(
    'one replica, no PDB',
    () => {
      const d = get<Deployment>('deployment', 'shaped-api');
      return d.spec.replicas === 1 &&
        !exists('pdb', 'shaped-api') &&
        d.spec.template.spec.nodeSelector === undefined
        ? true
        : undefined;
    },
    60_000,
  );
  assert.equal(get<{ spec: { type: string } }>('service', 'shaped-api').spec.type, 'ClusterIP');

  // Disabled: the serving objects go, the registry stays Ready and says why there is no API.
  kubectlOk([
    'patch',
    'mcpregistry',
    'shaped',
    '-n',
    ns,
    '--type=merge',
    '-p',
    '{"spec":{"api":{"enabled":false}}}',
  ]);
  await eventually(
    'serving objects removed',
    () =>
      !exists('deployment', 'shaped-api') &&
      !exists('service', 'shaped-api') &&
      !exists('networkpolicy', 'shaped-api')
        ? true
        : undefined,
    60_000,
  );
  const reg = await eventually(
    'APIReady Disabled',
    async () => {
      const r: MCPRegistryV1beta1 = await getReg(ns, 'shaped');
      return r.status?.conditions?.some((c) => c.type === 'APIReady' && c.reason === 'Disabled')
        ? r
        : undefined;
    },
    60_000,
  );
  assert.equal(reg.status?.phase, 'Ready');
  assert.deepEqual(
    reg.status?.conditions?.find((c) => c.type === 'APIReady')?.message,
    'spec.api.enabled is false: the registry API is not deployed',
  );
});

test('a PodDisruptionBudget named <name>-api that the registry does not control is never deleted', async () => {
  const theirs = await client().create<{ metadata: { uid: string } }>(
    { group: 'policy', version: 'v1', plural: 'poddisruptionbudgets', namespace: ns },
    { metadata: { name: 'single-api' }, spec: { minAvailable: 0, selector: { matchLabels: { x: 'y' } } } },
  );
  await client().create({ ...REGISTRIES, namespace: ns }, registry(ns, 'single', { sources: source }));
  await waitPhase(ns, 'single', 'Ready');
  await eventually('the Deployment', () => exists('deployment', 'single-api') || undefined, 60_000);
  kubectlOk([
    'annotate',
    'mcpregistry',
    'single',
    '-n',
    ns,
    '--overwrite',
    'toolhive.stacklok.io/sync-trigger=2',
  ]);
  await eventually(
    'the trigger acted on',
    async () => ((await getReg(ns, 'single')).status?.sync?.lastManualSyncTrigger === '2' ? true : undefined),
    60_000,
  );
  assert.equal(
    get<{ metadata: { uid: string } }>('pdb', 'single-api').metadata.uid,
    theirs.body.metadata.uid,
  );
});
