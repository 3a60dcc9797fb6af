/** `enforceServers` (SPEC §11) is the same field in both versions: conversion carries it both ways, losslessly. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { convertObject } from '../../../src/api/conversion/index.ts';
import { validateStructure } from '../../../src/api/validator.ts';

const alpha = {
  apiVersion: 'toolhive.stacklok.io/v1alpha1',
  kind: 'MCPRegistry',
  metadata: { name: 'corp', namespace: 'team-a' },
  spec: {
    source: { type: 'configmap', configmap: { name: 'corp', key: 'registry.json' } },
    format: 'toolhive',
    enforceServers: true,
  },
};

test('v1alpha1 enforceServers → v1beta1 spec.enforceServers → back, identical', () => {
  const beta = convertObject(alpha, 'toolhive.stacklok.io/v1beta1') as { spec: Record<string, unknown> };
  assert.equal(beta.spec.enforceServers, true);
  assert.deepEqual(convertObject(beta, 'toolhive.stacklok.io/v1alpha1'), alpha);
  for (const v of [false, undefined]) {
    const a = { ...alpha, spec: { ...alpha.spec, enforceServers: v } };
    if (v === undefined) delete (a.spec as Record<string, unknown>).enforceServers;
    assert.deepEqual(
      convertObject(convertObject(a, 'toolhive.stacklok.io/v1beta1'), 'toolhive.stacklok.io/v1alpha1'),
      a,
    );
  }
});

test('both versions accept a boolean and refuse anything else', () => {
  assert.deepEqual(
    validateStructure('v1alpha1', alpha).map((e) => e.field),
    [],
  );
  const bad = validateStructure('v1alpha1', { ...alpha, spec: { ...alpha.spec, enforceServers: 'yes' } });
  assert.deepEqual(
    bad.map((e) => e.field),
    ['spec.enforceServers'],
  );
});
