import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  AdmissionDecodeError,
  DEFAULT_POLICY,
  decodeAdmissionReview,
  mutate,
  validateReview,
} from '../../../src/admission/index.ts';
import { alpha } from './helpers.ts';

const review = (request: Record<string, unknown>) => ({
  apiVersion: 'admission.k8s.io/v1',
  kind: 'AdmissionReview',
  request: { uid: 'u-1', operation: 'CREATE', name: 'r', ...request },
});

test('decode: the envelope must be an AdmissionReview v1 with a request uid', () => {
  const cases: [unknown, string][] = [
    [[], 'body must be a JSON object (an AdmissionReview)'],
    [
      { apiVersion: 'admission.k8s.io/v1beta1', kind: 'AdmissionReview', request: { uid: 'x' } },
      'expected apiVersion "admission.k8s.io/v1" and kind "AdmissionReview", got "admission.k8s.io/v1beta1" and "AdmissionReview"',
    ],
    [
      { apiVersion: 'admission.k8s.io/v1', kind: 'AdmissionReview' },
      'request: Required value: an AdmissionReview must carry a request',
    ],
    [
      { apiVersion: 'admission.k8s.io/v1', kind: 'AdmissionReview', request: { uid: '' } },
      'request.uid: Required value: an AdmissionReview request needs a uid',
    ],
  ];
  for (const [body, message] of cases)
    assert.throws(
      () => decodeAdmissionReview(body),
      (e: unknown) => e instanceof AdmissionDecodeError && e.message === message,
    );
});

test('mutate: a base64 JSONPatch with patchType, uid echoed', () => {
  const req = decodeAdmissionReview(
    review({ object: alpha({ source: { type: 'configmap', configmap: { name: 'c' } } }) }),
  );
  const { review: out, verdict } = mutate(req, DEFAULT_POLICY);
  assert.equal(verdict, 'patched');
  assert.equal(out.apiVersion, 'admission.k8s.io/v1');
  assert.equal(out.kind, 'AdmissionReview');
  assert.equal(out.response.uid, 'u-1');
  assert.equal(out.response.allowed, true);
  assert.equal(out.response.patchType, 'JSONPatch');
  assert.deepEqual(JSON.parse(Buffer.from(out.response.patch ?? '', 'base64').toString()), [
    { op: 'add', path: '/spec/format', value: 'toolhive' },
    { op: 'add', path: '/spec/source/configmap/key', value: 'registry.json' },
  ]);
});

test('mutate: nothing to do means no patch and no patchType', () => {
  const obj = alpha({
    format: 'toolhive',
    source: { type: 'configmap', configmap: { name: 'c', key: 'k' } },
  });
  const { review: out, verdict } = mutate(decodeAdmissionReview(review({ object: obj })), DEFAULT_POLICY);
  assert.equal(verdict, 'allowed');
  assert.deepEqual(out.response, { uid: 'u-1', allowed: true });
});

test('validate: a denial is a 422 Invalid status naming the object, with causes', () => {
  const req = decodeAdmissionReview(review({ object: alpha({ source: { type: 'url', url: 'http://x' } }) }));
  const { review: out, verdict } = validateReview(req, DEFAULT_POLICY);
  assert.equal(verdict, 'denied');
  assert.deepEqual(out.response, {
    uid: 'u-1',
    allowed: false,
    status: {
      code: 422,
      reason: 'Invalid',
      message:
        'MCPRegistry.toolhive.stacklok.io "r" is invalid: spec.source.url: Invalid value: "http://x": must use https',
      details: {
        name: 'r',
        group: 'toolhive.stacklok.io',
        kind: 'MCPRegistry',
        causes: [
          {
            reason: 'FieldValueInvalid',
            message: 'Invalid value: "http://x": must use https',
            field: 'spec.source.url',
          },
        ],
      },
    },
  });
});

test('validate: warnings ride along with an allowed response', () => {
  const obj = alpha({ source: { type: 'url', url: 'https://a.com/r.json' }, syncPolicy: { interval: '1m' } });
  const { review: out } = validateReview(decodeAdmissionReview(review({ object: obj })), DEFAULT_POLICY);
  assert.deepEqual(out.response, {
    uid: 'u-1',
    allowed: true,
    warnings: [
      'spec.syncPolicy.interval: 1m polls a remote source more often than every 5m; consider 5m or more',
    ],
  });
});

test('DELETE, CONNECT and status writes are allowed without checks', () => {
  const bad = alpha({ source: { type: 'url', url: 'http://x' } });
  for (const r of [
    { operation: 'DELETE', oldObject: bad },
    { operation: 'CONNECT' },
    { operation: 'UPDATE', subResource: 'status', object: bad },
  ]) {
    const req = decodeAdmissionReview(review(r));
    assert.deepEqual(validateReview(req, DEFAULT_POLICY).review.response, { uid: 'u-1', allowed: true });
    assert.deepEqual(mutate(req, DEFAULT_POLICY).review.response, { uid: 'u-1', allowed: true });
  }
});
