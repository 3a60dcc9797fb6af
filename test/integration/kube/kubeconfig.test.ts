/**
 * KubeClient's own kubeconfig loader against the real apiserver, in child processes whose module
 * resolutions a hook records: with a client-certificate kubeconfig @kubernetes/client-node is
 * never loaded; with an exec plugin (a node script printing an ExecCredential with a real
 * ServiceAccount token from the TokenRequest API) it is loaded lazily and the request goes through
 * as that ServiceAccount. Also a tokenFile and tls-server-name, against the same apiserver.
 */
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { parse as parseYaml } from 'yaml';
import { KubeClient } from '../../../src/kube/client.ts';
import { createNamespace, kubeconfigPath, kubectlOk } from '../../support/cluster.ts';

const dir = mkdtempSync(join(tmpdir(), 'kube-kubeconfig-'));
const CLIENT = resolve(import.meta.dirname, '../../../src/kube/client.ts');

// Records every resolved module URL; written when the process exits.
const hook = join(dir, 'hook.mjs');
writeFileSync(
  hook,
  `import { registerHooks } from 'node:module';
import { writeFileSync } from 'node:fs';
const urls = [];
registerHooks({ resolve(s, c, next) { const r = next(s, c); urls.push(r.url); return r; } });
process.on('exit', () => writeFileSync(process.env.RESOLVED_LOG, urls.join('\\n')));
`,
);
// Who the apiserver says we are, through KubeClient.
const whoami = join(dir, 'whoami.mjs');
writeFileSync(
  whoami,
  `import { KubeClient } from ${JSON.stringify(CLIENT)};
const c = KubeClient.load({ kubeconfig: process.argv[2] });
const r = await c.create({ group: 'authentication.k8s.io', version: 'v1', plural: 'selfsubjectreviews' },
  { apiVersion: 'authentication.k8s.io/v1', kind: 'SelfSubjectReview' });
process.stdout.write(r.body.status.userInfo.username);
c.close();
`,
);

async function run(kubeconfig: string): Promise<{ user: string; clientNode: string[] }> {
  const log = join(dir, `resolved-${Math.random().toString(36).slice(2)}`);
  const { stdout } = await promisify(execFile)(process.execPath, ['--import', hook, whoami, kubeconfig], {
    env: { ...process.env, RESOLVED_LOG: log },
  });
  const urls = readFileSync(log, 'utf8').split('\n');
  return { user: stdout, clientNode: urls.filter((u) => u.includes('@kubernetes/client-node')) };
}

test('a client-certificate kubeconfig: the request works and @kubernetes/client-node is never loaded', async () => {
  const r = await run(kubeconfigPath());
  assert.ok(r.user.length > 0, 'the apiserver named a user');
  assert.deepEqual(r.clientNode, []);
});

// One ServiceAccount, its token from the TokenRequest API, and the test cluster's server and CA.
const ns = await createNamespace('kubeconfig');
after(() => kubectlOk(['delete', 'namespace', ns, '--wait=false']));
kubectlOk(['create', 'serviceaccount', 'plugin-user', '-n', ns]);
const token = kubectlOk(['create', 'token', 'plugin-user', '-n', ns, '--duration=10m']).trim();
const SA = `system:serviceaccount:${ns}:plugin-user`;
type NamedCluster = { name: string; cluster: Record<string, unknown> };
const adminCluster = (parseYaml(readFileSync(kubeconfigPath(), 'utf8')) as { clusters: NamedCluster[] })
  .clusters[0]!;

/** A kubeconfig with the test cluster (plus `cluster` fields) and the given user. */
function kubeconfigWith(name: string, user: Record<string, unknown>, cluster: Record<string, unknown> = {}) {
  const file = join(dir, name, 'config');
  mkdirSync(join(dir, name), { recursive: true });
  const c = { name: adminCluster.name, cluster: { ...adminCluster.cluster, ...cluster } };
  writeFileSync(
    file,
    JSON.stringify({
      apiVersion: 'v1',
      kind: 'Config',
      clusters: [c],
      users: [{ name: 'u', user }],
      contexts: [{ name: 'x', context: { cluster: c.name, user: 'u' } }],
      'current-context': 'x',
    }),
  );
  return file;
}

async function whoamiInProcess(kubeconfig: string): Promise<string> {
  const c = KubeClient.load({ kubeconfig });
  try {
    const r = await c.create<{ status: { userInfo: { username: string } } }>(
      { group: 'authentication.k8s.io', version: 'v1', plural: 'selfsubjectreviews' },
      { apiVersion: 'authentication.k8s.io/v1', kind: 'SelfSubjectReview' },
    );
    return r.body.status.userInfo.username;
  } finally {
    c.close();
  }
}

test('an exec plugin: @kubernetes/client-node is loaded on demand and the request runs as the plugin’s identity', async () => {
  const plugin = join(dir, 'plugin.mjs');
  writeFileSync(
    plugin,
    `process.stdout.write(JSON.stringify({ apiVersion: 'client.authentication.k8s.io/v1', kind: 'ExecCredential', status: { token: process.env.PLUGIN_TOKEN } }));\n`,
  );
  const kc = kubeconfigWith('exec', {
    exec: {
      apiVersion: 'client.authentication.k8s.io/v1',
      command: process.execPath,
      args: [plugin],
      env: [{ name: 'PLUGIN_TOKEN', value: token }],
      interactiveMode: 'Never',
    },
  });
  const r = await run(kc);
  assert.equal(r.user, SA);
  assert.ok(r.clientNode.length > 0, '@kubernetes/client-node was loaded for the exec plugin');
});

test('a tokenFile relative to the kubeconfig authenticates as its ServiceAccount', async () => {
  const kc = kubeconfigWith('token-file', { tokenFile: 'sa-token' });
  writeFileSync(join(dir, 'token-file', 'sa-token'), token);
  assert.equal(await whoamiInProcess(kc), SA);
});

test('tls-server-name: the certificate is checked against it, not the server address', async () => {
  assert.equal(
    await whoamiInProcess(kubeconfigWith('sni-ok', { token }, { 'tls-server-name': 'kubernetes.default' })),
    SA,
  );
  await assert.rejects(
    whoamiInProcess(kubeconfigWith('sni-bad', { token }, { 'tls-server-name': 'elsewhere.example' })),
    {
      code: 'ERR_TLS_CERT_ALTNAME_INVALID',
    },
  );
});
