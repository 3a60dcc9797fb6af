/** The WorkloadsCompliant condition's wording (SPEC §11): counts, the first ten named, the audit to run. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { complianceCondition } from '../../../src/controller/compliance/condition.ts';

const row = (i: number) => ({
  namespace: 'team-a',
  kind: 'MCPServer',
  name: `s${i}`,
  value: `evil.example/x:${i}`,
  reason: 'r',
});

test('complianceCondition: all compliant, some, more than ten', () => {
  assert.deepEqual(complianceCondition('team-a', []), {
    type: 'WorkloadsCompliant',
    status: 'True',
    reason: 'AllCompliant',
    message: 'every ToolHive workload in this namespace is listed by one of its registries',
  });
  assert.deepEqual(
    complianceCondition('team-a', [row(1), { ...row(2), kind: 'MCPRemoteProxy', value: '' }]),
    {
      type: 'WorkloadsCompliant',
      status: 'False',
      reason: 'NonCompliantWorkloads',
      message:
        '2 workload(s) in this namespace would be refused today (they predate enforcement and are left as they are): MCPServer s1 (evil.example/x:1), MCPRemoteProxy s2 (no image); `thv registry audit -n team-a` lists them with the reasons',
    },
  );
  const many = complianceCondition(
    'team-a',
    Array.from({ length: 12 }, (_, i) => row(i)),
  );
  assert.match(many.message, /^12 workload\(s\) .*MCPServer s9 \(evil\.example\/x:9\) and 2 more; /);
  assert.doesNotMatch(many.message, /s10/);
});
