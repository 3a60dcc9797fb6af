/** The platform policy's `workloads.registries` (SPEC §11): parsed as namespace/name, every mistake reported. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parsePolicy, PolicyError } from '../../../../src/admission/index.ts';

test('workloads.registries: namespace/name pairs', () => {
  assert.deepEqual(parsePolicy('workloads: {registries: [platform/approved, ops/base]}').workloads, {
    registries: [
      { namespace: 'platform', name: 'approved' },
      { namespace: 'ops', name: 'base' },
    ],
  });
  assert.equal(parsePolicy('workloads: {registries: []}').workloads, undefined);
  assert.equal(parsePolicy('{}').workloads, undefined);
});

test('workloads.registries: exact messages', () => {
  const problems = (text: string) => {
    try {
      parsePolicy(text);
      return '';
    } catch (e) {
      return (e as PolicyError).message;
    }
  };
  assert.equal(
    problems('workloads: {registries: [approved, "a/b/c"]}'),
    'workloads.registries[0]: Invalid value: "approved": must be namespace/name of an MCPRegistry; workloads.registries[1]: Invalid value: "a/b/c": must be namespace/name of an MCPRegistry',
  );
  assert.match(problems('workloads: {registry: [a/b]}'), /^workloads\.registry: /);
});
