/**
 * The operator runs without ToolHive's CRDs and starts handling a kind when its CRD appears, without
 * a restart; /readyz details say which kinds are handled (SPEC §11).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { eventually, kubeconfigPath } from '../../support/cluster.ts';
import { installToolhiveCrds, removeToolhiveCrds } from '../../support/toolhive-crds.ts';
import { startOperator } from '../../../src/local/stack.ts';

async function workloadsDetail(healthUrl: string): Promise<string> {
  const r = await fetch(`${healthUrl}/readyz`);
  const body = (await r.json()) as { checks: Record<string, string> };
  return body.checks.workloads ?? '';
}

test('CRDs appear after the operator started: kinds picked up, /readyz says which', async (t) => {
  await removeToolhiveCrds();
  const op = await startOperator({
    kubeconfigPath: kubeconfigPath(),
    dir: mkdtempSync(join(tmpdir(), 'wl-crds-')),
  });
  t.after(() => op.stop());
  await eventually('the first CRD check', async () =>
    (await workloadsDetail(op.healthUrl)).startsWith('handling no workload kinds') ? true : undefined,
  );
  assert.equal(
    await workloadsDetail(op.healthUrl),
    'handling no workload kinds; CRD not installed: MCPServer, MCPRemoteProxy, MCPServerEntry; 0 catalog(s) loaded',
  );
  // The CRDs are created one after another: wait for the whole generation, then compare.
  const settled = (expected: string, what: string) =>
    eventually(
      what,
      async () => ((await workloadsDetail(op.healthUrl)) === expected ? true : undefined),
      60_000,
    );
  await installToolhiveCrds('2025-10-31');
  await settled(
    'handling MCPServer (v1alpha1), MCPRemoteProxy (v1alpha1); CRD not installed: MCPServerEntry; 0 catalog(s) loaded',
    'the operator to pick up the October-2025 CRDs',
  );
  await installToolhiveCrds('2026-08-21');
  await settled(
    'handling MCPServer (v1alpha1, v1beta1), MCPRemoteProxy (v1alpha1, v1beta1), MCPServerEntry (v1alpha1, v1beta1); 0 catalog(s) loaded',
    'the operator to pick up the 2026 CRDs',
  );
});
