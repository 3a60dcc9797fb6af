/**
 * What a user sees when thv cannot do its job: no cluster at the address, a cluster without the
 * MCPRegistry CRD, and an identity RBAC does not allow. Each prints the documented message and exits 1.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { parse } from 'yaml';
import {
  freePort,
  kubeconfigFor,
  kubeconfigYaml,
  startControlPlane,
  type ControlPlane,
} from '../../../src/local/control-plane.ts';
import { NO_CLUSTER_HINT, NO_CRD_HINT } from '../../../src/cli/cluster.ts';
import { createNamespace, kubeconfigPath, kubectlOk } from '../../support/cluster.ts';
import { thv } from './thv.ts';

const dir = mkdtempSync(join(tmpdir(), 'thv-errors-'));
let bare: ControlPlane;
let ns: string;

before(async () => {
  ns = await createNamespace('cli-errors');
  bare = await startControlPlane();
});
after(async () => {
  await bare?.stop();
});

test('no cluster reachable: the address, the cause and where the kubeconfig comes from', async () => {
  const port = await freePort();
  const pki = join(dirname(kubeconfigPath()), 'pki');
  const file = join(dir, 'closed-port');
  writeFileSync(
    file,
    kubeconfigYaml(
      `https://127.0.0.1:${port}`,
      readFileSync(join(pki, 'server-ca.crt'), 'utf8'),
      readFileSync(join(pki, 'admin.crt'), 'utf8'),
      readFileSync(join(pki, 'admin.key'), 'utf8'),
    ),
  );
  for (const args of [
    ['registry', 'list'],
    ['registry', 'list', '-A'],
    ['registry', 'add', 'x', '--configmap', 'c'],
    ['registry', 'info', 'x'],
  ]) {
    const r = await thv(args, { kubeconfig: file });
    assert.equal(r.code, 1, args.join(' '));
    assert.equal(r.stdout, '');
    assert.equal(
      r.stderr,
      `error: cannot reach the Kubernetes API server at https://127.0.0.1:${port} (connect ECONNREFUSED 127.0.0.1:${port}).\n${NO_CLUSTER_HINT}\n`,
      args.join(' '),
    );
  }
});

test('CRD not installed: says so, and how to install it', async () => {
  for (const args of [
    ['registry', 'list'],
    ['registry', 'list', '-A'],
    ['registry', 'add', 'x', '--configmap', 'c'],
    ['registry', 'info', 'x'],
    ['registry', 'sync', 'x'],
    ['registry', 'remove', 'x'],
  ]) {
    const r = await thv(args, { kubeconfig: bare.kubeconfigPath });
    assert.equal(r.code, 1, args.join(' '));
    assert.equal(
      r.stderr,
      `error: the MCPRegistry API (toolhive.stacklok.io/v1beta1, resource mcpregistries) is not installed in the cluster at ${bare.server}.\n${NO_CRD_HINT}\n`,
      args.join(' '),
    );
  }
});

/** The shared control plane as kubeconfigFor needs it: its directory (with pki/) and address. */
function sharedPlane(): ControlPlane {
  const cpDir = process.env.MCPR_TEST_CP_DIR ?? dirname(kubeconfigPath());
  const kc = parse(readFileSync(kubeconfigPath(), 'utf8')) as { clusters: { cluster: { server: string } }[] };
  return { dir: cpDir, server: kc.clusters[0]?.cluster.server ?? '' } as ControlPlane;
}

async function userKubeconfig(user: string): Promise<string> {
  const file = join(dir, `${user}.kubeconfig`);
  writeFileSync(file, await kubeconfigFor(sharedPlane(), user));
  return file;
}

test('permission denied: the apiserver’s reason, the Role to ask for and the can-i check', async () => {
  const alice = await userKubeconfig('alice');
  const cases: [string[], string, string][] = [
    [
      ['registry', 'list', '-n', ns],
      'list',
      `mcpregistries.toolhive.stacklok.io is forbidden: User "alice" cannot list resource "mcpregistries" in API group "toolhive.stacklok.io" in the namespace "${ns}"`,
    ],
    [
      ['registry', 'add', 'x', '-n', ns, '--configmap', 'c'],
      'create',
      `mcpregistries.toolhive.stacklok.io is forbidden: User "alice" cannot create resource "mcpregistries" in API group "toolhive.stacklok.io" in the namespace "${ns}"`,
    ],
    [
      ['registry', 'sync', 'x', '-n', ns],
      'patch',
      `mcpregistries.toolhive.stacklok.io "x" is forbidden: User "alice" cannot patch resource "mcpregistries" in API group "toolhive.stacklok.io" in the namespace "${ns}"`,
    ],
  ];
  for (const [args, verb, message] of cases) {
    const r = await thv(args, { kubeconfig: alice });
    assert.equal(r.code, 1, args.join(' '));
    assert.equal(
      r.stderr,
      `error: permission denied: ${message}\nAsk a cluster administrator for a Role that allows "${verb}" on mcpregistries.toolhive.stacklok.io in namespace "${ns}"; check your access with \`kubectl auth can-i ${verb} mcpregistries.toolhive.stacklok.io -n ${ns}\`.\n`,
      args.join(' '),
    );
  }
  const all = await thv(['registry', 'list', '-A'], { kubeconfig: alice });
  assert.equal(all.code, 1);
  assert.equal(
    all.stderr,
    'error: permission denied: mcpregistries.toolhive.stacklok.io is forbidden: User "alice" cannot list resource "mcpregistries" in API group "toolhive.stacklok.io" at the cluster scope\n' +
      'Ask a cluster administrator for a ClusterRole that allows "list" on mcpregistries.toolhive.stacklok.io in all namespaces; check your access with `kubectl auth can-i list mcpregistries.toolhive.stacklok.io --all-namespaces`.\n',
  );
});

test('a reader who may not list events still gets info, with the reason events are missing', async () => {
  kubectlOk([
    'create',
    'role',
    'reader',
    '-n',
    ns,
    '--verb=get,list',
    '--resource=mcpregistries.toolhive.stacklok.io',
  ]);
  kubectlOk(['create', 'rolebinding', 'reader', '-n', ns, '--role=reader', '--user=bob']);
  const add = await thv(['registry', 'add', 'visible', '-n', ns, '--url', 'https://example.com/r.json']);
  assert.equal(add.code, 0, add.stderr);
  const bob = await userKubeconfig('bob');
  const r = await thv(['registry', 'info', 'visible', '-n', ns], { kubeconfig: bob });
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /^Name: +visible$/m);
  assert.match(
    r.stdout,
    new RegExp(
      `^Events: +cannot list events: events is forbidden: User "bob" cannot list resource "events" in API group "" in the namespace "${ns}"$`,
      'm',
    ),
  );
});

test('info --servers without ConfigMap access shows the rest and says why the servers are missing', async () => {
  // bob's Role (previous test) covers mcpregistries only; the storage ConfigMaps are out of reach.
  const add = await thv(['registry', 'add', 'stored', '-n', ns, '--configmap', 'catalog']);
  assert.equal(add.code, 0, add.stderr);
  kubectlOk([
    'patch',
    'mcpregistries.v1beta1.toolhive.stacklok.io',
    'stored',
    '-n',
    ns,
    '--subresource=status',
    '--type=merge',
    '-p',
    '{"status":{"phase":"Ready","storage":{"configMaps":["stored-registry-storage"],"bytes":10,"compressed":false}}}',
  ]);
  const bob = await userKubeconfig('bob');
  const r = await thv(['registry', 'info', 'stored', '-n', ns, '--servers'], { kubeconfig: bob });
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /^Name: +stored$/m);
  assert.match(
    r.stdout,
    new RegExp(
      `^Servers: cannot read the stored catalog: permission denied: configmaps "stored-registry-storage" is forbidden: User "bob" cannot get resource "configmaps" in API group "" in the namespace "${ns}" Ask a cluster administrator for a Role that allows "get" on configmaps in namespace "${ns}"; check your access with \`kubectl auth can-i get configmaps -n ${ns}\`\\.$`,
      'm',
    ),
  );
  const json = await thv(['registry', 'info', 'stored', '-n', ns, '--servers', '-o', 'json'], {
    kubeconfig: bob,
  });
  assert.equal(json.code, 0, json.stderr);
  assert.match(
    (JSON.parse(json.stdout) as { servers: { error: string } }).servers.error,
    /^permission denied: /,
  );
});
