/**
 * `spec.api.auth` (SPEC §13) on the shared stack (real apiserver, our admission and conversion
 * webhooks) with a real controller: every new field's refusal as kubectl shows it, the oidc and
 * api-keys settings kept through the v1alpha1 view, and each mode's flags and volumes reaching the
 * API Deployment, following a change of mode.
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
import { FIXTURE, getReg, putConfigMap, registry } from '../controller/helpers.ts';
import { migrateYamlText } from '../../../src/cli/migrate/migrate.ts';

const ALPHA_RESOURCE = 'mcpregistries.v1alpha1.toolhive.stacklok.io';
let ns: string;
let ctrl: ControllerProcess;
const source = [{ name: 'main', type: 'configmap' as const, configMapRef: { name: 'catalog' } }];
const oidc = {
  mode: 'oidc',
  oidc: {
    issuer: 'https://sso.example.com/realms/team',
    audiences: ['registry', 'ide'],
    clockSkewSeconds: 10,
    groupsClaim: 'groups',
  },
};

type Pod = {
  volumes?: unknown[];
  containers: { args: string[]; volumeMounts?: unknown[] }[];
};

before(async () => {
  ns = await createNamespace('api-auth');
  await putConfigMap(ns, 'catalog', { 'registry.json': FIXTURE });
  kubectlOk(['create', 'secret', 'generic', 'keys', '-n', ns, '--from-literal=registry=k1']);
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
  [
    'oidc-missing',
    { mode: 'oidc' },
    'spec.api.auth.oidc: Required value: required when spec.api.auth.mode is oidc',
  ],
  [
    'keys-missing',
    { mode: 'api-keys' },
    'spec.api.auth.apiKeysSecretRef: Required value: required when spec.api.auth.mode is api-keys',
  ],
  [
    'keys-wrong-mode',
    { mode: 'kubernetes', apiKeysSecretRef: { name: 'keys' } },
    'spec.api.auth.apiKeysSecretRef: Forbidden: may only be set when spec.api.auth.mode is api-keys (it is kubernetes)',
  ],
  [
    'issuer-http',
    { ...oidc, oidc: { ...oidc.oidc, issuer: 'http://sso.example.com' } },
    'spec.api.auth.oidc.issuer: Invalid value: "http://sso.example.com": must use https',
  ],
  [
    'issuer-metadata',
    { ...oidc, oidc: { ...oidc.oidc, issuer: 'https://169.254.169.254' } },
    "spec.api.auth.oidc.issuer: Forbidden: 169.254.169.254 is the cloud metadata address, not an allowed destination (the platform policy's allowedCIDRs can allow it)",
  ],
  [
    'audience-twice',
    { ...oidc, oidc: { ...oidc.oidc, audiences: ['a', 'a'] } },
    'spec.api.auth.oidc.audiences[1]: Duplicate value: "a"',
  ],
  [
    'skew',
    { ...oidc, oidc: { ...oidc.oidc, clockSkewSeconds: 301 } },
    'spec.api.auth.oidc.clockSkewSeconds: Invalid value: 301: spec.api.auth.oidc.clockSkewSeconds in body should be less than or equal to 300',
  ],
  [
    'no-audience',
    { ...oidc, oidc: { issuer: 'https://sso.example.com' } },
    '\n* spec.api.auth.oidc.audiences: Required value\n* <nil>: Invalid value: null: some validation rules were not checked because the object was invalid; correct the existing errors to complete validation',
  ],
  [
    'keys-key',
    { mode: 'api-keys', apiKeysSecretRef: { name: 'keys', key: 'a/b' } },
    `spec.api.auth.apiKeysSecretRef.key: Invalid value: "a/b": spec.api.auth.apiKeysSecretRef.key in body should match '^[-._a-zA-Z0-9]+$'`,
  ],
  [
    'groups-claim',
    { ...oidc, oidc: { ...oidc.oidc, groupsClaim: '' } },
    'spec.api.auth.oidc.groupsClaim: Invalid value: "": spec.api.auth.oidc.groupsClaim in body should be at least 1 chars long',
  ],
  [
    'mode',
    { mode: 'basic' },
    '\n* spec.api.auth.mode: Unsupported value: "basic": supported values: "anonymous", "kubernetes", "oidc", "api-keys"\n* <nil>: Invalid value: null: some validation rules were not checked because the object was invalid; correct the existing errors to complete validation',
  ],
];
for (const [name, auth, message] of refused)
  test(`admission refuses a bad spec.api.auth (${name}) with the exact message`, () => {
    const r = kubectl(
      ['apply', '-f', '-'],
      registry(ns, `bad-${name}`, { sources: source, api: { auth } } as never),
    );
    assert.equal(r.code, 1, r.stdout);
    assert.equal(r.stderr, `The MCPRegistry "bad-${name}" is invalid: ${message}`);
  });

test('spec.api.auth survives the v1alpha1 view: read as v1alpha1, replaced through it, read back as v1beta1', async () => {
  const api = { auth: oidc };
  await client().create(
    { ...REGISTRIES, namespace: ns },
    registry(ns, 'conv', { sources: source, api } as never),
  );
  type Alpha = { spec: Record<string, unknown>; metadata: { annotations: Record<string, string> } };
  const readAlpha = () =>
    JSON.parse(kubectlOk(['get', ALPHA_RESOURCE, 'conv', '-n', ns, '-o', 'json'])) as Alpha;
  assert.deepEqual(JSON.parse(readAlpha().metadata.annotations[ANNOTATION_V1BETA1_SPEC]!).api, api);
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

test('each mode reaches the Deployment: flags, the API-key Secret as a volume, and a change of mode', async () => {
  await client().create(
    { ...REGISTRIES, namespace: ns },
    registry(ns, 'wired', { sources: source, api: { auth: oidc } } as never),
  );
  const podSpec = () =>
    (
      JSON.parse(kubectlOk(['get', 'deployment', 'wired-api', '-n', ns, '-o', 'json'])) as {
        spec: { template: { spec: Pod } };
      }
    ).spec.template.spec;
  const flagsOf = (pod: Pod) => {
    const args = pod.containers[0]!.args;
    const from = args.indexOf('--auth');
    return from < 0 ? [] : args.slice(from, args.indexOf('--address'));
  };
  await eventually(
    'the Deployment',
    () => kubectl(['get', 'deployment', 'wired-api', '-n', ns]).code === 0 || undefined,
    60_000,
  );
  assert.deepEqual(flagsOf(podSpec()), [
    '--auth',
    'oidc',
    '--oidc-issuer',
    'https://sso.example.com/realms/team',
    '--oidc-audience',
    'registry',
    '--oidc-audience',
    'ide',
    '--oidc-clock-skew-seconds',
    '10',
    '--oidc-groups-claim',
    'groups',
    '--destination-policy',
    // The operator's policy in force (the test stack's policy file lets sources reach loopback), not the built-in one.
    '{"allowedHosts":[],"allowHTTP":true,"allowClusterLocalHTTP":true,"clusterDomain":"cluster.local","allowedCIDRs":["127.0.0.0/8","::1/128"],"deniedCIDRs":[],"allowPrivateNetworks":true}',
  ]);
  assert.equal(podSpec().volumes, undefined);
  // To api-keys: the Secret mounted, the oidc flags gone.
  kubectlOk([
    'patch',
    'mcpregistry',
    'wired',
    '-n',
    ns,
    '--type',
    'json',
    '-p',
    JSON.stringify([
      {
        op: 'replace',
        path: '/spec/api/auth',
        value: { mode: 'api-keys', apiKeysSecretRef: { name: 'keys', key: 'registry' } },
      },
    ]),
  ]);
  await eventually(
    'the api-keys Deployment',
    () => (flagsOf(podSpec())[1] === 'api-keys' ? true : undefined),
    60_000,
  );
  const pod = podSpec();
  assert.deepEqual(flagsOf(pod), [
    '--auth',
    'api-keys',
    '--api-keys-file',
    '/etc/thv-registry-api/api-keys/keys',
  ]);
  assert.deepEqual(pod.volumes, [
    {
      name: 'api-keys',
      secret: { secretName: 'keys', items: [{ key: 'registry', path: 'keys' }], defaultMode: 0o440 },
    },
  ]);
  assert.deepEqual(pod.containers[0]!.volumeMounts, [
    { name: 'api-keys', mountPath: '/etc/thv-registry-api/api-keys', readOnly: true },
  ]);
  // To kubernetes: the volume goes with the mode.
  kubectlOk([
    'patch',
    'mcpregistry',
    'wired',
    '-n',
    ns,
    '--type',
    'merge',
    '-p',
    '{"spec":{"api":{"auth":{"mode":"kubernetes","apiKeysSecretRef":null}}}}',
  ]);
  await eventually(
    'the kubernetes Deployment',
    () => (flagsOf(podSpec())[1] === 'kubernetes' ? true : undefined),
    60_000,
  );
  assert.deepEqual(flagsOf(podSpec()), ['--auth', 'kubernetes']);
  assert.equal(podSpec().volumes, undefined);
  assert.equal(podSpec().containers[0]!.volumeMounts, undefined);
});

test('a protected ToolHive registry, migrated, is admitted with its protection and wired as oidc', async () => {
  const toolhive = `apiVersion: toolhive.stacklok.dev/v1alpha1
kind: MCPRegistry
metadata:
  name: migrated
  namespace: ${ns}
spec:
  registries:
    - name: main
      configMapRef: { name: catalog, key: registry.json }
  authConfig:
    mode: oauth
    oauth:
      providers:
        - name: keycloak
          issuerUrl: https://sso.example.com/realms/team
          audience: registry
`;
  const m = migrateYamlText(toolhive, 'toolhive.yaml');
  assert.deepEqual(m.errors, []);
  kubectlOk(['apply', '-f', '-'], m.text);
  const stored = await getReg(ns, 'migrated');
  assert.deepEqual(stored.spec.api?.auth, {
    mode: 'oidc',
    oidc: { issuer: 'https://sso.example.com/realms/team', audiences: ['registry'] },
  });
});
