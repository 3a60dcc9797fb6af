/**
 * F4 for ConversionReview decoding: hostile JSON text through JSON.parse into handleConversionReview
 * (the same call the /convert handler makes), and a differential round-trip oracle over generated
 * MCPRegistries in batches. CI runs tens of thousands of cases; MCPR_LONG=1 runs a million.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { API_VERSION_V1ALPHA1, API_VERSION_V1BETA1 } from '../../../src/api/constants.ts';
import {
  ConversionReviewDecodeError,
  handleConversionReview,
  type ConversionReviewResponse,
} from '../../../src/api/conversion/index.ts';
import { alphaArb, hubArb } from '../../unit/conversion/arbitraries.ts';
import { deepText, envelopeText, jsonText, prototypeIsClean, runs } from '../../reliability/json-text.ts';

type Outcome = { review: ConversionReviewResponse } | { decodeError: string };

/** Decodes like the server: JSON.parse, then the review handler; anything but a decode error is a bug. */
function decode(text: string): Outcome | undefined {
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    return undefined; // not JSON: the server answers 400 before the handler runs
  }
  try {
    return { review: handleConversionReview(body) };
  } catch (e) {
    if (e instanceof ConversionReviewDecodeError) return { decodeError: e.message };
    throw e;
  }
}

function assertWellFormed(review: ConversionReviewResponse, uid: unknown): void {
  assert.equal(review.apiVersion, 'apiextensions.k8s.io/v1');
  assert.equal(review.kind, 'ConversionReview');
  assert.equal(review.response.uid, uid);
  assert.ok(Array.isArray(review.response.convertedObjects));
  if (review.response.result.status === 'Failure') {
    assert.equal(typeof review.response.result.message, 'string');
    assert.ok(review.response.result.message.length > 0);
    assert.deepEqual(review.response.convertedObjects, []);
  } else assert.equal(review.response.result.status, 'Success');
  // What goes on the wire must serialize and read back the same.
  assert.deepEqual(JSON.parse(JSON.stringify(review)), JSON.parse(JSON.stringify(review)));
}

test('any JSON text: a well-formed review with the uid echoed, or a decode error (400); never a crash', () => {
  fc.assert(
    fc.property(jsonText, (text) => {
      const out = decode(text);
      if (out && 'review' in out) {
        const uid = (JSON.parse(text) as { request: { uid: unknown } }).request.uid;
        assertWellFormed(out.review, uid);
      }
    }),
    { numRuns: runs(20_000, 1_000_000) },
  );
  assert.ok(prototypeIsClean());
});

const uidText = fc.oneof(
  fc.uuid().map((u) => JSON.stringify(u)),
  fc.constantFrom('""', 'null', '42', '{}', '"__proto__"'),
);
const desiredText = fc.constantFrom(
  JSON.stringify(API_VERSION_V1ALPHA1),
  JSON.stringify(API_VERSION_V1BETA1),
  '"toolhive.stacklok.io/v2"',
  '"v1"',
  '""',
  'null',
);
const objectText = fc.oneof(
  jsonText,
  fc.oneof(alphaArb, hubArb).map((o) => JSON.stringify(o)),
  fc
    .tuple(fc.oneof(alphaArb, hubArb), jsonText)
    .map(([o, junk]) => JSON.stringify(o).replace(/"spec":/, () => `"spec":${junk},"spec":`)),
);
const requestText = fc
  .tuple(uidText, desiredText, fc.array(objectText, { maxLength: 6 }))
  .map(([u, d, objs]) => `{"uid":${u},"desiredAPIVersion":${d},"objects":[${objs.join(',')}]}`);

test('review envelopes with hostile objects: order, count, version and identity metadata hold', () => {
  fc.assert(
    fc.property(envelopeText('apiextensions.k8s.io/v1', 'ConversionReview', requestText), (text) => {
      const out = decode(text);
      assert.ok(out, 'the generator only makes JSON');
      if ('decodeError' in out) return;
      const request = (
        JSON.parse(text) as { request: { uid: unknown; desiredAPIVersion: unknown; objects: unknown[] } }
      ).request;
      assertWellFormed(out.review, request.uid);
      if (out.review.response.result.status !== 'Success') return;
      const converted = out.review.response.convertedObjects as Record<string, unknown>[];
      assert.equal(converted.length, request.objects.length);
      converted.forEach((o, i) => {
        assert.equal(o.apiVersion, request.desiredAPIVersion);
        const before = (request.objects[i] as { metadata?: Record<string, unknown> }).metadata ?? {};
        const after = (o.metadata ?? {}) as Record<string, unknown>;
        for (const k of ['name', 'namespace', 'uid', 'resourceVersion', 'generation', 'labels'])
          assert.deepEqual(after[k], before[k], `metadata.${k} of object ${i}`);
      });
    }),
    { numRuns: runs(5_000, 200_000) },
  );
  assert.ok(prototypeIsClean());
});

test('differential oracle: a batch converted there and back through two reviews is the identity', () => {
  const batch = (arb: fc.Arbitrary<unknown>) => fc.array(arb, { minLength: 1, maxLength: 5 });
  const roundTrip = (objects: unknown[], via: string, back: string) => {
    const there = handleConversionReview({
      apiVersion: 'apiextensions.k8s.io/v1',
      kind: 'ConversionReview',
      request: { uid: 'there', desiredAPIVersion: via, objects: JSON.parse(JSON.stringify(objects)) },
    });
    assert.equal(there.response.result.status, 'Success');
    // Through the wire format, as the apiserver would store and send it back.
    const backAgain = handleConversionReview(
      JSON.parse(
        JSON.stringify({
          apiVersion: 'apiextensions.k8s.io/v1',
          kind: 'ConversionReview',
          request: { uid: 'back', desiredAPIVersion: back, objects: there.response.convertedObjects },
        }),
      ),
    );
    assert.equal(backAgain.response.result.status, 'Success');
    assert.deepStrictEqual(backAgain.response.convertedObjects, objects);
  };
  fc.assert(
    fc.property(batch(alphaArb), (objs) => roundTrip(objs, API_VERSION_V1BETA1, API_VERSION_V1ALPHA1)),
    { numRuns: runs(1_500, 100_000) },
  );
  fc.assert(
    fc.property(batch(hubArb), (objs) => roundTrip(objs, API_VERSION_V1ALPHA1, API_VERSION_V1BETA1)),
    { numRuns: runs(1_500, 100_000) },
  );
});

test('extreme bodies: 10,000-level nesting and a 3 MiB review decode without crashing', () => {
  for (const kind of ['array', 'object'] as const) {
    const text = `{"apiVersion":"apiextensions.k8s.io/v1","kind":"ConversionReview","request":{"uid":"deep","desiredAPIVersion":"${API_VERSION_V1ALPHA1}","objects":[{"apiVersion":"${API_VERSION_V1BETA1}","kind":"MCPRegistry","metadata":{"name":"x"},"spec":{"sources":[],"filter":${deepText(10_000, kind)}}}]}}`;
    const out = decode(text);
    assert.ok(out && 'review' in out);
    assertWellFormed(out.review, 'deep');
  }
  const one = {
    apiVersion: API_VERSION_V1BETA1,
    kind: 'MCPRegistry',
    metadata: { name: 'big', namespace: 'ns', uid: 'u', resourceVersion: '1' },
    spec: {
      displayName: 'x'.repeat(200),
      sources: [{ name: 'a', type: 'url', url: { href: 'https://example.com/r.json' } }],
      filter: {
        names: { include: Array.from({ length: 100 }, (_, i) => `io.example.${i}/${'y'.repeat(200)}`) },
      },
    },
  };
  const count = Math.ceil((3 * 2 ** 20) / JSON.stringify(one).length);
  const text = JSON.stringify({
    apiVersion: 'apiextensions.k8s.io/v1',
    kind: 'ConversionReview',
    request: {
      uid: 'big',
      desiredAPIVersion: API_VERSION_V1ALPHA1,
      objects: Array.from({ length: count }, () => one),
    },
  });
  assert.ok(text.length >= 3 * 2 ** 20);
  const out = decode(text);
  assert.ok(out && 'review' in out);
  assertWellFormed(out.review, 'big');
  assert.equal(out.review.response.result.status, 'Success');
  assert.equal(out.review.response.convertedObjects.length, count);
});
