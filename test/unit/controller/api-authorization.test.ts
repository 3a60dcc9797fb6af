/**
 * How spec.api.authorization and spec.api.audit reach the API's Deployment
 * (src/controller/workload/api-authorization.ts, as rendered by desiredApiObjects): the policies
 * ConfigMap as an optional volume at one path whatever its key, the flags, and both beside the API-key
 * Secret's volume.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { desiredApiObjects } from '../../../src/controller/workload/api-workload.ts';
import type { ApiSpec } from '../../../src/api/schema/api.ts';

type Pod = {
  volumes?: unknown[];
  containers: { args: string[]; volumeMounts?: unknown[] }[];
};

function podOf(api: ApiSpec): Pod {
  const objs = desiredApiObjects(
    {
      apiVersion: 'toolhive.stacklok.io/v1beta1',
      kind: 'MCPRegistry',
      metadata: { name: 'r', namespace: 'team-a', uid: 'u' },
      spec: { sources: [{ name: 's', type: 'url', url: { href: 'https://x' } }], api },
    },
    'img',
  );
  const d = objs.find((x) => x.kind === 'Deployment') as unknown as { spec: { template: { spec: Pod } } };
  return d.spec.template.spec;
}

const flags = (pod: Pod) => {
  const args = pod.containers[0]!.args;
  return args.slice(args.indexOf('r') + 1, args.indexOf('--address'));
};

const POLICY_VOLUME = (name: string, key: string) => ({
  name: 'authorization-policies',
  configMap: { name, items: [{ key, path: 'policies.cedar' }], optional: true, defaultMode: 0o444 },
});
const POLICY_MOUNT = {
  name: 'authorization-policies',
  mountPath: '/etc/thv-registry-api/authorization',
  readOnly: true,
};

test('no authorization, no audit: no flag, no volume', () => {
  for (const api of [{}, { audit: { enabled: false } }]) {
    const pod = podOf(api);
    assert.deepEqual(flags(pod), []);
    assert.equal(pod.volumes, undefined);
  }
});

test('policies: the ConfigMap mounted (optional, one path whatever the key) and the flag naming it', () => {
  const cases: [ApiSpec['authorization'], string][] = [
    [{ policiesConfigMapRef: { name: 'rules' } }, 'policies.cedar'],
    [{ policiesConfigMapRef: { name: 'rules', key: 'team.cedar' } }, 'team.cedar'],
  ];
  for (const [authorization, key] of cases) {
    const pod = podOf({ authorization });
    assert.deepEqual(flags(pod), [
      '--authorization-policies',
      '/etc/thv-registry-api/authorization/policies.cedar',
    ]);
    assert.deepEqual(pod.volumes, [POLICY_VOLUME('rules', key)]);
    assert.deepEqual(pod.containers[0]!.volumeMounts, [POLICY_MOUNT]);
  }
});

test('audit: --audit; beside api-keys both volumes and every flag are there', () => {
  assert.deepEqual(flags(podOf({ audit: { enabled: true } })), ['--audit']);
  const pod = podOf({
    auth: { mode: 'api-keys', apiKeysSecretRef: { name: 'keys' } },
    authorization: { policiesConfigMapRef: { name: 'rules' } },
    audit: { enabled: true },
  });
  assert.deepEqual(flags(pod), [
    '--auth',
    'api-keys',
    '--api-keys-file',
    '/etc/thv-registry-api/api-keys/keys',
    '--authorization-policies',
    '/etc/thv-registry-api/authorization/policies.cedar',
    '--audit',
  ]);
  assert.deepEqual(
    (pod.volumes as { name: string }[]).map((v) => v.name),
    ['api-keys', 'authorization-policies'],
  );
  assert.deepEqual(pod.containers[0]!.volumeMounts?.[1], POLICY_MOUNT);
});
