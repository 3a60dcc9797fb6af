/**
 * The differential test of `thv registry validate`: every manifest of the admission corpus
 * (test/support/admission-corpus.ts) goes through the CLI (offline) and through the live webhooks on a
 * real kube-apiserver (`kubectl apply --dry-run=server`), under the policy the corpus names, and both
 * must give the same verdict, the same messages and the same warnings.
 *
 * Policies are cluster-wide in a webhook, and the shared test stack's webhooks watch every namespace,
 * so this file boots its OWN control plane: one operator per distinct policy, each registered for one
 * namespace only, the CRD converting through the first.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { stringify } from 'yaml';
import { KubeClient } from '../../../src/kube/client.ts';
import { startControlPlane, type ControlPlane } from '../../../src/local/control-plane.ts';
import { installCrd } from '../../../src/local/crd-install.ts';
import { startOperator, type OperatorProcess } from '../../../src/local/stack.ts';
import { registerWebhooksForNamespace } from '../../support/namespace-webhooks.ts';
import { pollUntil } from '../../../src/local/poll.ts';
import { allManifests, type Manifest } from '../../support/admission-corpus.ts';
import { kubectlVerdict, kubectlVerdictAsync, type KubectlOutcome, type Outcome } from './kubectl-verdict.ts';

const ROOT = resolve(import.meta.dirname, '../../..');
const cases = allManifests();
const policies = [...new Set(cases.map((c) => c.policy ?? ''))];

let cp: ControlPlane;
let kube: KubeClient;
const operators: OperatorProcess[] = [];
const namespaceOf = new Map<string, string>();
const cliOutcomes = new Map<number, Outcome>();
const liveOutcomes = new Map<number, KubectlOutcome>();
let dir: string;

const withNamespace = (obj: Manifest, ns: string): Manifest => ({
  ...obj,
  metadata: { ...obj.metadata, namespace: ns },
});

async function startPolicyOperator(policy: string, i: number): Promise<OperatorProcess> {
  const opDir = join(dir, `policy-${i}`);
  mkdirSync(join(opDir, 'policy'), { recursive: true });
  const policyFile = join(opDir, 'policy', 'policy.yaml');
  // No policy in the corpus means the built-in one, which an empty file gives (the local stack's
  // default file allows loopback sources, so it is not that).
  writeFileSync(policyFile, policy || '# the built-in policy\n');
  return startOperator({ kubeconfigPath: cp.kubeconfigPath, dir: opDir, policyFile });
}

/** Registers one operator's webhooks for one namespace and waits until both are in force there. */
async function register(op: OperatorProcess, ns: string): Promise<void> {
  await kube.create({ group: '', version: 'v1', plural: 'namespaces' }, { metadata: { name: ns } });
  await registerWebhooksForNamespace(kube, op, ns);
  const probe = (filter: unknown) =>
    withNamespace(
      {
        apiVersion: 'toolhive.stacklok.io/v1beta1',
        kind: 'MCPRegistry',
        metadata: { name: 'probe' },
        spec: { sources: [{ name: 'p', type: 'configmap', configMapRef: { name: 'c' }, filter }] },
      },
      ns,
    );
  await pollUntil(
    `the webhooks for ${ns} to be live`,
    async () => {
      const ok = kubectlVerdict(cp.kubeconfigPath, probe(undefined), ['-o', 'json']);
      const defaulted = ok.valid && ok.stdout.includes('"format": "toolhive"');
      const refused = kubectlVerdict(cp.kubeconfigPath, probe({ names: { include: ['['] } }));
      return defaulted && !refused.valid && refused.errors.some((e) => e.includes('unclosed ['))
        ? true
        : undefined;
    },
    60_000,
  );
}

/** One `thv registry validate -o json` run per policy, over all its manifests in one YAML stream. */
async function runCli(policy: string, i: number): Promise<void> {
  const members = cases.flatMap((c, index) => ((c.policy ?? '') === policy ? [{ c, index }] : []));
  const file = join(dir, `manifests-${i}.yaml`);
  writeFileSync(file, members.map(({ c }) => stringify(c.obj)).join('---\n'));
  const args = ['src/bin/thv.ts', 'registry', 'validate', '-o', 'json', file];
  if (policy) {
    const p = join(dir, `cli-policy-${i}.yaml`);
    writeFileSync(p, policy);
    args.push('--policy', p);
  }
  const r = await new Promise<{ status: number | null; stdout: string; stderr: string }>((res, rej) => {
    const child = spawn(process.execPath, args, { cwd: ROOT, timeout: 120_000 });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.once('error', rej);
    child.once('close', (status) => res({ status, stdout, stderr }));
  });
  assert.ok(r.status === 0 || r.status === 1, `thv exited ${r.status}: ${r.stderr}`);
  const report = JSON.parse(r.stdout) as {
    documents: { document: number; result: string; errors: { text: string }[]; warnings: string[] }[];
  };
  assert.equal(report.documents.length, members.length, 'one report per manifest');
  report.documents.forEach((d, k) => {
    const m = members[k];
    if (!m) return;
    assert.equal(d.document, k + 1);
    cliOutcomes.set(m.index, {
      valid: d.result === 'valid',
      errors: d.errors.map((e) => e.text),
      warnings: d.warnings,
    });
  });
}

before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'mcpr-gitops-diff-'));
  cp = await startControlPlane({});
  kube = KubeClient.load({ kubeconfig: cp.kubeconfigPath });
  // A few at a time: each start compiles the operator, and the machine is shared.
  for (let i = 0; i < policies.length; i += 3) {
    // Every operator that started is kept for after() to stop, even when another of the batch failed
    // (a leaked operator would keep this file's process alive).
    const batch = await Promise.allSettled(
      policies.slice(i, i + 3).map((p, k) => startPolicyOperator(p, i + k)),
    );
    for (const r of batch) if (r.status === 'fulfilled') operators.push(r.value);
    const failed = batch.find((r): r is PromiseRejectedResult => r.status === 'rejected');
    if (failed) throw failed.reason;
  }
  const first = operators[0];
  assert.ok(first);
  await installCrd(kube, { kind: 'url', url: `${first.webhookUrl}/convert`, caBundle: first.caBundle });
  for (const [i, p] of policies.entries()) {
    const ns = `diff-policy-${i}`;
    namespaceOf.set(p, ns);
    const op = operators[i];
    assert.ok(op);
    await register(op, ns);
  }
  // The offline verdicts: one thv run per policy, three at a time.
  for (let i = 0; i < policies.length; i += 3)
    await Promise.all(policies.slice(i, i + 3).map((p, k) => runCli(p, i + k)));
  // The live verdicts, four kubectl processes at a time (each case's test then compares).
  const queue = [...cases.entries()];
  const worker = async () => {
    for (let next = queue.shift(); next; next = queue.shift()) {
      const [index, c] = next;
      const ns = namespaceOf.get(c.policy ?? '') ?? '';
      liveOutcomes.set(index, await kubectlVerdictAsync(cp.kubeconfigPath, withNamespace(c.obj, ns)));
    }
  };
  await Promise.all([worker(), worker(), worker(), worker()]);
});

after(async () => {
  await Promise.all(operators.map((op) => op.stop()));
  kube?.close();
  await cp?.stop();
});

const sorted = (xs: string[]) => [...xs].sort();

for (const [index, c] of cases.entries()) {
  test(`validate agrees with the live webhooks: ${c.name}`, () => {
    const live = liveOutcomes.get(index);
    assert.ok(live, 'kubectl judged this manifest');
    const offline = cliOutcomes.get(index);
    assert.ok(offline, 'the CLI reported on this manifest');
    assert.deepEqual(
      { valid: offline.valid, errors: sorted(offline.errors), warnings: sorted(offline.warnings) },
      { valid: live.valid, errors: sorted(live.errors), warnings: sorted(live.warnings) },
      `kubectl said:\n${live.stderr}`,
    );
  });
}

test('the corpus covers valid and invalid manifests under several policies', () => {
  const outcomes = [...cliOutcomes.values()];
  assert.ok(outcomes.filter((o) => o.valid).length >= 5);
  assert.ok(outcomes.filter((o) => !o.valid).length >= 40);
  assert.ok(policies.length >= 4);
});
