/**
 * KubeClient's own kubeconfig loader against the real apiserver, in child processes whose module
 * resolutions a hook records: with a client-certificate kubeconfig @kubernetes/client-node is
 * never loaded; with an exec plugin (a node script printing an ExecCredential with a real
 * ServiceAccount token from the TokenRequest API) it is loaded lazily and the request goes through
 * as that ServiceAccount.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { parse as parseYaml } from 'yaml';
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

test('an exec plugin: @kubernetes/client-node is loaded on demand and the request runs as the plugin’s identity', async () => {
  const ns = await createNamespace('kubeconfig-exec');
  try {
    kubectlOk(['create', 'serviceaccount', 'plugin-user', '-n', ns]);
    const token = kubectlOk(['create', 'token', 'plugin-user', '-n', ns, '--duration=10m']).trim();
    const plugin = join(dir, 'plugin.mjs');
    writeFileSync(
      plugin,
      `process.stdout.write(JSON.stringify({ apiVersion: 'client.authentication.k8s.io/v1', kind: 'ExecCredential', status: { token: process.env.PLUGIN_TOKEN } }));\n`,
    );
    // The test cluster's server and CA, with the exec user instead of the admin certificate.
    const admin = parseYaml(readFileSync(kubeconfigPath(), 'utf8')) as { clusters: unknown[] };
    const kc = join(dir, 'exec-kubeconfig');
    writeFileSync(
      kc,
      JSON.stringify({
        apiVersion: 'v1',
        kind: 'Config',
        clusters: admin.clusters,
        users: [
          {
            name: 'plugin',
            user: {
              exec: {
                apiVersion: 'client.authentication.k8s.io/v1',
                command: process.execPath,
                args: [plugin],
                env: [{ name: 'PLUGIN_TOKEN', value: token }],
                interactiveMode: 'Never',
              },
            },
          },
        ],
        contexts: [
          {
            name: 'exec',
            context: { cluster: (admin.clusters[0] as { name: string }).name, user: 'plugin' },
          },
        ],
        'current-context': 'exec',
      }),
    );
    const r = await run(kc);
    assert.equal(r.user, `system:serviceaccount:${ns}:plugin-user`);
    assert.ok(r.clientNode.length > 0, '@kubernetes/client-node was loaded for the exec plugin');
  } finally {
    kubectlOk(['delete', 'namespace', ns, '--wait=false']);
  }
});
