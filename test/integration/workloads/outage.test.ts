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
import { kubeconfigPath, eventually } from '../../support/cluster.ts';
import { installToolhiveCrds } from '../../support/toolhive-crds.ts';
import { startOperator } from '../../../src/local/stack.ts';
import { apply, registerOwnWorkloadWebhooks, workloadNamespace } from './helpers.ts';

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
  const unregister = await registerOwnWorkloadWebhooks(op, id);
  t.after(async () => {
    await op.stop();
    await unregister();
  });
  const open = await workloadNamespace({ 'workload-test': id });
  const enforcing = await workloadNamespace({
    'workload-test': id,
    'toolhive.stacklok.io/enforce-servers': 'true',
  });
  await op.stop();
  // The enforcing namespace fails closed: our registration is live and its operator is down.
  const closed = await eventually('the stopped operator to refuse in the enforcing namespace', () => {
    const r = apply(enforcing, server('plain'));
    return r.code !== 0 ? r : undefined;
  });
  assert.match(closed.stderr, /failed calling webhook "vworkload-enforced\.toolhive\.stacklok\.io"/);
  // Elsewhere, a workload without our annotations applies as if the operator did not exist.
  const ok = apply(open, server('plain'));
  assert.equal(ok.code, 0, ok.stderr);
});
