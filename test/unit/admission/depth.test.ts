/**
 * Specs nested too deep to walk (src/admission/depth.ts), through the webhook's own entry points
 * (mutate, validateReview): refused with the field named instead of "Maximum call stack size
 * exceeded", never defaulted, and not blocking a delete or an update that leaves an already stored
 * deep spec as it was (any other update of it is refused: no way around validation). The same refusal through the real apiserver: isolation/admission.test.ts.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DEFAULT_POLICY, mutate, validateReview } from '../../../src/admission/index.ts';
import type { AdmissionRequest } from '../../../src/admission/review.ts';

function nest(depth: number): unknown {
  let v: unknown = 'x';
  for (let i = 0; i < depth; i++) v = { a: v };
  return v;
}
const object = (api: unknown, metadata: Record<string, unknown> = {}) => ({
  apiVersion: 'toolhive.stacklok.io/v1beta1',
  kind: 'MCPRegistry',
  metadata: { name: 'r', namespace: 'n', ...metadata },
  spec: { sources: [{ name: 'default', type: 'url', url: { href: 'https://example.com/r.json' } }], api },
});
const req = (obj: unknown, over: Partial<AdmissionRequest> = {}): AdmissionRequest => ({
  uid: 'u',
  operation: 'CREATE',
  object: obj,
  ...over,
});
const REFUSAL =
  'MCPRegistry.toolhive.stacklok.io "r" is invalid: spec.api: Invalid value: nested more than 32 levels deep (counting from spec); a valid spec is far shallower';

test('a spec nested too deep: refused with the field named, at any depth, never defaulted', () => {
  // 30 levels under affinity: spec, api, affinity, nodeAffinity + 30 = 34 levels.
  for (const depth of [30, 5_000, 20_000]) {
    const r = req(object({ affinity: { nodeAffinity: nest(depth) } }));
    const m = mutate(r, DEFAULT_POLICY);
    assert.deepEqual(m.review.response, { uid: 'u', allowed: true }, `mutate ${depth}`);
    const v = validateReview(r, DEFAULT_POLICY);
    assert.equal(v.verdict, 'denied');
    assert.equal(v.review.response.status?.message, REFUSAL, `validate ${depth}`);
  }
});

test('a deep value in a typed field is named too; a spec within the bound is validated as usual', () => {
  const sources = [
    { name: 'default', type: 'url', url: { href: 'https://example.com/r.json' }, x: nest(40) },
  ];
  const v = validateReview(req({ ...object(undefined), spec: { sources } }), DEFAULT_POLICY);
  assert.equal(
    v.review.response.status?.message,
    'MCPRegistry.toolhive.stacklok.io "r" is invalid: spec.sources: Invalid value: nested more than 32 levels deep (counting from spec); a valid spec is far shallower',
  );
  const ok = req(object({ affinity: { nodeAffinity: nest(20) } }));
  assert.equal(validateReview(ok, DEFAULT_POLICY).verdict, 'allowed');
  assert.equal(mutate(ok, DEFAULT_POLICY).verdict, 'patched');
});

test('a stored deep spec: a delete and an update that leaves it as deep are not blocked', () => {
  const deep = object({ affinity: { nodeAffinity: nest(5_000) } });
  const deleting = object(deep.spec.api, { deletionTimestamp: '2026-12-07T00:00:00Z' });
  assert.equal(
    validateReview(req(deleting, { operation: 'UPDATE', oldObject: deep }), DEFAULT_POLICY).verdict,
    'allowed',
  );
  const relabelled = object(deep.spec.api, { labels: { a: 'b' } });
  assert.equal(
    validateReview(req(relabelled, { operation: 'UPDATE', oldObject: deep }), DEFAULT_POLICY).verdict,
    'allowed',
  );
  // A stored deep spec changed in any other way (here: a source validation would refuse): refused.
  const changed = object(deep.spec.api);
  changed.spec.sources = [{ name: 'default', type: 'url', url: { href: 'http://169.254.169.254/' } }];
  const r = validateReview(req(changed, { operation: 'UPDATE', oldObject: deep }), DEFAULT_POLICY);
  assert.equal(r.review.response.status?.message, REFUSAL);
  // Made deep by this update: refused.
  const shallow = object({});
  assert.equal(
    validateReview(req(deep, { operation: 'UPDATE', oldObject: shallow }), DEFAULT_POLICY).verdict,
    'denied',
  );
});
