/** registryRef (federation) has the same shape in both versions: mapped field for field, no stash. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { convertObject } from '../../../src/api/conversion/index.ts';

const ALPHA = 'toolhive.stacklok.io/v1alpha1';
const BETA = 'toolhive.stacklok.io/v1beta1';
const meta = { name: 'team', namespace: 'team-a' };

test('v1alpha1 source.registry.registryRef ⇄ v1beta1 sources[0].registry.registryRef, no annotation', () => {
  const alpha = {
    apiVersion: ALPHA,
    kind: 'MCPRegistry',
    metadata: meta,
    spec: {
      format: 'upstream',
      source: { type: 'registry', registry: { registryRef: { name: 'platform', namespace: 'shared' } } },
    },
  };
  const beta = convertObject(alpha, BETA);
  assert.deepEqual(beta, {
    apiVersion: BETA,
    kind: 'MCPRegistry',
    metadata: meta,
    spec: {
      sources: [
        {
          name: 'default',
          type: 'registry',
          format: 'upstream',
          registry: { registryRef: { name: 'platform', namespace: 'shared' } },
        },
      ],
    },
  });
  assert.deepEqual(convertObject(beta, ALPHA), alpha);
});

test('a v1beta1 registryRef with secrets round-trips through the stash', () => {
  const beta = {
    apiVersion: BETA,
    kind: 'MCPRegistry',
    metadata: meta,
    spec: {
      sources: [
        {
          name: 'platform',
          type: 'registry',
          registry: { registryRef: { name: 'platform' }, authSecretRef: { name: 'api-key' } },
        },
      ],
    },
  };
  const alpha = convertObject(beta, ALPHA) as { spec: { source: unknown } };
  assert.deepEqual(alpha.spec.source, { type: 'registry', registry: { registryRef: { name: 'platform' } } });
  assert.deepEqual(convertObject(alpha, BETA), beta);
});
