/**
 * The controller reports workloads that predate enforcement on each enforcing registry (SPEC §11):
 * the WorkloadsCompliant condition with their count, never touching them; it clears when they are
 * fixed and disappears when the registry stops enforcing.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { client, eventually, kubeconfigPath, kubectlOk } from '../../support/cluster.ts';
import { startController } from '../../support/controller.ts';
import { installToolhiveCrds } from '../../support/toolhive-crds.ts';
import { REGISTRIES } from '../../../src/kube/mcpregistries.ts';
import { apply, getSpec, TOOLHIVE_DOC, workloadNamespace } from './helpers.ts';

const API = 'toolhive.stacklok.dev/v1beta1';
interface Reg {
  status?: {
    phase?: string;
    conditions?: { type: string; status: string; reason: string; message: string }[];
  };
}

test('WorkloadsCompliant: counted on the enforcing registry, cleared when fixed, gone when enforcement is off', async (t) => {
  await installToolhiveCrds('2026-08-21');
  const ns = await workloadNamespace();
  kubectlOk([
    'create',
    'configmap',
    'corp-src',
    '-n',
    ns,
    `--from-literal=registry.json=${JSON.stringify(TOOLHIVE_DOC)}`,
  ]);
  const registry = (enforceServers: boolean) =>
    kubectlOk(['apply', '-n', ns, '-f', '-'], {
      apiVersion: 'toolhive.stacklok.io/v1alpha1',
      kind: 'MCPRegistry',
      metadata: { name: 'corp' },
      spec: { source: { type: 'configmap', configmap: { name: 'corp-src' } }, enforceServers },
    });
  registry(false);
  const server = (name: string, image: string) =>
    apply(ns, { apiVersion: API, kind: 'MCPServer', metadata: { name }, spec: { image } });
  assert.equal(server('old', 'evil.example/x:1').code, 0);
  assert.equal(server('good', 'ghcr.io/stackloklabs/gofetch/server:1.0.1').code, 0);
  const ctrl = startController({
    kubeconfig: kubeconfigPath(),
    namespaces: [ns],
    env: { MCPR_COMPLIANCE_INTERVAL_MS: '1000' },
  });
  t.after(() => ctrl.stop());
  const cond = async () =>
    (await client().get<Reg>({ ...REGISTRIES, namespace: ns, name: 'corp' })).status?.conditions?.find(
      (c) => c.type === 'WorkloadsCompliant',
    );
  await eventually(
    'the registry to sync',
    async () =>
      (await client().get<Reg>({ ...REGISTRIES, namespace: ns, name: 'corp' })).status?.phase === 'Ready'
        ? true
        : undefined,
    60_000,
  );
  registry(true);
  const bad = await eventually(
    'the condition to count the old workload',
    async () => {
      const c = await cond();
      return c?.status === 'False' ? c : undefined;
    },
    90_000,
  );
  assert.deepEqual(
    { reason: bad.reason, message: bad.message },
    {
      reason: 'NonCompliantWorkloads',
      message: `1 workload(s) in this namespace would be refused today (they predate enforcement and are left as they are): MCPServer old (evil.example/x:1); \`thv registry audit -n ${ns}\` lists them with the reasons`,
    },
  );
  assert.equal(getSpec(ns, 'mcpservers', 'old').spec.image, 'evil.example/x:1', 'never touched');
  kubectlOk(['delete', 'mcpservers.toolhive.stacklok.dev', 'old', '-n', ns]);
  await eventually(
    'the condition to clear',
    async () => ((await cond())?.status === 'True' ? true : undefined),
    90_000,
  );
  registry(false);
  await eventually(
    'the condition to go',
    async () => ((await cond()) === undefined ? true : undefined),
    90_000,
  );
});
