import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ConversionReviewDecodeError, handleConversionReview } from '../../../src/api/conversion/index.ts';
import { ANNOTATION_V1BETA1_SPEC } from '../../../src/api/constants.ts';

const review = (request: unknown) => ({
  apiVersion: 'apiextensions.k8s.io/v1',
  kind: 'ConversionReview',
  request,
});
const alpha = (name: string) => ({
  apiVersion: 'toolhive.stacklok.io/v1alpha1',
  kind: 'MCPRegistry',
  metadata: { name, namespace: 'ns', uid: `uid-${name}` },
  spec: { source: { type: 'url', url: `https://e/${name}.json` } },
});

test('a successful review echoes the uid and answers in ConversionReview v1', () => {
  const out = handleConversionReview(
    review({
      uid: 'abc',
      desiredAPIVersion: 'toolhive.stacklok.io/v1beta1',
      objects: [alpha('a'), alpha('b')],
    }),
  );
  assert.deepStrictEqual(out, {
    apiVersion: 'apiextensions.k8s.io/v1',
    kind: 'ConversionReview',
    response: {
      uid: 'abc',
      result: { status: 'Success' },
      convertedObjects: ['a', 'b'].map((n) => ({
        apiVersion: 'toolhive.stacklok.io/v1beta1',
        kind: 'MCPRegistry',
        metadata: { name: n, namespace: 'ns', uid: `uid-${n}` },
        spec: { sources: [{ name: 'default', type: 'url', url: { href: `https://e/${n}.json` } }] },
      })),
    },
  });
});

test('objects already in the desired version come back unchanged; an empty list is fine', () => {
  const same = handleConversionReview(
    review({ uid: 'x', desiredAPIVersion: 'toolhive.stacklok.io/v1alpha1', objects: [alpha('a')] }),
  );
  assert.deepStrictEqual(same.response.convertedObjects, [alpha('a')]);
  const empty = handleConversionReview(
    review({ uid: 'y', desiredAPIVersion: 'toolhive.stacklok.io/v1beta1', objects: [] }),
  );
  assert.deepStrictEqual(empty.response, { uid: 'y', convertedObjects: [], result: { status: 'Success' } });
});

const failures: [string, unknown, string][] = [
  [
    'an unknown desired version',
    { uid: 'f', desiredAPIVersion: 'toolhive.stacklok.io/v2', objects: [alpha('a')] },
    'converting MCPRegistry ns/a to toolhive.stacklok.io/v2: cannot convert "toolhive.stacklok.io/v1alpha1" to "toolhive.stacklok.io/v2": supported versions are "toolhive.stacklok.io/v1alpha1" and "toolhive.stacklok.io/v1beta1"',
  ],
  [
    'another kind',
    {
      uid: 'f',
      desiredAPIVersion: 'toolhive.stacklok.io/v1beta1',
      objects: [{ ...alpha('a'), kind: 'MCPServer' }],
    },
    'converting MCPRegistry ns/a to toolhive.stacklok.io/v1beta1: kind: Unsupported value: "MCPServer": supported values: "MCPRegistry"',
  ],
  [
    'a v1beta1 object without sources',
    {
      uid: 'f',
      desiredAPIVersion: 'toolhive.stacklok.io/v1alpha1',
      objects: [
        {
          apiVersion: 'toolhive.stacklok.io/v1beta1',
          kind: 'MCPRegistry',
          metadata: { name: 'z' },
          spec: { sources: [] },
        },
      ],
    },
    'converting MCPRegistry z to toolhive.stacklok.io/v1alpha1: spec.sources: Required value: at least one source object is needed',
  ],
  [
    'a stash annotation that is not JSON',
    {
      uid: 'f',
      desiredAPIVersion: 'toolhive.stacklok.io/v1beta1',
      objects: [
        {
          ...alpha('a'),
          metadata: { name: 'a', namespace: 'ns', annotations: { [ANNOTATION_V1BETA1_SPEC]: '{oops' } },
        },
      ],
    },
    `converting MCPRegistry ns/a to toolhive.stacklok.io/v1beta1: metadata.annotations[${ANNOTATION_V1BETA1_SPEC}]: Invalid value: not JSON (Expected property name or '}' in JSON at position 1 (line 1 column 2)); remove the annotation to convert without it`,
  ],
  [
    'a stash with an empty source list',
    {
      uid: 'f',
      desiredAPIVersion: 'toolhive.stacklok.io/v1beta1',
      objects: [
        {
          ...alpha('a'),
          metadata: { name: 'a', annotations: { [ANNOTATION_V1BETA1_SPEC]: '{"sources":[]}' } },
        },
      ],
    },
    `converting MCPRegistry a to toolhive.stacklok.io/v1beta1: metadata.annotations[${ANNOTATION_V1BETA1_SPEC}]: Invalid value: sources must be a non-empty list of objects`,
  ],
  [
    'a non-object in the list',
    { uid: 'f', desiredAPIVersion: 'toolhive.stacklok.io/v1beta1', objects: [alpha('a'), 42] },
    'converting MCPRegistry objects[1] to toolhive.stacklok.io/v1beta1: object: Invalid value: must be a JSON object',
  ],
  ['no desiredAPIVersion', { uid: 'f', objects: [] }, 'request.desiredAPIVersion: Required value'],
  [
    'no objects',
    { uid: 'f', desiredAPIVersion: 'toolhive.stacklok.io/v1beta1' },
    'request.objects: Required value: must be a list',
  ],
];

for (const [name, request, message] of failures) {
  test(`failure: ${name}`, () => {
    assert.deepStrictEqual(handleConversionReview(review(request)), {
      apiVersion: 'apiextensions.k8s.io/v1',
      kind: 'ConversionReview',
      response: { uid: 'f', convertedObjects: [], result: { status: 'Failure', message } },
    });
  });
}

const undecodable: [string, unknown, string][] = [
  ['not an object', 'hello', 'body must be a JSON object (a ConversionReview)'],
  [
    'an AdmissionReview',
    { apiVersion: 'admission.k8s.io/v1', kind: 'AdmissionReview', request: { uid: 'x' } },
    'expected apiVersion "apiextensions.k8s.io/v1" and kind "ConversionReview", got "admission.k8s.io/v1" and "AdmissionReview"',
  ],
  [
    'ConversionReview v1beta1',
    { apiVersion: 'apiextensions.k8s.io/v1beta1', kind: 'ConversionReview', request: { uid: 'x' } },
    'expected apiVersion "apiextensions.k8s.io/v1" and kind "ConversionReview", got "apiextensions.k8s.io/v1beta1" and "ConversionReview"',
  ],
  [
    'no request uid',
    review({ desiredAPIVersion: 'v' }),
    'request.uid: Required value: a ConversionReview request needs a uid',
  ],
];

for (const [name, body, message] of undecodable) {
  test(`not a ConversionReview v1 request: ${name} throws ConversionReviewDecodeError`, () => {
    assert.throws(
      () => handleConversionReview(body),
      (e: unknown) => {
        assert.ok(e instanceof ConversionReviewDecodeError);
        assert.equal(e.message, message);
        return true;
      },
    );
  });
}
