/**
 * How spec.api.auth reaches the API's Deployment (src/controller/workload/api-auth.ts, as rendered by
 * desiredApiObjects): each mode's flags, the API-key Secret as a volume (never an env var or a subPath,
 * so an edited Secret reaches the running Pod), and the destination rules an oidc API fetches under.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { desiredApiObjects } from '../../../src/controller/workload/api-workload.ts';
import { destinationPolicyJson } from '../../../src/controller/workload/api-auth.ts';
import { parsePolicy } from '../../../src/admission/policy/policy.ts';
import type { ApiSpec } from '../../../src/api/schema/api.ts';

type Pod = {
  volumes?: unknown[];
  containers: { args: string[]; volumeMounts?: unknown[]; env?: unknown[] }[];
};

function podOf(api: ApiSpec, destinationPolicy?: string): Pod {
  const objs = desiredApiObjects(
    {
      apiVersion: 'toolhive.stacklok.io/v1beta1',
      kind: 'MCPRegistry',
      metadata: { name: 'r', namespace: 'team-a', uid: 'u' },
      spec: { sources: [{ name: 's', type: 'url', url: { href: 'https://x' } }], api },
    },
    'img',
    { ...(destinationPolicy ? { destinationPolicy } : {}) },
  );
  const d = objs.find((x) => x.kind === 'Deployment') as unknown as { spec: { template: { spec: Pod } } };
  return d.spec.template.spec;
}

/** The flags after the fixed ones (`--registry-name r`) and before `--address`. */
function authFlags(pod: Pod): string[] {
  const args = pod.containers[0]!.args;
  return args.slice(args.indexOf('r') + 1, args.indexOf('--address'));
}

test('anonymous (stated or by default): no flag, no volume', () => {
  for (const api of [{}, { auth: { mode: 'anonymous' as const } }]) {
    const pod = podOf(api);
    assert.deepEqual(authFlags(pod), []);
    assert.equal(pod.volumes, undefined);
    assert.equal(pod.containers[0]!.volumeMounts, undefined);
  }
});

test('kubernetes: --auth kubernetes only', () => {
  assert.deepEqual(authFlags(podOf({ auth: { mode: 'kubernetes' } })), ['--auth', 'kubernetes']);
});

test('oidc: issuer, every audience, skew, groups claim and the destination rules', () => {
  const policy = destinationPolicyJson(
    parsePolicy(
      'allowedHosts: ["*.corp.example"]\ndeniedCIDRs: ["10.0.0.0/8"]\nallowPrivateNetworks: false\n',
    ),
  );
  const pod = podOf(
    {
      auth: {
        mode: 'oidc',
        oidc: {
          issuer: 'https://sso.corp.example/realms/a',
          audiences: ['registry', 'ide'],
          clockSkewSeconds: 5,
          groupsClaim: 'groups',
        },
      },
    },
    policy,
  );
  assert.deepEqual(authFlags(pod), [
    '--auth',
    'oidc',
    '--oidc-issuer',
    'https://sso.corp.example/realms/a',
    '--oidc-audience',
    'registry',
    '--oidc-audience',
    'ide',
    '--oidc-clock-skew-seconds',
    '5',
    '--oidc-groups-claim',
    'groups',
    '--destination-policy',
    '{"allowedHosts":["*.corp.example"],"allowHTTP":false,"allowClusterLocalHTTP":true,"clusterDomain":"cluster.local","allowedCIDRs":[],"deniedCIDRs":["10.0.0.0/8"],"allowPrivateNetworks":false}',
  ]);
  // What the API reads back is the policy's destination rules, unchanged.
  const back = parsePolicy(policy);
  assert.deepEqual(
    back.network.deniedCIDRs.map((c) => c.text),
    ['10.0.0.0/8'],
  );
  assert.deepEqual(back.allowedHosts, ['*.corp.example']);
  assert.equal(back.allowPrivateNetworks, false);
});

test('api-keys: the Secret mounted read-only as a volume (its key mapped to one path), and the file flag', () => {
  const pod = podOf({ auth: { mode: 'api-keys', apiKeysSecretRef: { name: 'team-keys', key: 'registry' } } });
  assert.deepEqual(authFlags(pod), [
    '--auth',
    'api-keys',
    '--api-keys-file',
    '/etc/thv-registry-api/api-keys/keys',
  ]);
  assert.deepEqual(pod.volumes, [
    {
      name: 'api-keys',
      secret: { secretName: 'team-keys', items: [{ key: 'registry', path: 'keys' }], defaultMode: 0o440 },
    },
  ]);
  assert.deepEqual(pod.containers[0]!.volumeMounts, [
    { name: 'api-keys', mountPath: '/etc/thv-registry-api/api-keys', readOnly: true },
  ]);
  assert.ok(!JSON.stringify(pod.containers[0]!.env).includes('team-keys'), 'never an env var');
  // The Secret's default key.
  const byDefault = podOf({ auth: { mode: 'api-keys', apiKeysSecretRef: { name: 'team-keys' } } });
  assert.deepEqual((byDefault.volumes![0] as { secret: { items: unknown } }).secret.items, [
    { key: 'keys', path: 'keys' },
  ]);
});
