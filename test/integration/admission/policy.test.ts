/**
 * The platform policy against the real apiserver. A policy is cluster-wide, and other test files
 * share the stack's operator, so this file runs its OWN operator process with its own policy file
 * (mounted like a ConfigMap) and registers it only for its own namespace.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startOperator, type OperatorProcess } from '../../../src/local/stack.ts';
import { registerWebhooksForNamespace } from '../../support/namespace-webhooks.ts';
import { writeAtomically } from '../../support/atomic-writer.ts';
import { client, createNamespace, eventually, kubectl, kubectlOk } from '../../support/cluster.ts';

let ns: string;
let op: OperatorProcess;
let policyDir: string;
let unregister: (() => Promise<void>) | undefined;

const STRICT = 'allowedHosts: ["*.allowed.example"]\nenforced: {excludeTags: [internal]}\n';
const reg = (name: string, url: string, labels: Record<string, string> = {}) => ({
  apiVersion: 'toolhive.stacklok.io/v1alpha1',
  kind: 'MCPRegistry',
  metadata: { name, namespace: ns, labels },
  spec: { source: { type: 'url', url } },
});
const FORBIDDEN = (host: string, allowed: string) =>
  `spec.source.url: Forbidden: host "${host}" is not allowed by the platform policy (allowedHosts: ${allowed})`;

before(async () => {
  ns = await createNamespace('policy');
  const dir = mkdtempSync(join(tmpdir(), 'mcpr-policy-'));
  policyDir = join(dir, 'policy');
  writeAtomically(policyDir, { 'policy.yaml': STRICT });
  op = await startOperator({
    kubeconfigPath: process.env.MCPR_TEST_KUBECONFIG ?? '',
    dir,
    policyFile: join(policyDir, 'policy.yaml'),
  });
  unregister = await registerWebhooksForNamespace(client(), op, ns);
  await eventually('this namespace’s policy webhook to be live', () => {
    const r = kubectl(
      ['apply', '--dry-run=server', '-f', '-'],
      reg('probe', 'https://evil.example.org/r.json'),
    );
    return r.code === 1 && r.stderr.includes('allowedHosts') ? true : undefined;
  });
});

after(async () => {
  await unregister?.();
  await op?.stop();
});

test('a policy that forbids a host rejects a spec that names it', () => {
  const r = kubectl(['apply', '-f', '-'], reg('evil', 'https://evil.example.org/r.json'));
  assert.equal(r.code, 1);
  assert.equal(
    r.stderr,
    `The MCPRegistry "evil" is invalid: ${FORBIDDEN('evil.example.org', '*.allowed.example')}`,
  );
});

test('an allowed host is accepted, and the enforced exclusion is added to the filter', () => {
  kubectlOk(['apply', '-f', '-'], reg('ok', 'https://cdn.allowed.example/r.json'));
  const got = JSON.parse(
    kubectlOk(['get', 'mcpregistries.v1alpha1.toolhive.stacklok.io/ok', '-n', ns, '-o', 'json']),
  );
  assert.deepEqual(got.spec.filter, { tags: { exclude: ['internal'] } });
});

test('a policy change on disk takes effect without a restart; a bad file keeps the last good policy', async () => {
  const pidBefore = op.pid;
  writeAtomically(policyDir, { 'policy.yaml': 'allowedHosts: ["*.allowed.example", "evil.example.org"]\n' });
  await eventually('the relaxed policy to be in force', () => {
    const r = kubectl(
      ['apply', '--dry-run=server', '-f', '-'],
      reg('evil', 'https://evil.example.org/r.json'),
    );
    return r.code === 0 ? true : undefined;
  });

  writeAtomically(policyDir, { 'policy.yaml': 'allowedHosts: ["[broken"]\n' });
  const ready = await eventually('readiness to report the rejected file', async () => {
    const body = (await (await fetch(`${op.healthUrl}/readyz`)).json()) as {
      ready: boolean;
      checks: { policy: string };
    };
    return body.checks.policy.includes('rejected') ? body : undefined;
  });
  assert.equal(ready.ready, true, 'the last good policy still serves');
  assert.equal(
    ready.checks.policy,
    `policy file ${join(policyDir, 'policy.yaml')} rejected, keeping the last good policy: allowedHosts[0]: Invalid value: "[broken": invalid glob: unclosed [ at position 1`,
  );
  const metrics = await (await fetch(`${op.healthUrl}/metrics`)).text();
  assert.match(metrics, /^mcpr_policy_valid 0$/m);
  assert.match(metrics, /^mcpr_policy_reloads_total\{result="error"\} 1$/m);
  // Still the relaxed policy:
  assert.equal(
    kubectl(['apply', '--dry-run=server', '-f', '-'], reg('evil', 'https://evil.example.org/r.json')).code,
    0,
  );

  writeAtomically(policyDir, { 'policy.yaml': STRICT });
  await eventually('the strict policy to be back', () => {
    const r = kubectl(
      ['apply', '--dry-run=server', '-f', '-'],
      reg('evil', 'https://evil.example.org/r.json'),
    );
    return r.code === 1 ? true : undefined;
  });
  assert.match(await (await fetch(`${op.healthUrl}/metrics`)).text(), /^mcpr_policy_valid 1$/m);
  assert.equal(op.pid, pidBefore);
});

test('tightening the policy does not block edits that leave the forbidden value alone; changing it is refused', async () => {
  writeAtomically(policyDir, { 'policy.yaml': 'allowedHosts: ["*.allowed.example", "old.example.org"]\n' });
  await eventually('old.example.org to be allowed', () =>
    kubectl(['apply', '-f', '-'], reg('legacy', 'https://old.example.org/r.json')).code === 0
      ? true
      : undefined,
  );
  writeAtomically(policyDir, { 'policy.yaml': STRICT });
  await eventually('the strict policy to be back', () =>
    kubectl(['apply', '--dry-run=server', '-f', '-'], reg('probe', 'https://old.example.org/r.json')).code ===
    1
      ? true
      : undefined,
  );
  const edit = kubectl(['apply', '-f', '-'], reg('legacy', 'https://old.example.org/r.json', { team: 'a' }));
  assert.equal(edit.code, 0, edit.stderr);
  assert.equal(
    edit.stderr,
    `Warning: ${FORBIDDEN('old.example.org', '*.allowed.example')} (kept because this update does not change it)`,
  );
  const moved = kubectl(
    ['apply', '-f', '-'],
    reg('legacy', 'https://other.example.org/r.json', { team: 'a' }),
  );
  assert.equal(moved.code, 1);
  assert.equal(
    moved.stderr,
    `The MCPRegistry "legacy" is invalid: ${FORBIDDEN('other.example.org', '*.allowed.example')}`,
  );
});
