/**
 * The kubernetes discovery source and RBAC (SPEC §12, #31): the controller runs as an identity that
 * may list/watch ToolHive's workloads only in its registry's namespace and in one that consents.
 * A namespace that does not consent (and where the identity may list nothing) is never asked about
 * and reads as empty; a consenting namespace the identity may not list fails the source, naming it.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { client, createNamespace, kubectl, CONFIGMAP_REGISTRY_RULES } from '../../support/cluster.ts';
import { startController } from '../../support/controller.ts';
import { LOOPBACK_POLICY_YAML } from '../../support/destinations.ts';
import { installToolhiveCrds } from '../../support/toolhive-crds.ts';
import { kubeconfigFor, type ControlPlane } from '../../../src/local/control-plane.ts';
import { REGISTRIES } from '../../../src/kube/mcpregistries.ts';
import { registry, waitPhase } from './helpers.ts';
import {
  allowCrossNamespaceAtAdmission,
  createWorkload,
  exported,
  MERGE,
  READERS,
} from './discovery-helpers.ts';

let restorePolicy: (() => void) | undefined;
let own: string;

before(async () => {
  await installToolhiveCrds('2026-08-21');
  own = await createNamespace('disc-rbac');
  restorePolicy = await allowCrossNamespaceAtAdmission(own, 'anywhere');
});
after(() => restorePolicy?.());

test('RBAC: an operator allowed only where registries may read never asks elsewhere; a consenting namespace it may not list fails the source, naming it', async () => {
  const yes = await createNamespace('disc-rbac-yes');
  const no = await createNamespace('disc-rbac-no');
  const locked = await createNamespace('disc-rbac-locked');
  const user = `discovery-operator-${own}`;
  const rbac = { group: 'rbac.authorization.k8s.io', version: 'v1' };
  const role = (name: string, rules: unknown[]) =>
    client().create({ ...rbac, plural: 'clusterroles' }, { metadata: { name }, rules });
  const bind = (ns: string | undefined, name: string, roleName: string) =>
    client().create(
      { ...rbac, plural: ns ? 'rolebindings' : 'clusterrolebindings', ...(ns ? { namespace: ns } : {}) },
      {
        metadata: { name, ...(ns ? { namespace: ns } : {}) },
        roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: roleName },
        subjects: [{ apiGroup: 'rbac.authorization.k8s.io', kind: 'User', name: user }],
      },
    );
  // What the controller needs in its own namespace, and the discovery rules of manifests/base.
  await role(`${user}-controller`, CONFIGMAP_REGISTRY_RULES);
  await role(`${user}-workloads`, [
    {
      apiGroups: ['toolhive.stacklok.dev'],
      resources: ['mcpservers', 'mcpremoteproxies', 'mcpserverentries', 'virtualmcpservers'],
      verbs: ['list', 'watch'],
    },
  ]);
  await role(`${user}-cluster`, [
    {
      apiGroups: ['apiextensions.k8s.io'],
      resources: ['customresourcedefinitions'],
      verbs: ['get', 'list', 'watch'],
    },
    { apiGroups: [''], resources: ['namespaces'], verbs: ['list', 'watch'] },
    // Every Node's addresses (a registry API's node port): workers start once they are listed too.
    { apiGroups: [''], resources: ['nodes'], verbs: ['list', 'watch'] },
  ]);
  await bind(own, 'controller', `${user}-controller`);
  await bind(own, 'workloads', `${user}-workloads`);
  await bind(yes, 'workloads', `${user}-workloads`);
  await bind(undefined, `${user}-cluster`, `${user}-cluster`);
  for (const [n, readers] of [
    [yes, own],
    [locked, own],
  ] as const)
    await client().patch({ group: '', version: 'v1', plural: 'namespaces', name: n }, MERGE, {
      metadata: { annotations: { [READERS]: readers } },
    });
  for (const n of [own, yes, no, locked])
    await createWorkload('MCPServer', 'v1beta1', n, 'srv', exported('srv'), {
      image: 'ghcr.io/org/srv:1.2.3',
    });
  const can = (verb: string, ns: string) =>
    kubectl([
      'auth',
      'can-i',
      verb,
      'mcpservers.toolhive.stacklok.dev',
      '-n',
      ns,
      `--as=${user}`,
    ]).stdout.trim();
  assert.equal(can('list', own), 'yes');
  assert.equal(can('list', no), 'no', 'the operator may not list the namespace that does not consent');
  assert.equal(can('get', own), 'no', 'list and watch only');

  const dir = mkdtempSync(join(tmpdir(), 'mcpr-disc-rbac-'));
  const kc = join(dir, 'kubeconfig');
  const cp = { dir: process.env.MCPR_TEST_CP_DIR ?? '', server: process.env.MCPR_TEST_CP_SERVER ?? '' };
  writeFileSync(kc, await kubeconfigFor(cp as ControlPlane, user));
  const restricted = startController({
    kubeconfig: kc,
    namespaces: [own],
    policy: `${LOOPBACK_POLICY_YAML}allowCrossNamespaceDiscovery: true\n`,
  });
  try {
    await client().create(
      { ...REGISTRIES, namespace: own },
      registry(own, 'catalog', {
        sources: [{ name: 'running', type: 'kubernetes', kubernetes: { namespaces: [own, yes, no] } }],
      }),
    );
    const ready = await waitPhase(own, 'catalog', 'Ready', (r) => r.status?.sync?.serverCount === 2);
    assert.ok(!JSON.stringify(ready.status).includes(no));
    const stored = await client().get<{ data?: Record<string, string> }>({
      group: '',
      version: 'v1',
      plural: 'configmaps',
      namespace: own,
      name: 'catalog-registry-storage',
    });
    const text = JSON.stringify(stored.data ?? {});
    assert.ok(
      text.includes(`k8s.${own}/srv`) && text.includes(`k8s.${yes}/srv`) && !text.includes(`k8s.${no}/srv`),
    );
    assert.ok(!restricted.log().includes(no), 'the namespace that did not consent was never asked about');

    await client().create(
      { ...REGISTRIES, namespace: own },
      registry(own, 'locked', {
        sources: [{ name: 'running', type: 'kubernetes', kubernetes: { namespaces: [locked] } }],
      }),
    );
    const failed = await waitPhase(own, 'locked', 'Failed');
    assert.ok(
      (failed.status?.message ?? '').includes(
        `source running: the operator may not list mcpremoteproxies in namespace ${locked}, mcpserverentries in namespace ${locked}, mcpservers in namespace ${locked}; grant it list and watch on ToolHive's workloads there (docs/controller.md, RBAC)`,
      ),
      failed.status?.message,
    );
  } finally {
    await restricted.stop();
  }
});
