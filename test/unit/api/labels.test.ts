/** Kubernetes label syntax (src/api/labels.ts), as apimachinery's IsQualifiedName and IsValidLabelValue answer. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isLabelValue, isQualifiedName } from '../../../src/api/labels.ts';

const keys: [string, boolean][] = [
  ['team', true],
  ['kubernetes.io/metadata.name', true],
  ['a.b-c_d', true],
  [`${'n'.repeat(63)}`, true],
  [`${'n'.repeat(64)}`, false],
  [`${'p'.repeat(253)}/x`, true],
  [`${'p'.repeat(254)}/x`, false],
  ['Bad_Prefix/x', false],
  ['a..b/x', false],
  ['a/b/c', false],
  ['/x', false],
  ['x/', false],
  ['-x', false],
  ['', false],
];
for (const [key, ok] of keys)
  test(`key ${JSON.stringify(key.slice(0, 24))} is ${ok ? 'valid' : 'refused'}`, () =>
    assert.equal(isQualifiedName(key), ok));

const values: [string, boolean][] = [
  ['', true],
  ['platform', true],
  ['v1.2_3-a', true],
  ['v'.repeat(63), true],
  ['v'.repeat(64), false],
  ['-x', false],
  ['x-', false],
  ['a/b', false],
  ['a b', false],
];
for (const [value, ok] of values)
  test(`value ${JSON.stringify(value.slice(0, 24))} is ${ok ? 'valid' : 'refused'}`, () =>
    assert.equal(isLabelValue(value), ok));
