/**
 * Kubeconfig parsing, merging and context selection (src/kube/kubeconfig.ts): table tests with the
 * exact message for every wrong input.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mergeKubeconfigs, parseKubeconfig, selectContext } from '../../../src/kube/kubeconfig.ts';

const F = '/home/u/.kube/config';
const ok = `
clusters:
- name: c
  cluster: {server: "https://10.0.0.1:6443/", certificate-authority: ca.crt, tls-server-name: api.local}
users:
- name: u
  user: {client-certificate: ../certs/u.crt, client-key: /abs/u.key, token: t, as: alice, as-groups: [g1, g2]}
contexts:
- name: x
  context: {cluster: c, user: u, namespace: team-a}
- name: y
  context: {cluster: c}
current-context: x
`;

test('a full kubeconfig: server without trailing slash, paths relative to its directory', () => {
  const kc = parseKubeconfig(ok, F);
  const s = selectContext(kc);
  assert.equal(s.context, 'x');
  assert.equal(s.namespace, 'team-a');
  assert.equal(s.cluster.server, 'https://10.0.0.1:6443');
  assert.equal(s.cluster.caFile, '/home/u/.kube/ca.crt');
  assert.equal(s.cluster.tlsServerName, 'api.local');
  assert.equal(s.user.certFile, '/home/u/certs/u.crt');
  assert.equal(s.user.keyFile, '/abs/u.key');
  assert.equal(s.user.token, 't');
  assert.equal(s.user.as, 'alice');
  assert.deepEqual(s.user.asGroups, ['g1', 'g2']);
  assert.equal(s.delegate, false);
});

test('--context picks another context; no namespace means default; no user means anonymous', () => {
  const s = selectContext(parseKubeconfig(ok, F), 'y');
  assert.equal(s.context, 'y');
  assert.equal(s.namespace, 'default');
  assert.equal(s.user.name, '');
  assert.equal(s.user.token, undefined);
});

test('exec, auth-provider and proxy-url are delegated to @kubernetes/client-node', () => {
  const cases: [string, string, boolean][] = [
    ['user: {exec: {command: x, apiVersion: client.authentication.k8s.io/v1}}', '', true],
    ['user: {auth-provider: {name: oidc}}', '', true],
    ['user: {token: t}', ', proxy-url: "http://proxy:3128"', true],
    ['user: {token: t}', '', false],
  ];
  for (const [user, extra, delegate] of cases) {
    const text = `clusters: [{name: c, cluster: {server: "https://h"${extra}}}]\nusers: [{name: u, ${user}}]\ncontexts: [{name: x, context: {cluster: c, user: u}}]\ncurrent-context: x\n`;
    assert.equal(selectContext(parseKubeconfig(text, F)).delegate, delegate, user + extra);
  }
});

test('an exec command with a slash resolves against the kubeconfig directory; a bare name is looked up on PATH', () => {
  const text = (command: string) =>
    `clusters: [{name: c, cluster: {server: "https://h"}}]\nusers: [{name: u, user: {exec: {command: ${command}}}}]\ncontexts: [{name: x, context: {cluster: c, user: u}}]\ncurrent-context: x\n`;
  const command = (c: string) =>
    (selectContext(parseKubeconfig(text(c), F)).user.raw.exec as { command: string }).command;
  assert.equal(command('./bin/login'), '/home/u/.kube/bin/login');
  assert.equal(command('/usr/bin/login'), '/usr/bin/login');
  assert.equal(command('gke-gcloud-auth-plugin'), 'gke-gcloud-auth-plugin');
});

test('an empty file is an empty kubeconfig', () => {
  assert.deepEqual(parseKubeconfig('', F), { clusters: [], users: [], contexts: [] });
});

test('every wrong input to the parser: the exact message', () => {
  const c = (cluster: string) =>
    `clusters: [{name: c, cluster: ${cluster}}]\ncontexts: [{name: x, context: {cluster: c}}]`;
  const u = (user: string) => `users: [{name: u, user: ${user}}]`;
  const cases: [string, string][] = [
    [
      'clusters: [a',
      `the kubeconfig ${F} is not valid YAML: Flow sequence in block collection must be sufficiently indented and end with a ] at line 1, column 13`,
    ],
    ['- a\n- b', `the kubeconfig ${F} is not a mapping (clusters, contexts, users)`],
    ['clusters: {a: 1}', `the kubeconfig ${F}: clusters must be a list`],
    ['users: [{user: {}}]', `the kubeconfig ${F}: users[0] has no name`],
    ['contexts: [{name: x, context: [1]}]', `the kubeconfig ${F}: context "x" must have a context mapping`],
    ['current-context: [a]', `the kubeconfig ${F}: current-context must be a string`],
    [c('{}'), `cluster "c" in ${F} has no server`],
    [c('{server: 3}'), `cluster "c" in ${F}: server must be a string`],
    [c('{server: "not a url"}'), `cluster "c" in ${F}: server "not a url" is not a URL`],
    [c('{server: "ftp://h"}'), `cluster "c" in ${F}: server "ftp://h" must be an https:// or http:// URL`],
    [
      c('{server: "https://h", insecure-skip-tls-verify: "yes"}'),
      `cluster "c" in ${F}: insecure-skip-tls-verify must be true or false`,
    ],
    [
      c('{server: "https://h", insecure-skip-tls-verify: true, certificate-authority-data: QQ==}'),
      `cluster "c" in ${F}: insecure-skip-tls-verify cannot be combined with a certificate-authority`,
    ],
    [
      u('{client-certificate: a.crt}'),
      `user "u" in ${F}: a client certificate needs a client key and the other way round`,
    ],
    [
      u('{client-key-data: QQ==}'),
      `user "u" in ${F}: a client certificate needs a client key and the other way round`,
    ],
    [u('{as-groups: a}'), `user "u" in ${F}: as-groups must be a list of strings`],
    [u('{exec: x}'), `user "u" in ${F}: exec must be a mapping`],
    [u('{token: {a: 1}}'), `user "u" in ${F}: token must be a string`],
    ['contexts: [{name: x, context: {user: u}}]', `context "x" in ${F} names no cluster`],
  ];
  for (const [text, message] of cases) assert.throws(() => parseKubeconfig(text, F), { message }, text);
});

test('every wrong selection: the exact message', () => {
  const kc = (extra: string) =>
    parseKubeconfig(`clusters: [{name: c, cluster: {server: "https://h"}}]\n${extra}`, F);
  const cases: [string, string | undefined, string][] = [
    [
      'contexts: [{name: x, context: {cluster: c}}]',
      undefined,
      'the kubeconfig has no current context; set current-context or use --context',
    ],
    ['current-context: gone', undefined, 'the current context "gone" is not in the kubeconfig'],
    // src/cli/cluster.ts turns "no current cluster" into: context "nope" is not in the kubeconfig FILE.
    ['current-context: x', 'nope', 'no current cluster: the kubeconfig has no context "nope"'],
    [
      'contexts: [{name: x, context: {cluster: d}}]',
      'x',
      `context "x" in ${F} names cluster "d", which is not in the kubeconfig`,
    ],
    [
      'contexts: [{name: x, context: {cluster: c, user: v}}]',
      'x',
      `context "x" in ${F} names user "v", which is not in the kubeconfig`,
    ],
  ];
  for (const [extra, context, message] of cases)
    assert.throws(() => selectContext(kc(extra), context), { message }, extra);
});

test('merging like kubectl: the first file to define a name wins; current-context from the first that sets it', () => {
  const a = parseKubeconfig(
    `clusters: [{name: c, cluster: {server: "https://first"}}]\ncontexts: [{name: x, context: {cluster: c, namespace: a}}]`,
    '/a/config',
  );
  const b = parseKubeconfig(
    `clusters: [{name: c, cluster: {server: "https://second"}}, {name: d, cluster: {server: "https://d"}}]\ncontexts: [{name: x, context: {cluster: d}}, {name: y, context: {cluster: d}}]\ncurrent-context: x`,
    '/b/config',
  );
  const c = parseKubeconfig('current-context: y', '/c/config');
  const merged = mergeKubeconfigs([a, b, c]);
  assert.equal(merged.currentContext, 'x');
  assert.deepEqual(
    merged.clusters.map((e) => [e.name, e.server, e.source]),
    [
      ['c', 'https://first', '/a/config'],
      ['d', 'https://d', '/b/config'],
    ],
  );
  const s = selectContext(merged);
  assert.equal(s.cluster.server, 'https://first');
  assert.equal(s.namespace, 'a');
  assert.equal(selectContext(merged, 'y').cluster.server, 'https://d');
});
