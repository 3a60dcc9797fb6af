/**
 * Network destinations (issue #12.7) and cluster-local HTTP (#19.1) on the real apiserver under the
 * BUILT-IN policy (the shipped manifests' policy: no file content) and under each new policy switch.
 * Like policy.test.ts this file runs its own operator, registered for its own namespace only, because
 * a policy is cluster-wide and the shared stack's policy (the local dev stack's) allows loopback.
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

const reg = (name: string, source: Record<string, unknown>) => ({
  apiVersion: 'toolhive.stacklok.io/v1alpha1',
  kind: 'MCPRegistry',
  metadata: { name, namespace: ns },
  spec: { source },
});
const url = (name: string, u: string) => reg(name, { type: 'url', url: u });
const HINT = "not an allowed destination (the platform policy's allowedCIDRs can allow it)";

/** Writes the policy and waits until `probe` gets the expected exit code from a server-side dry run. */
async function usePolicy(yaml: string, probe: object, code: number): Promise<void> {
  writeAtomically(policyDir, { 'policy.yaml': yaml });
  let last = '';
  await eventually(
    'the policy to be in force',
    () => {
      const r = kubectl(['apply', '--dry-run=server', '-f', '-'], probe);
      last = r.stderr;
      return r.code === code ? true : undefined;
    },
    60_000,
  ).catch((e: Error) => {
    throw new Error(`${e.message}; last answer: ${last}`);
  });
}

before(async () => {
  ns = await createNamespace('network');
  const dir = mkdtempSync(join(tmpdir(), 'mcpr-network-'));
  policyDir = join(dir, 'policy');
  // Empty: the built-in policy, exactly what the shipped manifests run with.
  writeAtomically(policyDir, { 'policy.yaml': '' });
  op = await startOperator({
    kubeconfigPath: process.env.MCPR_TEST_KUBECONFIG ?? '',
    dir,
    policyFile: join(policyDir, 'policy.yaml'),
  });
  unregister = await registerWebhooksForNamespace(client(), op, ns);
  await eventually('this namespace’s webhook to be live', () => {
    const r = kubectl(['apply', '--dry-run=server', '-f', '-'], url('probe', 'https://127.0.0.1/r.json'));
    return r.code === 1 && r.stderr.includes('loopback') ? true : undefined;
  });
});

after(async () => {
  await unregister?.();
  await op?.stop();
});

test('built-in policy: loopback is refused in decimal, hex, octal, IPv4-mapped and IPv6 notation', () => {
  const cases: [string, string][] = [
    ['https://2130706433/r.json', '"2130706433" (127.0.0.1)'],
    ['https://0x7f.1/r.json', '"0x7f.1" (127.0.0.1)'],
    ['https://0177.0.0.1/r.json', '"0177.0.0.1" (127.0.0.1)'],
    ['https://[::ffff:127.0.0.1]/r.json', '"[::ffff:127.0.0.1]" (127.0.0.1)'],
    ['https://[::1]:8443/r.json', '::1'],
  ];
  cases.forEach(([u, subject], i) => {
    const r = kubectl(['apply', '-f', '-'], url(`lo-${i}`, u));
    assert.equal(r.code, 1, u);
    assert.equal(
      r.stderr,
      `The MCPRegistry "lo-${i}" is invalid: spec.source.url: Forbidden: ${subject} is a loopback address, ${HINT}`,
    );
  });
  const git = kubectl(
    ['apply', '-f', '-'],
    reg('lo-git', { type: 'git', git: { repository: 'git@2130706433:org/r.git' } }),
  );
  assert.equal(
    git.stderr,
    `The MCPRegistry "lo-git" is invalid: spec.source.git.repository: Forbidden: "2130706433" (127.0.0.1) is a loopback address, ${HINT}`,
  );
});

test('allowedCIDRs lets a listed address through', async () => {
  await usePolicy('allowedCIDRs: [127.0.0.0/8]\n', url('p', 'https://0x7f.1/r.json'), 0);
  kubectlOk(['apply', '-f', '-'], url('lo-allowed', 'https://2130706433/r.json'));
  // The object keeps the value as written; ::1 is not in the list.
  assert.equal(kubectl(['apply', '--dry-run=server', '-f', '-'], url('v6', 'https://[::1]/r.json')).code, 1);
});

test('allowPrivateNetworks: false and deniedCIDRs refuse private and listed ranges; the most specific entry wins', async () => {
  await usePolicy(
    'allowPrivateNetworks: false\ndeniedCIDRs: [203.0.113.0/24]\nallowedCIDRs: [10.1.2.3, 203.0.113.7]\n',
    url('p', 'https://10.0.0.1/r.json'),
    1,
  );
  const priv = kubectl(['apply', '-f', '-'], url('priv', 'https://10.0.0.1/r.json'));
  assert.equal(
    priv.stderr,
    'The MCPRegistry "priv" is invalid: spec.source.url: Forbidden: 10.0.0.1 is a private address, not an allowed destination (the platform policy sets allowPrivateNetworks: false; its allowedCIDRs can allow it)',
  );
  const denied = kubectl(['apply', '-f', '-'], url('denied', 'https://203.0.113.9/r.json'));
  assert.equal(
    denied.stderr,
    'The MCPRegistry "denied" is invalid: spec.source.url: Forbidden: 203.0.113.9 is in the platform policy\'s deniedCIDRs (203.0.113.0/24), not an allowed destination',
  );
  kubectlOk(['apply', '-f', '-'], url('carved', 'https://10.1.2.3/r.json'));
  kubectlOk(['apply', '-f', '-'], url('carved-denied', 'https://203.0.113.7/r.json'));
});

test('cluster-local http: only under the configured cluster domain, and switchable off', async () => {
  const svc = (name: string, u: string) => reg(name, { type: 'registry', registry: { url: u } });
  // The shared stack's webhook (cluster.local) also reviews this namespace, so only what this
  // operator's policy refuses can be shown here; the corp.internal acceptance is a unit test.
  await usePolicy('clusterDomain: corp.internal\n', svc('p', 'http://r.tools.svc.cluster.local'), 1);
  const other = kubectl(['apply', '-f', '-'], svc('svc-other', 'http://r.tools.svc.cluster.local'));
  assert.equal(
    other.stderr,
    'The MCPRegistry "svc-other" is invalid: spec.source.registry.url: Invalid value: "http://r.tools.svc.cluster.local": must use https',
  );
  await usePolicy('allowClusterLocalHTTP: false\n', svc('p', 'http://r.tools.svc'), 1);
  const off = kubectl(['apply', '-f', '-'], svc('svc-off', 'http://my-registry-api.default.svc'));
  assert.equal(
    off.stderr,
    'The MCPRegistry "svc-off" is invalid: spec.source.registry.url: Invalid value: "http://my-registry-api.default.svc": must use https',
  );
});
