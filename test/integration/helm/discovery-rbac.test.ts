/**
 * The discovery RBAC of kubernetes sources (docs/controller.md, "Discovery RBAC"), rendered by the
 * real helm: list/watch only on ToolHive's workloads; bound cluster-wide by default (as in the
 * kustomize base, which render.test.ts compares), per namespace with discovery.namespaces, absent
 * with discovery.enabled=false; a namespace name that cannot exist is refused by the values schema.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { CHART, helm, renderChart, setArgs, type K8sObject } from './chart.ts';

type Rbac = K8sObject & {
  rules?: { apiGroups: string[]; resources: string[]; verbs: string[] }[];
  roleRef?: { kind: string; name: string };
  metadata: { name: string; namespace?: string };
};

const discovery = (objs: K8sObject[]) =>
  (objs as Rbac[])
    .filter((o) => o.metadata.name.includes('-discovery'))
    .map((o) => `${o.kind} ${o.metadata.namespace ? `${o.metadata.namespace}/` : ''}${o.metadata.name}`)
    .sort();

test('default: the workload rule is list/watch only and bound cluster-wide', () => {
  const objs = renderChart() as Rbac[];
  assert.deepEqual(discovery(objs), [
    'ClusterRole mcp-registry-operator-discovery',
    'ClusterRole mcp-registry-operator-discovery-cluster',
    'ClusterRoleBinding mcp-registry-operator-discovery',
    'ClusterRoleBinding mcp-registry-operator-discovery-cluster',
  ]);
  const role = objs.find(
    (o) => o.kind === 'ClusterRole' && o.metadata.name === 'mcp-registry-operator-discovery',
  );
  assert.deepEqual(role?.rules, [
    {
      apiGroups: ['toolhive.stacklok.dev'],
      resources: ['mcpservers', 'mcpremoteproxies', 'mcpserverentries', 'virtualmcpservers'],
      verbs: ['list', 'watch'],
    },
  ]);
});

test('discovery.namespaces binds the workload rule in those namespaces only', () => {
  const objs = renderChart({ 'discovery.namespaces': ['team-a', 'team-b'] }) as Rbac[];
  assert.deepEqual(discovery(objs), [
    'ClusterRole mcp-registry-operator-discovery',
    'ClusterRole mcp-registry-operator-discovery-cluster',
    'ClusterRoleBinding mcp-registry-operator-discovery-cluster',
    'RoleBinding team-a/mcp-registry-operator-discovery',
    'RoleBinding team-b/mcp-registry-operator-discovery',
  ]);
  const rb = objs.find((o) => o.kind === 'RoleBinding' && o.metadata.namespace === 'team-a');
  assert.deepEqual(rb?.roleRef, {
    apiGroup: 'rbac.authorization.k8s.io',
    kind: 'ClusterRole',
    name: 'mcp-registry-operator-discovery',
  });
});

test('discovery.enabled=false renders none of it; a bad namespace name is refused', () => {
  assert.deepEqual(discovery(renderChart({ 'discovery.enabled': false })), []);
  const r = helm(['template', 'r', CHART, ...setArgs({ 'discovery.namespaces': ['Team_A'] })]);
  assert.notEqual(r.code, 0);
  assert.match(r.stderr, /at '\/discovery\/namespaces\/0': 'Team_A' does not match pattern/);
  const lint = helm(['lint', '--strict', CHART, ...setArgs({ 'discovery.namespaces': ['team-a'] })]);
  assert.equal(lint.code, 0, lint.stdout + lint.stderr);
});
