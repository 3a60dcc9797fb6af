/**
 * The webhook's cluster questions under a slow apiserver (src/webhook/access-review.ts): the real
 * Kubernetes client against a loopback server that accepts connections and never answers. A question
 * that does not come back within its deadline refuses that request with a message saying so; a
 * request that asks nothing is answered at once meanwhile, and a failed answer is not kept.
 */
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Socket } from 'node:net';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AccessReviewer, kubeAccessApi } from '../../../src/webhook/access-review.ts';

const sockets: Socket[] = [];
const silent = createServer((s) => sockets.push(s));
await new Promise<void>((r) => silent.listen(0, '127.0.0.1', r));
const port = (silent.address() as { port: number }).port;
after(() => {
  for (const s of sockets) s.destroy();
  silent.close();
});
const dir = mkdtempSync(join(tmpdir(), 'access-review-'));
const kubeconfig = join(dir, 'kubeconfig');
writeFileSync(
  kubeconfig,
  `apiVersion: v1\nkind: Config\nclusters:\n- name: c\n  cluster: {server: "https://127.0.0.1:${port}", insecure-skip-tls-verify: true}\nusers:\n- name: u\n  user: {token: t}\ncontexts:\n- name: x\n  context: {cluster: c, user: u}\ncurrent-context: x\n`,
);

// Load the client library before the clock matters: its first import is not what this test measures.
await kubeAccessApi(kubeconfig);

const spec = (namespace: string, sources: unknown[]) => ({
  apiVersion: 'toolhive.stacklok.io/v1beta1',
  kind: 'MCPRegistry',
  metadata: { name: 'r', namespace },
  spec: { sources },
});
const withSecret = (namespace: string) =>
  spec(namespace, [
    {
      name: 'main',
      type: 'url',
      url: { href: 'https://example.com/r.json', headersSecretRef: { name: 'tok' } },
    },
  ]);
const withForeignApi = spec('t', [
  { name: 'main', type: 'registry', registry: { baseURL: 'https://private-api.victim.svc:8443' } },
]);

test('a question the apiserver does not answer in time refuses that request, saying so', async () => {
  let calls = 0;
  const reviewer = new AccessReviewer({
    api: () => {
      calls++;
      return kubeAccessApi(kubeconfig);
    },
    timeoutMs: 300,
  });
  const user = { username: 'alice', groups: ['system:authenticated'] };
  const slow = reviewer.review(withSecret('a'), undefined, user, 'cluster.local');
  const other = reviewer.review(withForeignApi, undefined, user, 'cluster.local');
  // A request that names nothing to ask about is answered while the others wait.
  const quick = await reviewer.review(spec('b', []), undefined, user, 'cluster.local');
  assert.deepEqual(quick, []);
  const [s, o] = await Promise.all([slow, other]);
  assert.deepEqual(
    s.map((e) => `${e.field}: ${e.type === 'Forbidden' ? e.detail : ''}`),
    [
      'spec.sources[0].url.headersSecretRef.name: cannot check whether the author may get Secret "tok" in namespace "a" (the Kubernetes API did not answer within 0.3 s); try again',
    ],
  );
  assert.deepEqual(
    o.map((e) => `${e.field}: ${e.type === 'Forbidden' ? e.detail : ''}`),
    [
      'spec.sources[0].registry.baseURL: cannot check whether MCPRegistry victim/private allows this namespace to read it (the Kubernetes API did not answer within 0.3 s); try again',
    ],
  );
  // A failure is not cached: the next review asks again (and times out again).
  const again = await reviewer.review(withSecret('a'), undefined, user, 'cluster.local');
  assert.equal(again.length, 1);
  assert.ok(sockets.length >= 3, `each question reached the server (${sockets.length} connections)`);
  assert.ok(calls >= 1);
});

test('answers are reused within their TTL, and at most maxEntries are kept (least recently used out)', async () => {
  const asked: string[] = [];
  let clock = 0;
  const reviewer = new AccessReviewer({
    api: async () => ({
      canGetSecret: async (_user, namespace) => {
        asked.push(namespace);
        return true;
      },
      registryAnnotations: async () => undefined,
      canCreate: async () => true,
    }),
    maxEntries: 2,
    ttlMs: 1_000,
    now: () => clock,
  });
  const user = { username: 'alice' };
  const ask = (ns: string) => reviewer.review(withSecret(ns), undefined, user, 'cluster.local');
  for (const ns of ['a', 'b', 'a', 'c', 'a', 'b']) assert.deepEqual(await ask(ns), []);
  // a and b asked; a reused; c evicted b (a was used since); a reused; b asked again.
  assert.deepEqual(asked, ['a', 'b', 'c', 'b']);
  clock = 1_000;
  await ask('a');
  assert.deepEqual(asked, ['a', 'b', 'c', 'b', 'a'], 'asked again once the TTL passed');
});
