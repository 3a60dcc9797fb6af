/**
 * `registry.fullSyncEvery` (SPEC §16, incremental mirrors): every how many syncs a registry source
 * is read whole, with the exact messages a user reads in v1beta1 and in a v1alpha1 object's stash,
 * and kept losslessly through conversion (v1alpha1 has no field for it).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ANNOTATION_V1BETA1_SPEC } from '../../../src/api/constants.ts';
import { fromHub, toHub } from '../../../src/api/conversion/mcpregistry.ts';
import type { MCPRegistryV1beta1 } from '../../../src/api/types.ts';
import { alpha, beta, messages } from './helpers.ts';

const registry = (extra: Record<string, unknown>) =>
  beta({
    sources: [
      {
        name: 'up',
        type: 'registry',
        format: 'upstream',
        registry: { baseURL: 'https://r.example.com', ...extra },
      },
    ],
  });

const FIELD = 'spec.sources[0].registry.fullSyncEvery';
const CASES: { name: string; value: unknown; want: string[] }[] = [
  { name: '1 (every sync whole)', value: 1, want: [] },
  { name: '1000', value: 1000, want: [] },
  { name: '0', value: 0, want: [`${FIELD}: Invalid value: 0: must be greater than or equal to 1`] },
  { name: '-3', value: -3, want: [`${FIELD}: Invalid value: -3: must be greater than or equal to 1`] },
  {
    name: '1001',
    value: 1001,
    want: [`${FIELD}: Invalid value: 1001: must be less than or equal to 1000`],
  },
  { name: 'a string', value: '10', want: [`${FIELD}: Invalid value: "10": must be of type integer`] },
  {
    name: 'a fraction',
    value: 2.5,
    want: [
      `${FIELD}: Invalid value: 2.5: must be of type integer`,
      `${FIELD}: Invalid value: 2.5: must be a valid int32`,
    ],
  },
];

for (const c of CASES)
  test(`fullSyncEvery ${c.name}`, () => {
    assert.deepEqual(messages(registry({ fullSyncEvery: c.value })), c.want);
  });

test('fullSyncEvery in a v1alpha1 stash is validated and named by its path in the annotation', () => {
  const stash = JSON.stringify({
    sources: [
      {
        name: 'up',
        type: 'registry',
        format: 'upstream',
        registry: { baseURL: 'https://r.example.com', fullSyncEvery: 0 },
      },
    ],
  });
  const obj = alpha(
    { source: { type: 'registry', registry: { url: 'https://r.example.com' } }, format: 'upstream' },
    { annotations: { [ANNOTATION_V1BETA1_SPEC]: stash } },
  );
  assert.deepEqual(messages(obj), [
    `metadata.annotations[${ANNOTATION_V1BETA1_SPEC}].sources[0].registry.fullSyncEvery: Invalid value: 0: must be greater than or equal to 1`,
  ]);
});

test('v1beta1 → v1alpha1 → v1beta1 keeps fullSyncEvery (in the stash), and v1alpha1 has no field for it', () => {
  const b = registry({ fullSyncEvery: 4 }) as unknown as MCPRegistryV1beta1;
  const a = fromHub(b);
  assert.deepEqual(a.spec.source, { type: 'registry', registry: { url: 'https://r.example.com' } });
  assert.match(a.metadata?.annotations?.[ANNOTATION_V1BETA1_SPEC] ?? '', /"fullSyncEvery":4/);
  assert.deepEqual(toHub(a).spec, b.spec);
});
