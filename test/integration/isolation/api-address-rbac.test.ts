/**
 * An operator that may not list Nodes (SPEC §18, issue #26): a registry API's node port answers on
 * every Node's addresses, so the controller must know them before any fetch, as it must the API
 * Services and EndpointSlices. Without `list` on nodes it fails closed: no registry syncs, and the log
 * says at once which resource it may not list and what the apiserver answered. Granting it later is
 * enough: the informer retries, lists, and the waiting registry syncs without a restart.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  client,
  createNamespace,
  eventually,
  grantUser,
  CONFIGMAP_REGISTRY_RULES,
} from '../../support/cluster.ts';
import { startController, type ControllerProcess } from '../../support/controller.ts';
import { kubeconfigFor, type ControlPlane } from '../../../src/local/control-plane.ts';
import { REGISTRIES } from '../../../src/kube/mcpregistries.ts';
import { FIXTURE, getReg, putConfigMap, registry, waitPhase } from '../controller/helpers.ts';

const RBAC = { group: 'rbac.authorization.k8s.io', version: 'v1' };
let ns: string;
let user: string;
let ctrl: ControllerProcess | undefined;
const cluster: { plural: string; name: string }[] = [];

/** A cluster-wide grant (nodes, CRDs and namespaces are cluster-scoped). */
async function grantCluster(name: string, rules: unknown[]): Promise<void> {
  await client().create({ ...RBAC, plural: 'clusterroles' }, { metadata: { name }, rules });
  cluster.push({ plural: 'clusterroles', name });
  await client().create(
    { ...RBAC, plural: 'clusterrolebindings' },
    {
      metadata: { name },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name },
      subjects: [{ apiGroup: 'rbac.authorization.k8s.io', kind: 'User', name: user }],
    },
  );
  cluster.push({ plural: 'clusterrolebindings', name });
}

before(async () => {
  ns = await createNamespace('iso-nodes-rbac');
  user = `operator-${ns}`;
  await putConfigMap(ns, 'catalog', { 'registry.json': FIXTURE });
  // Everything the controller needs for a ConfigMap registry in its namespace, but nodes.
  grantUser(ns, user, CONFIGMAP_REGISTRY_RULES);
  await grantCluster(`${user}-cluster`, [
    {
      apiGroups: ['apiextensions.k8s.io'],
      resources: ['customresourcedefinitions'],
      verbs: ['get', 'list', 'watch'],
    },
    { apiGroups: [''], resources: ['namespaces'], verbs: ['list', 'watch'] },
  ]);
  const dir = mkdtempSync(join(tmpdir(), 'mcpr-nodes-rbac-'));
  const kubeconfig = join(dir, 'kubeconfig');
  const cp = { dir: process.env.MCPR_TEST_CP_DIR ?? '', server: process.env.MCPR_TEST_CP_SERVER ?? '' };
  writeFileSync(kubeconfig, await kubeconfigFor(cp as ControlPlane, user));
  ctrl = startController({ kubeconfig, namespaces: [ns] });
});
after(async () => {
  await ctrl?.stop();
  for (const o of cluster.reverse()) await client().delete({ ...RBAC, ...o });
});

test('without list on nodes no registry syncs, the log says why at once, and a grant starts the syncs', async () => {
  await client().create(
    { ...REGISTRIES, namespace: ns },
    registry(ns, 'catalog', {
      sources: [{ name: 'main', type: 'configmap', configMapRef: { name: 'catalog' } }],
    }),
  );
  const line = await eventually(
    'the operator logs that it may not list nodes',
    () =>
      Promise.resolve(
        ctrl!
          .log()
          .split('\n')
          .flatMap((l) => (l.includes('"resource":"nodes"') && l.includes('syncs wait') ? [l] : []))[0],
      ),
    60_000,
  );
  const entry = JSON.parse(line) as { level: number; status: number; msg: string };
  assert.equal(entry.level, 50);
  assert.equal(entry.status, 403);
  assert.equal(
    entry.msg,
    `syncs wait: the operator may not list nodes (403: nodes is forbidden: User "${user}" cannot list resource "nodes" in API group "" at the cluster scope), and a registry API's addresses must be known before any fetch (SPEC §18); grant it list/watch on services, discovery.k8s.io endpointslices and nodes (the shipped ClusterRole does)`,
  );
  // The workers have not started: the registry has no status at all (not even a failed sync).
  assert.equal((await getReg(ns, 'catalog')).status, undefined);

  await grantCluster(`${user}-nodes`, [{ apiGroups: [''], resources: ['nodes'], verbs: ['list', 'watch'] }]);
  const r = await waitPhase(ns, 'catalog', 'Ready');
  assert.ok((r.status?.sync?.serverCount ?? 0) > 0);
});
