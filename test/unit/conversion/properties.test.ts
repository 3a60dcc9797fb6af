import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import {
  ANNOTATION_V1BETA1_SPEC,
  API_VERSION_V1ALPHA1,
  API_VERSION_V1BETA1,
} from '../../../src/api/constants.ts';
import { fromHub, toHub, handleConversionReview } from '../../../src/api/conversion/index.ts';
import type { MCPRegistryV1alpha1, MCPRegistryV1beta1 } from '../../../src/api/types.ts';
import { validateStructure } from '../../../src/api/validator.ts';
import { alphaArb, hubArb, rawAlphaArb, rawHubArb } from './arbitraries.ts';

const RUNS = 3000;
const alpha = alphaArb as unknown as fc.Arbitrary<MCPRegistryV1alpha1>;
/** Half generated from the v1beta1 schema, half plain ones (what a v1alpha1 object converts to: nothing to stash). */
const hub = fc.oneof(
  hubArb as unknown as fc.Arbitrary<MCPRegistryV1beta1>,
  alpha.map((a) => toHub(a)),
);
const rawAlpha = rawAlphaArb as unknown as fc.Arbitrary<MCPRegistryV1alpha1>;
const rawHub = rawHubArb as unknown as fc.Arbitrary<MCPRegistryV1beta1>;

function withoutStash(meta: Record<string, unknown>) {
  const annotations = { ...(meta.annotations as Record<string, string> | undefined) };
  delete annotations[ANNOTATION_V1BETA1_SPEC];
  const out = { ...meta };
  if (Object.keys(annotations).length > 0) out.annotations = annotations;
  else delete out.annotations;
  return out;
}

test('the generators produce objects valid against the CRD schema of their version', () => {
  fc.assert(
    fc.property(alpha, hub, (a, b) => {
      assert.deepEqual(validateStructure('v1alpha1', a), []);
      assert.deepEqual(validateStructure('v1beta1', b), []);
    }),
    { numRuns: 300 },
  );
});

test('v1alpha1 → v1beta1 → v1alpha1 is the identity, spec, status and metadata', () => {
  fc.assert(
    fc.property(alpha, (a) => {
      assert.deepStrictEqual(fromHub(toHub(structuredClone(a))), a);
    }),
    { numRuns: RUNS },
  );
});

test('v1beta1 → v1alpha1 → v1beta1 is the identity, spec, status and metadata', () => {
  fc.assert(
    fc.property(hub, (b) => {
      assert.deepStrictEqual(toHub(fromHub(structuredClone(b))), b);
    }),
    { numRuns: RUNS },
  );
});

test('conversion is total: identity also holds for objects with any mix of source sub-objects', () => {
  fc.assert(
    fc.property(rawAlpha, rawHub, (a, b) => {
      assert.deepStrictEqual(fromHub(toHub(structuredClone(a))), a);
      assert.deepStrictEqual(toHub(fromHub(structuredClone(b))), b);
    }),
    { numRuns: RUNS },
  );
});

test('a v1alpha1 object carrying a stash (made by fromHub) survives v1alpha1 → v1beta1 → v1alpha1', () => {
  fc.assert(
    fc.property(hub, (b) => {
      const a = fromHub(b);
      assert.deepStrictEqual(fromHub(toHub(structuredClone(a))), a);
    }),
    { numRuns: RUNS },
  );
});

test('conversion changes no metadata but the stash annotation, and never touches its input', () => {
  fc.assert(
    fc.property(hub, (b) => {
      const before = structuredClone(b);
      const a = fromHub(b);
      assert.deepStrictEqual(b, before);
      assert.deepStrictEqual(withoutStash(a.metadata), withoutStash(b.metadata));
      assert.equal(a.apiVersion, API_VERSION_V1ALPHA1);
      const back = toHub(a);
      assert.equal(back.apiVersion, API_VERSION_V1BETA1);
      assert.equal(back.metadata.annotations?.[ANNOTATION_V1BETA1_SPEC], undefined);
    }),
    { numRuns: 1000 },
  );
});

test('v1beta1 → v1alpha1 output is valid against the v1alpha1 schema, and deterministic', () => {
  fc.assert(
    fc.property(hub, (b) => {
      const a = fromHub(b);
      assert.deepEqual(validateStructure('v1alpha1', a), []);
      assert.deepStrictEqual(fromHub(b), a);
      assert.deepEqual(validateStructure('v1beta1', toHub(a)), []);
    }),
    { numRuns: 1000 },
  );
});

test('a ConversionReview of a mixed list converts each object, in request order', () => {
  fc.assert(
    fc.property(
      fc.array(fc.oneof(alpha, hub), { minLength: 1, maxLength: 20 }),
      fc.boolean(),
      (objs, toBeta) => {
        const desired = toBeta ? API_VERSION_V1BETA1 : API_VERSION_V1ALPHA1;
        const review = handleConversionReview({
          apiVersion: 'apiextensions.k8s.io/v1',
          kind: 'ConversionReview',
          request: { uid: 'u-1', desiredAPIVersion: desired, objects: objs },
        });
        assert.deepEqual(review.response.result, { status: 'Success' });
        assert.equal(review.response.convertedObjects.length, objs.length);
        review.response.convertedObjects.forEach((o, i) => {
          const obj = o as MCPRegistryV1alpha1 | MCPRegistryV1beta1;
          assert.equal(obj.apiVersion, desired);
          assert.equal(obj.metadata.uid, objs[i]!.metadata.uid);
          assert.equal(obj.metadata.name, objs[i]!.metadata.name);
        });
      },
    ),
    { numRuns: 300 },
  );
});

test('the generators reach the interesting cases (several sources, stashed status, nothing to stash)', () => {
  const samples = fc.sample(hub, { numRuns: 2000, seed: 42 });
  const stashes = samples.map((b) => fromHub(b).metadata.annotations?.[ANNOTATION_V1BETA1_SPEC]);
  const count = (p: (i: number) => boolean) => samples.filter((_, i) => p(i)).length;
  assert.ok(count((i) => samples[i]!.spec.sources.length > 1) > 100);
  assert.ok(count((i) => stashes[i] === undefined) > 20);
  assert.ok(count((i) => stashes[i]?.includes('"status"') === true) > 100);
  assert.ok(count((i) => samples[i]!.spec.sources.some((s) => s.type === 'git' && s.git?.ref)) > 100);
});
