/** The kubernetes source (SPEC §12) has the same shape in both versions: mapped as is, no stash. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { convertObject } from '../../../src/api/conversion/index.ts';

const ALPHA = 'toolhive.stacklok.io/v1alpha1';
const BETA = 'toolhive.stacklok.io/v1beta1';
const meta = { name: 'running', namespace: 'team-a' };

test('v1alpha1 source.kubernetes ⇄ v1beta1 sources[0].kubernetes, no annotation, both ways', () => {
  for (const kubernetes of [undefined, {}, { namespaces: ['team-a', 'team-b'] }]) {
    const alpha = {
      apiVersion: ALPHA,
      kind: 'MCPRegistry',
      metadata: meta,
      spec: { format: 'upstream', source: { type: 'kubernetes', ...(kubernetes ? { kubernetes } : {}) } },
    };
    const beta = convertObject(alpha, BETA);
    assert.deepEqual(beta, {
      apiVersion: BETA,
      kind: 'MCPRegistry',
      metadata: meta,
      spec: {
        sources: [
          { name: 'default', type: 'kubernetes', format: 'upstream', ...(kubernetes ? { kubernetes } : {}) },
        ],
      },
    });
    assert.deepEqual(convertObject(beta, ALPHA), alpha);
  }
});

test('a kubernetes source after a configmap source round-trips through the stash', () => {
  const beta = {
    apiVersion: BETA,
    kind: 'MCPRegistry',
    metadata: meta,
    spec: {
      sources: [
        { name: 'curated', type: 'configmap', configMapRef: { name: 'c', key: 'registry.json' } },
        { name: 'running', type: 'kubernetes', kubernetes: { namespaces: ['team-a'] } },
      ],
    },
  };
  const alpha = convertObject(beta, ALPHA);
  assert.deepEqual(convertObject(alpha, BETA), beta);
});
