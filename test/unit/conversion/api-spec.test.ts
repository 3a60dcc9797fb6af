/** `spec.api` (SPEC §13) exists only in v1beta1: v1alpha1 keeps it in the stash annotation, losslessly. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { convertObject } from '../../../src/api/conversion/index.ts';
import { ANNOTATION_V1BETA1_SPEC } from '../../../src/api/constants.ts';
import { validateStructure } from '../../../src/api/validator.ts';

const A = 'toolhive.stacklok.io/v1alpha1';
const B = 'toolhive.stacklok.io/v1beta1';
const api = {
  enabled: true,
  replicas: 2,
  resources: { requests: { cpu: '100m' }, limits: { memory: '512Mi' } },
  imagePullSecrets: [{ name: 'pull' }],
  nodeSelector: { 'kubernetes.io/os': 'linux' },
  tolerations: [{ key: 'k', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 30 }],
  affinity: {
    nodeAffinity: {
      requiredDuringSchedulingIgnoredDuringExecution: {
        nodeSelectorTerms: [{ matchExpressions: [{ key: 'a', operator: 'In', values: ['b'] }] }],
      },
    },
  },
  priorityClassName: 'high',
  service: { type: 'NodePort', annotations: { a: 'b' } },
  cors: { origins: ['https://app.example.com'] },
  auth: { mode: 'kubernetes' },
};
const beta = {
  apiVersion: B,
  kind: 'MCPRegistry',
  metadata: { name: 'r', namespace: 'ns' },
  spec: {
    sources: [{ name: 'default', type: 'configmap', configMapRef: { name: 'cm', key: 'registry.json' } }],
    format: undefined,
    api,
  },
};
delete (beta.spec as Record<string, unknown>).format;

test('v1beta1 spec.api → v1alpha1 (stashed, not a spec field) → v1beta1, identical', () => {
  assert.deepEqual(validateStructure('v1beta1', beta), []);
  const a = convertObject(beta, A) as {
    spec: Record<string, unknown>;
    metadata: { annotations: Record<string, string> };
  };
  assert.equal(a.spec.api, undefined);
  assert.deepEqual(validateStructure('v1alpha1', a), []);
  assert.deepEqual(JSON.parse(a.metadata.annotations[ANNOTATION_V1BETA1_SPEC]!), { api });
  assert.deepEqual(convertObject(a, B), beta);
});

test('v1alpha1 edits elsewhere keep the stashed spec.api; removing the annotation drops it', () => {
  const a = convertObject(beta, A) as {
    spec: Record<string, unknown>;
    metadata: { annotations: Record<string, string> };
  };
  const edited = { ...a, spec: { ...a.spec, displayName: 'New' } };
  assert.deepEqual((convertObject(edited, B) as { spec: { api: unknown } }).spec.api, api);
  const bare = { ...a, metadata: { name: 'r', namespace: 'ns' } };
  assert.equal((convertObject(bare, B) as { spec: { api?: unknown } }).spec.api, undefined);
});

test('a registry without spec.api needs no stash', () => {
  const plain = { ...beta, spec: { sources: beta.spec.sources } };
  const a = convertObject(plain, A) as { metadata: Record<string, unknown> };
  assert.equal(a.metadata.annotations, undefined);
});

test('spec.api.auth in every mode round-trips through v1alpha1 unchanged (oidc and api-keys blocks included)', () => {
  const auths = [
    { mode: 'anonymous' },
    { mode: 'kubernetes' },
    {
      mode: 'oidc',
      oidc: {
        issuer: 'https://sso.example.com/r',
        audiences: ['a', 'b'],
        clockSkewSeconds: 0,
        groupsClaim: 'g',
      },
    },
    { mode: 'api-keys', apiKeysSecretRef: { name: 'keys', key: 'registry' } },
  ];
  for (const auth of auths) {
    const b = { ...beta, spec: { ...beta.spec, api: { auth } } };
    assert.deepEqual(validateStructure('v1beta1', b), [], auth.mode);
    const a = convertObject(b, A);
    assert.deepEqual(validateStructure('v1alpha1', a), [], auth.mode);
    assert.deepEqual(convertObject(a, B), b, auth.mode);
  }
});
