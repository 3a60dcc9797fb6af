/**
 * Hostile tenant (SPEC §18) against workload admission: a reference reaches only the workload's own
 * namespace and says nothing about others; a ConfigMap planted under a registry's storage name is
 * never read as its catalog.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { kubectlOk } from '../../support/cluster.ts';
import { installToolhiveCrds } from '../../support/toolhive-crds.ts';
import { annotations, apply, registryWith, TOOLHIVE_DOC, workloadNamespace } from './helpers.ts';

const API = 'toolhive.stacklok.dev/v1beta1';
const server = (name: string, ann: Record<string, string>, image?: string) => ({
  apiVersion: API,
  kind: 'MCPServer',
  metadata: { name, annotations: ann },
  ...(image && { spec: { image } }),
});

test('a reference never reaches another namespace, and refusals do not tell whether it exists', async () => {
  await installToolhiveCrds('2026-08-21');
  const victim = await workloadNamespace();
  await registryWith(victim, 'corp', TOOLHIVE_DOC);
  const tenant = await workloadNamespace();
  await registryWith(tenant, 'mine', TOOLHIVE_DOC, { stored: false });
  // The other namespace's registry by name, with a namespace prefix, or a path: all refused alike.
  for (const ref of [
    'corp',
    `${victim}/corp`,
    `../${victim}/corp`,
    `../../${victim}/mcpregistries/corp`,
    'no-such-registry',
    // Names no object can have: never asked of the apiserver, answered alike.
    '.',
    '..',
    'Corp',
    'régistre',
    'x'.repeat(254),
  ]) {
    const r = apply(tenant, server('x', annotations(ref, 'fetch')));
    assert.equal(
      r.stderr,
      `The MCPServer "x" is invalid: metadata.annotations[toolhive.stacklok.io/registry]: Invalid value: ${JSON.stringify(ref)}: no MCPRegistry ${JSON.stringify(ref)} in namespace "${tenant}"; existing: mine`,
      ref,
    );
  }
});

test('a ConfigMap planted under the storage name is not a catalog', async () => {
  await installToolhiveCrds('2026-08-21');
  const ns = await workloadNamespace();
  await registryWith(ns, 'planted', TOOLHIVE_DOC, { stored: false, enforceServers: true });
  kubectlOk([
    'create',
    'configmap',
    'planted-registry-storage',
    '-n',
    ns,
    '--from-literal=registry.json=' +
      JSON.stringify({
        version: '1.0.0',
        last_updated: '2025-10-22T00:00:00Z',
        servers: {
          evil: {
            description: 'Planted by the tenant',
            tier: 'Community',
            status: 'Active',
            transport: 'stdio',
            tools: ['x'],
            image: 'evil.example/x:1',
          },
        },
        remote_servers: {},
      }),
  ]);
  const resolve = apply(ns, server('a', annotations('planted', 'evil')));
  assert.notEqual(resolve.code, 0);
  assert.match(resolve.stderr, /MCPRegistry "planted" has no synced catalog yet/);
  const enforce = apply(ns, {
    apiVersion: API,
    kind: 'MCPServer',
    metadata: { name: 'b' },
    spec: { image: 'evil.example/x:1' },
  });
  assert.notEqual(enforce.code, 0);
  assert.match(
    enforce.stderr,
    /image "evil\.example\/x:1" is in none of the registries enforced in this namespace \(checked: planted\)/,
  );
});
