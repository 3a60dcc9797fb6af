/**
 * SPEC §18 "No request kills a server", on real processes against the real apiserver (issue #26.1).
 * A tenant can make the operator fetch any path of another namespace's registry API (a `url` source
 * naming its Service); before the fix, `GET //x:99999/` threw in the catalog page's route before auth
 * and thv-registry-api exited, and a retry killed it again after every restart. Here thv-registry-api
 * serves a registry's storage ConfigMap (--from-configmap, as in its Deployment) and gets every
 * malformed target and request over a raw socket; after each, it still serves /v0.1/servers, and it
 * never exits. The operator's webhook and health servers of the shared stack get the same list.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createNamespace, eventually, kubeconfigPath } from '../../support/cluster.ts';
import { stackInfo } from '../../support/stack.ts';
import { startRegistryApi, type RegistryApiProcess } from '../../support/registry-api-process.ts';
import { MALFORMED_REQUESTS, MALFORMED_TARGETS, rawExchange, rawGet } from '../../support/raw-http.ts';
import { createRegistry, storeCatalog } from '../../support/stored-registry.ts';

let api: RegistryApiProcess;
let url: string;

before(async () => {
  const ns = await createNamespace('malformed');
  const reg = await createRegistry(ns, 'victim');
  await storeCatalog(reg);
  api = await startRegistryApi({
    configMap: 'victim-registry-storage',
    registryName: 'victim',
    namespace: ns,
    kubeconfig: kubeconfigPath(),
  });
  url = api.url;
  await eventually('the catalog is loaded', async () =>
    (await fetch(`${url}/v0.1/servers?limit=1`)).status === 200 ? true : undefined,
  );
});
after(() => api?.stop());

/** 400: unreadable target; 404: a readable path that names no page; 431: a head over node's limit. */
const readable = new Set(['//x:99999/', '//[/', '//@/', '//[::1/', '///', '/\\\\x/']);
const expected = (t: string) => (t.length > 16_000 ? 431 : readable.has(t) ? 404 : 400);
/** The registry API redirects a readable path with a trailing slash (308, as the official registry does; #30). */
const expectedApi = (t: string) => (readable.has(t) && t.endsWith('/') ? 308 : expected(t));

async function stillServes(): Promise<void> {
  assert.equal(api.child.exitCode, null, `thv-registry-api exited: ${api.output()}`);
  const r = await fetch(`${url}/v0.1/servers?limit=100`);
  assert.equal(r.status, 200);
  assert.equal(((await r.json()) as { metadata: { count: number } }).metadata.count, 88);
}

test('thv-registry-api answers every malformed target with a 4xx and keeps serving /v0.1/servers', async () => {
  const at = { host: '127.0.0.1', port: Number(new URL(url).port) };
  for (const target of MALFORMED_TARGETS) {
    const r = await rawGet(at, target);
    assert.equal(r.status, expectedApi(target), `GET ${target.slice(0, 60)}: ${r.head}`);
    // A redirect names a path on this server, never another host (`//host`).
    if (r.status === 308) assert.match(r.head, /\r\nlocation: \/(?![/\\])[^\r]*(\r\n|$)/i, r.head);
    await stillServes();
  }
  for (const [name, bytes, status] of MALFORMED_REQUESTS) {
    const r = await rawExchange(at, bytes);
    assert.equal(r.status, status, `${name}: ${r.head}`);
    await stillServes();
  }
  // Every target our guard answers, in one keep-alive connection: nothing a request leaves behind breaks
  // the next. (Node's parser itself refuses a space, a bare word or a non-URL scheme, with a 400 that
  // closes the connection, as it should: those are sent on their own above.)
  const parserRefused = new Set(['//a b/', 'x', 'javascript:alert(1)']);
  const pipelined = MALFORMED_TARGETS.filter((t) => t.length < 1000 && !parserRefused.has(t))
    .map((t) => `GET ${t} HTTP/1.1\r\nHost: a\r\n\r\n`)
    .join('');
  const all = await rawExchange(
    at,
    `${pipelined}GET /v0.1/servers HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n`,
  );
  const statuses = (all.head + all.body).match(/HTTP\/1\.1 \d{3}/g)?.map((l) => Number(l.slice(9)));
  assert.deepEqual(statuses, [
    ...MALFORMED_TARGETS.filter((t) => t.length < 1000 && !parserRefused.has(t)).map(expectedApi),
    200,
  ]);
  await stillServes();
});

test("the operator's webhook and health servers answer every malformed target with a 4xx and keep serving", async () => {
  const s = stackInfo();
  const hook = new URL(s.webhookUrl);
  const health = new URL(s.healthUrl);
  const servers = [
    { host: hook.hostname, port: Number(hook.port), tls: { ca: s.caPem } },
    { host: health.hostname, port: Number(health.port) },
  ];
  for (const at of servers)
    for (const target of MALFORMED_TARGETS) {
      const r = await rawGet(at, target);
      assert.equal(r.status, expected(target), `GET ${target.slice(0, 60)} on ${at.port}: ${r.head}`);
      assert.equal((await fetch(`${s.healthUrl}/healthz`)).status, 200);
    }
  // The apiserver still gets its reviews answered: a create goes through both webhooks.
  const ns = await createNamespace('malformed-after');
  const r = await createRegistry(ns, 'after');
  assert.equal(r.metadata.name, 'after');
});
