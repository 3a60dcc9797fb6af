/**
 * The workload webhooks are scoped so the operator being down never blocks what it does not enforce
 * (SPEC §11 "No collateral outage"): the mutating one sees only annotated workloads, the validating
 * one fails closed only in namespaces labelled as enforcing.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { WORKLOAD_PATHS } from '../../../src/webhook/workloads/admission.ts';

interface Hook {
  name: string;
  failurePolicy: string;
  clientConfig: { service: { path: string } };
  rules: { apiGroups: string[]; apiVersions: string[]; resources: string[] }[];
  namespaceSelector: { matchExpressions: { key: string; operator: string; values: string[] }[] };
  matchConditions?: { name: string; expression: string }[];
}
const hooks = (f: string) =>
  (parse(readFileSync(new URL(`../../../webhooks/${f}`, import.meta.url), 'utf8')) as { webhooks: Hook[] })
    .webhooks;
const RULES = [
  {
    apiGroups: ['toolhive.stacklok.dev'],
    apiVersions: ['v1alpha1', 'v1beta1'],
    operations: ['CREATE', 'UPDATE'],
    resources: ['mcpservers', 'mcpremoteproxies', 'mcpserverentries'],
    scope: 'Namespaced',
  },
];
const NOT_DELETING = { name: 'not-being-deleted', expression: '!has(object.metadata.deletionTimestamp)' };
const SYSTEM = {
  key: 'kubernetes.io/metadata.name',
  operator: 'NotIn',
  values: ['kube-system', 'toolhive-system'],
};

test('mutating: annotated workloads only, Fail', () => {
  const w = hooks('mutating.yaml').find((h) => h.name === 'mworkload.toolhive.stacklok.io')!;
  assert.equal(w.clientConfig.service.path, WORKLOAD_PATHS.mutate);
  assert.deepEqual(w.rules, RULES);
  assert.equal(w.failurePolicy, 'Fail');
  assert.deepEqual(w.namespaceSelector.matchExpressions, [SYSTEM]);
  assert.equal(w.matchConditions?.length, 2);
  assert.deepEqual(w.matchConditions?.[1], NOT_DELETING);
  assert.match(
    w.matchConditions?.[0]?.expression ?? '',
    /'toolhive\.stacklok\.io\/server' in object\.metadata\.annotations/,
  );
});

test('validating: Fail in enforcing-labelled namespaces, Ignore elsewhere, never both', () => {
  const v = hooks('validating.yaml');
  const strict = v.find((h) => h.name === 'vworkload-enforced.toolhive.stacklok.io')!;
  const open = v.find((h) => h.name === 'vworkload.toolhive.stacklok.io')!;
  for (const h of [strict, open]) {
    assert.equal(h.clientConfig.service.path, WORKLOAD_PATHS.validate);
    assert.deepEqual(h.rules, RULES);
    // An object being deleted only loses finalizers: never blocked, even with the operator down.
    assert.deepEqual(h.matchConditions, [NOT_DELETING]);
  }
  assert.equal(strict.failurePolicy, 'Fail');
  assert.equal(open.failurePolicy, 'Ignore');
  const label = { key: 'toolhive.stacklok.io/enforce-servers', values: ['true'] };
  assert.deepEqual(strict.namespaceSelector.matchExpressions, [SYSTEM, { ...label, operator: 'In' }]);
  assert.deepEqual(open.namespaceSelector.matchExpressions, [SYSTEM, { ...label, operator: 'NotIn' }]);
});
