/**
 * Finding the kubeconfig and applying its credentials (src/kube/credentials.ts), with real files
 * in a temporary directory: the lookup order, $KUBECONFIG merging, the in-cluster service account
 * (its token re-read once a minute), every credential kind, and the message for every missing file.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { RequestOptions } from 'node:https';
import { Credentials, loadKubeconfig } from '../../../src/kube/credentials.ts';

const dir = mkdtempSync(join(tmpdir(), 'kube-credentials-'));
function file(name: string, text: string): string {
  const p = join(dir, name);
  mkdirSync(join(p, '..'), { recursive: true });
  writeFileSync(p, text);
  return p;
}
const config = (name: string, cluster: string, user: string, ns = '') =>
  file(
    name,
    `clusters: [{name: c, cluster: ${cluster}}]\nusers: [{name: u, user: ${user}}]\ncontexts: [{name: x, context: {cluster: c, user: u${ns}}}]\ncurrent-context: x\n`,
  );
async function applied(c: Credentials): Promise<RequestOptions & { headers: Record<string, unknown> }> {
  const opts: RequestOptions = { headers: {} };
  await c.apply(opts);
  return opts as RequestOptions & { headers: Record<string, unknown> };
}

file('certs/ca.crt', 'CA');
file('certs/u.crt', 'CERT');
file('certs/u.key', 'KEY');
file('token', 'file-token\n');

test('client certificate and CA from files relative to the kubeconfig, tls-server-name', async () => {
  const kc = config(
    'a/config',
    '{server: "https://h:6443", certificate-authority: ../certs/ca.crt, tls-server-name: api.local}',
    '{client-certificate: ../certs/u.crt, client-key: ../certs/u.key}',
  );
  const o = await applied(Credentials.load({ kubeconfig: kc }));
  assert.deepEqual(
    [String(o.ca), String(o.cert), String(o.key), o.servername],
    ['CA', 'CERT', 'KEY', 'api.local'],
  );
  assert.equal(o.headers.Authorization, undefined);
  assert.equal(o.rejectUnauthorized, undefined);
});

test('inline data, insecure-skip-tls-verify, token, basic auth, impersonation', async () => {
  const b64 = (s: string) => Buffer.from(s).toString('base64');
  const cases: [string, string, (o: Awaited<ReturnType<typeof applied>>) => void][] = [
    [
      `{server: "https://h", certificate-authority-data: ${b64('CA')}}`,
      `{client-certificate-data: ${b64('CERT')}, client-key-data: ${b64('KEY')}}`,
      (o) => assert.deepEqual([String(o.ca), String(o.cert), String(o.key)], ['CA', 'CERT', 'KEY']),
    ],
    [
      '{server: "https://h", insecure-skip-tls-verify: true}',
      '{token: abc}',
      (o) => {
        assert.equal(o.rejectUnauthorized, false);
        assert.equal(o.headers.Authorization, 'Bearer abc');
      },
    ],
    [
      '{server: "https://h"}',
      `{tokenFile: ../../token}`,
      (o) => assert.equal(o.headers.Authorization, 'Bearer file-token'),
    ],
    [
      '{server: "https://h"}',
      '{username: bob, password: pw}',
      (o) => {
        assert.equal(o.auth, 'bob:pw');
        assert.equal(o.headers.Authorization, undefined);
      },
    ],
    [
      '{server: "https://h"}',
      '{token: t, as: alice, as-groups: [g]}',
      (o) => {
        assert.equal(o.headers['Impersonate-User'], 'alice');
        assert.deepEqual(o.headers['Impersonate-Group'], ['g']);
      },
    ],
  ];
  for (const [i, [cluster, user, check]] of cases.entries())
    check(await applied(Credentials.load({ kubeconfig: config(`kinds/${i}/config`, cluster, user) })));
});

test('a file named in the kubeconfig that does not exist: the message names it', () => {
  const kc = (cluster: string, user: string) => config('missing/config', cluster, user);
  const d = join(dir, 'missing');
  const F = join(d, 'config');
  const cases: [string, string, string][] = [
    [
      '{server: "https://h", certificate-authority: ca.pem}',
      '{}',
      `cluster "c" in ${F}: the certificate-authority ${d}/ca.pem does not exist`,
    ],
    [
      '{server: "https://h"}',
      '{client-certificate: u.crt, client-key: ../certs/u.key}',
      `user "u" in ${F}: the client-certificate ${d}/u.crt does not exist`,
    ],
    [
      '{server: "https://h"}',
      '{client-certificate: ../certs/u.crt, client-key: u.key}',
      `user "u" in ${F}: the client-key ${d}/u.key does not exist`,
    ],
    ['{server: "https://h"}', '{tokenFile: tok}', `user "u" in ${F}: the tokenFile ${d}/tok does not exist`],
    [
      '{server: "https://h", certificate-authority-data: "not base64!"}',
      '{}',
      `cluster "c" in ${F}: certificate-authority-data is not base64`,
    ],
  ];
  for (const [cluster, user, message] of cases)
    assert.throws(() => Credentials.load({ kubeconfig: kc(cluster, user) }), { message }, message);
  assert.throws(() => Credentials.load({ kubeconfig: join(dir, 'nope') }), {
    message: `the kubeconfig ${dir}/nope does not exist`,
  });
});

test('lookup order: $KUBECONFIG (merged, missing files skipped), then ~/.kube/config, then in-cluster', () => {
  const first = file('m/first', 'clusters: [{name: c, cluster: {server: "https://first"}}]\n');
  const second = file(
    'm/second',
    'clusters: [{name: c, cluster: {server: "https://second"}}]\ncontexts: [{name: x, context: {cluster: c}}]\ncurrent-context: x\n',
  );
  const env = { KUBECONFIG: `${join(dir, 'm/none')}:${first}:${second}` };
  assert.equal(Credentials.load({ env }).selection.cluster.server, 'https://first');
  assert.throws(() => loadKubeconfig({ env: { KUBECONFIG: '/no/a:/no/b' } }), {
    message: 'no file in $KUBECONFIG exists: /no/a:/no/b',
  });
  const home = join(dir, 'home');
  file('home/.kube/config', 'clusters: [{name: h, cluster: {server: "https://home"}}]\n');
  assert.equal(loadKubeconfig({ env: { HOME: home } }).clusters[0]!.server, 'https://home');
  const empty = join(dir, 'empty-home');
  assert.throws(() => loadKubeconfig({ env: { HOME: empty } }), {
    message: `no kubeconfig found: --kubeconfig is not given, $KUBECONFIG is not set, ${empty}/.kube/config does not exist and this is not a Pod`,
  });
  const pod = { HOME: empty, KUBERNETES_SERVICE_HOST: 'fd00::1', KUBERNETES_SERVICE_PORT: '443' };
  assert.throws(() => loadKubeconfig({ env: pod, serviceAccountDir: join(dir, 'no-sa') }), {
    message: `in-cluster config: the service account token ${dir}/no-sa/token does not exist`,
  });
});

test('in-cluster: server, CA, namespace, and the projected token re-read once older than a minute', async () => {
  const sa = join(dir, 'sa');
  file('sa/token', 'first');
  file('sa/ca.crt', 'SACA');
  file('sa/namespace', 'toolhive-system\n');
  let now = 1_000_000;
  const env = {
    HOME: join(dir, 'empty-home'),
    KUBERNETES_SERVICE_HOST: 'fd00::1',
    KUBERNETES_SERVICE_PORT: '443',
  };
  const c = Credentials.load({ env, serviceAccountDir: sa, now: () => now });
  assert.equal(c.selection.cluster.server, 'https://[fd00::1]:443');
  assert.equal(c.selection.namespace, 'toolhive-system');
  let o = await applied(c);
  assert.equal(String(o.ca), 'SACA');
  assert.equal(o.headers.Authorization, 'Bearer first');
  file('sa/token', 'rotated');
  now += 60_000;
  assert.equal((await applied(c)).headers.Authorization, 'Bearer first');
  now += 1;
  o = await applied(c);
  assert.equal(o.headers.Authorization, 'Bearer rotated');
});
