/**
 * No collateral outage (SPEC §11): with the operator stopped, workloads without our annotations in
 * namespaces that do not enforce still apply; a namespace labelled as enforcing fails closed. The
 * workload webhook configurations of webhooks/ are registered a second time, renamed, pointing at an
 * operator this test starts and stops, and narrowed to this test's namespaces (the shared stack's
 * operator keeps answering its own registrations, so only ours can fail).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { client, kubeconfigPath, eventually } from '../../support/cluster.ts';
import { installToolhiveCrds } from '../../support/toolhive-crds.ts';
import { applyObject, startOperator, webhookConfigsForUrl } from '../../../src/local/stack.ts';
import { annotations, apply, workloadNamespace } from './helpers.ts';

const API = 'toolhive.stacklok.dev/v1beta1';
const server = (name: string, ann?: Record<string, string>) => ({
  apiVersion: API,
  kind: 'MCPServer',
  metadata: { name, ...(ann && { annotations: ann }) },
  spec: { image: 'ghcr.io/stackloklabs/gofetch/server:1.0.1' },
});

test('operator stopped: unannotated workloads in non-enforcing namespaces apply; enforcing namespaces fail closed', async (t) => {
  await installToolhiveCrds('2026-08-21');
  const id = randomBytes(3).toString('hex');
  const op = await startOperator({
    kubeconfigPath: kubeconfigPath(),
    dir: mkdtempSync(join(tmpdir(), 'wl-outage-')),
  });
  const names: { plural: string; name: string }[] = [];
  t.after(async () => {
    await op.stop();
    for (const n of names)
      await client().deleteIfExists({
        group: 'admissionregistration.k8s.io',
        version: 'v1',
        plural: n.plural,
        name: n.name,
      });
  });
  for (const cfg of webhookConfigsForUrl(op.webhookUrl, op.caBundle)) {
    const c = cfg as unknown as {
      kind: string;
      metadata: { name: string };
      webhooks: { name: string; namespaceSelector: { matchExpressions: object[] } }[];
    };
    c.webhooks = c.webhooks.filter((w) => w.name.includes('workload'));
    for (const w of c.webhooks)
      w.namespaceSelector.matchExpressions.push({ key: 'outage-test', operator: 'In', values: [id] });
    c.metadata.name = `outage-${id}-${c.kind === 'MutatingWebhookConfiguration' ? 'm' : 'v'}`;
    const plural =
      c.kind === 'MutatingWebhookConfiguration'
        ? 'mutatingwebhookconfigurations'
        : 'validatingwebhookconfigurations';
    names.push({ plural, name: c.metadata.name });
    await applyObject(
      client(),
      'admissionregistration.k8s.io',
      'v1',
      plural,
      c as unknown as { metadata: { name: string } },
    );
  }
  const open = await workloadNamespace({ 'outage-test': id });
  const enforcing = await workloadNamespace({
    'outage-test': id,
    'toolhive.stacklok.io/enforce-servers': 'true',
  });
  // While it answers, our registrations are live: an annotated workload naming no registry is refused by it.
  await eventually('the test operator to answer its registrations', () => {
    const r = apply(open, server(`probe-${Date.now()}`, annotations('none', 'fetch')));
    return r.code !== 0 && r.stderr.includes('no MCPRegistry "none"') ? true : undefined;
  });

  await op.stop();
  const ok = apply(open, server('plain'));
  assert.equal(ok.code, 0, ok.stderr);

  const closed = apply(enforcing, server('plain'));
  assert.notEqual(closed.code, 0);
  assert.match(closed.stderr, /failed calling webhook "vworkload-enforced\.toolhive\.stacklok\.io"/);
});
