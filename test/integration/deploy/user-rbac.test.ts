/**
 * RBAC for people (SPEC §15, docs/security.md "Who may do what"), on the real apiserver's
 * authorizer: the shipped ClusterRoles carry the aggregation labels the built-in view/edit/admin
 * roles select on (kube-controller-manager folds them in; the test control plane has none, so the
 * roles are bound directly here), each grants exactly its verbs, and the catalog reader can be
 * narrowed to one registry with resourceNames.
 */
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseAllDocuments } from 'yaml';
import { createNamespace, kubectl, kubectlOk } from '../../support/cluster.ts';

const FILE = resolve(import.meta.dirname, '../../../manifests/base/user-rbac.yaml');
let ns = '';

before(async () => {
  ns = await createNamespace('user-rbac');
  kubectlOk(['apply', '-f', FILE]);
});

const can = (user: string, verb: string, resource: string, extra: string[] = []) => {
  const r = kubectl(['auth', 'can-i', verb, resource, '-n', ns, '--as', user, ...extra]);
  return r.stdout.trim();
};

const bind = (user: string, roleKind: 'ClusterRole' | 'Role', role: string) =>
  kubectlOk([
    'create',
    'rolebinding',
    `${user}-${role}`,
    `--${roleKind.toLowerCase()}`,
    role,
    '--user',
    user,
    '-n',
    ns,
  ]);

test('the view and edit roles aggregate into the built-in roles; the catalog reader does not', () => {
  const docs = parseAllDocuments(readFileSync(FILE, 'utf8')).map(
    (d) => d.toJS() as { metadata: { name: string; labels: Record<string, string> } },
  );
  const people = [
    'mcp-registry-operator-view',
    'mcp-registry-operator-edit',
    'mcp-registry-operator-catalog-reader',
  ];
  const labels = Object.fromEntries(
    docs
      .filter((d) => people.includes(d.metadata.name))
      .map((d) => [
        d.metadata.name,
        Object.keys(d.metadata.labels)
          .filter((k) => k.startsWith('rbac.authorization.k8s.io/'))
          .sort(),
      ]),
  );
  assert.deepEqual(labels, {
    'mcp-registry-operator-view': ['rbac.authorization.k8s.io/aggregate-to-view'],
    'mcp-registry-operator-edit': [
      'rbac.authorization.k8s.io/aggregate-to-admin',
      'rbac.authorization.k8s.io/aggregate-to-edit',
    ],
    'mcp-registry-operator-catalog-reader': [],
  });
});

test('view reads MCPRegistries and their status, and changes nothing', () => {
  bind('viewer', 'ClusterRole', 'mcp-registry-operator-view');
  assert.equal(can('viewer', 'list', 'mcpregistries.toolhive.stacklok.io'), 'yes');
  assert.equal(can('viewer', 'get', 'mcpregistries.toolhive.stacklok.io', ['--subresource=status']), 'yes');
  assert.equal(can('viewer', 'create', 'mcpregistries.toolhive.stacklok.io'), 'no');
  assert.equal(can('viewer', 'get', 'mcpregistries.toolhive.stacklok.io', ['--subresource=catalog']), 'no');
});

test('edit creates, changes and deletes MCPRegistries, and cannot write their status', () => {
  bind('editor', 'ClusterRole', 'mcp-registry-operator-edit');
  for (const verb of ['create', 'update', 'patch', 'delete'])
    assert.equal(can('editor', verb, 'mcpregistries.toolhive.stacklok.io'), 'yes', verb);
  assert.equal(can('editor', 'update', 'mcpregistries.toolhive.stacklok.io', ['--subresource=status']), 'no');
});

test('the catalog reader reads catalogs only, per namespace or narrowed to one registry', () => {
  bind('reader', 'ClusterRole', 'mcp-registry-operator-catalog-reader');
  assert.equal(
    can('reader', 'get', 'mcpregistries.toolhive.stacklok.io/any', ['--subresource=catalog']),
    'yes',
  );
  assert.equal(can('reader', 'get', 'mcpregistries.toolhive.stacklok.io/any'), 'no');

  kubectlOk([
    'create',
    'role',
    'one-catalog',
    '--verb=get',
    '--resource=mcpregistries.toolhive.stacklok.io/catalog',
    '--resource-name=team-a',
    '-n',
    ns,
  ]);
  bind('narrow', 'Role', 'one-catalog');
  assert.equal(
    can('narrow', 'get', 'mcpregistries.toolhive.stacklok.io/team-a', ['--subresource=catalog']),
    'yes',
  );
  assert.equal(
    can('narrow', 'get', 'mcpregistries.toolhive.stacklok.io/team-b', ['--subresource=catalog']),
    'no',
  );
});
