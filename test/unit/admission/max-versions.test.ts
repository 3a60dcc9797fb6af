/**
 * `registry.maxVersionsPerServer` (SPEC §14 "Mirror fidelity"): the bound on versions kept per
 * server, with the exact messages a user reads in v1beta1 and in a v1alpha1 object's stash, and
 * kept losslessly through conversion.
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

const CASES: { name: string; value: unknown; want: string[] }[] = [
  { name: '1 (only the latest)', value: 1, want: [] },
  { name: '10000', value: 10_000, want: [] },
  {
    name: '0',
    value: 0,
    want: [
      'spec.sources[0].registry.maxVersionsPerServer: Invalid value: 0: must be greater than or equal to 1',
    ],
  },
  {
    name: '10001',
    value: 10_001,
    want: [
      'spec.sources[0].registry.maxVersionsPerServer: Invalid value: 10001: must be less than or equal to 10000',
    ],
  },
  {
    name: 'a string',
    value: '5',
    want: ['spec.sources[0].registry.maxVersionsPerServer: Invalid value: "5": must be of type integer'],
  },
  {
    name: 'a fraction',
    value: 2.5,
    want: [
      'spec.sources[0].registry.maxVersionsPerServer: Invalid value: 2.5: must be of type integer',
      'spec.sources[0].registry.maxVersionsPerServer: Invalid value: 2.5: must be a valid int32',
    ],
  },
];

for (const c of CASES)
  test(`maxVersionsPerServer ${c.name}`, () => {
    assert.deepEqual(messages(registry({ maxVersionsPerServer: c.value })), c.want);
  });

test('maxVersionsPerServer in a v1alpha1 stash is validated and named by its path in the annotation', () => {
  const stash = JSON.stringify({
    sources: [
      {
        name: 'up',
        type: 'registry',
        format: 'upstream',
        registry: { baseURL: 'https://r.example.com', maxVersionsPerServer: 0 },
      },
    ],
  });
  const obj = alpha(
    { source: { type: 'registry', registry: { url: 'https://r.example.com' } }, format: 'upstream' },
    { annotations: { [ANNOTATION_V1BETA1_SPEC]: stash } },
  );
  assert.deepEqual(messages(obj), [
    `metadata.annotations[${ANNOTATION_V1BETA1_SPEC}].sources[0].registry.maxVersionsPerServer: Invalid value: 0: must be greater than or equal to 1`,
  ]);
});

test('v1beta1 → v1alpha1 → v1beta1 keeps maxVersionsPerServer (in the stash), and v1alpha1 has no field for it', () => {
  const b = registry({ maxVersionsPerServer: 7 }) as unknown as MCPRegistryV1beta1;
  const a = fromHub(b);
  assert.deepEqual(a.spec.source, { type: 'registry', registry: { url: 'https://r.example.com' } });
  assert.match(a.metadata?.annotations?.[ANNOTATION_V1BETA1_SPEC] ?? '', /"maxVersionsPerServer":7/);
  assert.deepEqual(toHub(a).spec, b.spec);
});
