/**
 * A `registry` source as a real cluster uses it for a private registry, and the faults the official
 * server cannot be made to produce, against the real apiserver and controller: HTTPS with the
 * registry's own CA from a Secret, a bearer token and extra headers from Secrets, unusable Secrets,
 * 503-then-200 and 429 with Retry-After inside one sync, 1,000 pages of 16 MiB refused early, and
 * each malformed page's exact status message with the last good storage kept byte-identical.
 * The stand-in is a loopback HTTPS server, so this file runs its own webhook-less control plane.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { useIsolatedCluster } from '../controller/isolated.ts';
import { getReg, registry, startHttpsSource, storageConfigMaps, waitPhase } from '../controller/helpers.ts';
import { client, createNamespace } from '../../support/cluster.ts';
import { startController, type ControllerProcess } from '../../support/controller.ts';
import { serverJson } from '../../support/upstream-registry.ts';
import { REGISTRIES } from '../../../src/kube/mcpregistries.ts';
import type { MCPRegistryV1beta1, SourceV1beta1 } from '../../../src/api/types.ts';

type Route = (req: IncomingMessage, res: ServerResponse, url: URL) => void;
const routes = new Map<string, Route>();
let ns: string;
let base: string;
let closeSource: (() => void) | undefined;
let ctrl: ControllerProcess | undefined;
let stopCluster: (() => Promise<void>) | undefined;

const item = (i: number) => ({
  server: serverJson(`io.example.private/server-${String(i).padStart(3, '0')}`, '1.0.0'),
  _meta: { 'io.modelcontextprotocol.registry/official': { status: 'active', isLatest: true } },
});
const page = (from: number, to: number, nextCursor?: string) =>
  JSON.stringify({
    servers: Array.from({ length: to - from }, (_, k) => item(from + k)),
    metadata: { count: to - from, ...(nextCursor ? { nextCursor } : {}) },
  });

async function secret(name: string, stringData: Record<string, string>) {
  await client().create(
    { group: '', version: 'v1', plural: 'secrets', namespace: ns },
    // Credentials opt in to registry use (SPEC §18 "Secrets by consent").
    { metadata: { name, labels: { 'toolhive.stacklok.io/registry-credential': 'true' } }, stringData },
  );
}

before(async () => {
  const cluster = await useIsolatedCluster();
  stopCluster = cluster.stop;
  ns = await createNamespace('upstream-private');
  const src = await startHttpsSource(
    ns,
    (req, res) => {
      const url = new URL(req.url ?? '/', 'https://x');
      const m = /^\/r\/([^/]+)\/v0\.1\/servers$/.exec(url.pathname);
      const route = m ? routes.get(m[1] ?? '') : undefined;
      if (route) route(req, res, url);
      else res.writeHead(404).end();
    },
    'registry-ca',
  );
  base = src.base;
  closeSource = src.close;
  // `echo token | kubectl create secret` leaves a newline: it must not end up in the header.
  await secret('registry-token', { token: 's3cret-token\n' });
  await secret('registry-headers', { 'X-Tenant': 'team-a', Authorization: 'Basic replaced-by-token' });
  await secret('bad-headers', { 'X-Evil': 'a\r\nInjected: 1' });
  await secret('bad-ca', { 'ca.crt': 'not a certificate' });
  ctrl = startController({ kubeconfig: cluster.kubeconfig, namespaces: [ns] });
});

after(async () => {
  await ctrl?.stop();
  closeSource?.();
  await stopCluster?.();
});

function source(name: string, extra: Partial<NonNullable<SourceV1beta1['registry']>> = {}): SourceV1beta1 {
  return {
    name: 'private',
    type: 'registry',
    registry: { baseURL: `${base}/r/${name}`, caBundleRef: { name: 'registry-ca' }, ...extra },
  };
}

async function create(name: string, extra: Partial<NonNullable<SourceV1beta1['registry']>> = {}) {
  await client().create(
    { ...REGISTRIES, namespace: ns },
    registry(ns, name, { sources: [source(name, extra)] }),
  );
}

async function trigger(name: string, value: string) {
  await client().patch({ ...REGISTRIES, namespace: ns, name }, 'merge', {
    metadata: { annotations: { 'toolhive.stacklok.io/sync-trigger': value } },
  });
}

/** Deleted when a test is done with it, so its retries stop loading the machine. */
async function remove(name: string) {
  await client().delete({ ...REGISTRIES, namespace: ns, name });
}

async function warnings(name: string): Promise<string[]> {
  const list = await client().list<{ type: string; reason: string }>(
    { group: '', version: 'v1', plural: 'events', namespace: ns },
    { fieldSelector: `involvedObject.name=${name}` },
  );
  return list.items.filter((e) => e.type === 'Warning').map((e) => e.reason);
}

const cond = (r: MCPRegistryV1beta1, type: string) => {
  const c = (r.status?.conditions ?? []).find((x) => x.type === type);
  return `${c?.status}/${c?.reason}`;
};

test('HTTPS with its own CA, a bearer token and headers from Secrets: every page fetched with them', async () => {
  const seen: string[] = [];
  routes.set('secure', (req, res, url) => {
    seen.push(`${url.search} ${req.headers.authorization} ${req.headers['x-tenant']}`);
    if (req.headers.authorization !== 'Bearer s3cret-token') return void res.writeHead(401).end();
    res.end(url.searchParams.get('cursor') === 'p2' ? page(100, 150) : page(0, 100, 'p2'));
  });
  await create('secure', {
    authSecretRef: { name: 'registry-token' },
    headersSecretRef: { name: 'registry-headers' },
  });
  const r = await waitPhase(ns, 'secure', 'Ready', () => true, 120_000);
  assert.equal(r.status?.sync?.serverCount, 150);
  assert.deepEqual(seen, [
    '?limit=100&include_deleted=true Bearer s3cret-token team-a',
    '?limit=100&include_deleted=true&cursor=p2 Bearer s3cret-token team-a',
  ]);
});

test('no caBundleRef for a registry with its own CA: Failed with the TLS error and how to fix it', async () => {
  routes.set('noca', (_q, res) => res.end(page(0, 1)));
  await client().create(
    { ...REGISTRIES, namespace: ns },
    registry(ns, 'noca', {
      sources: [{ name: 'private', type: 'registry', registry: { baseURL: `${base}/r/noca` } }],
    }),
  );
  const r = await waitPhase(ns, 'noca', 'Failed', () => true, 120_000);
  assert.match(
    r.status?.message ?? '',
    new RegExp(
      `^${base.replace(/\./g, '\\.')}/r/noca/v0\\.1/servers: .*certificate.*; for a registry with its own CA, set caBundleRef; no data stored yet$`,
    ),
  );
  assert.equal(cond(r, 'SourceAvailable'), 'False/FetchFailed');
  await remove('noca');
});

test('a rejected token: Failed at once (a 401 is not retried) with what to check', async () => {
  routes.set('denied', (_q, res) => res.writeHead(401).end());
  await create('denied', { authSecretRef: { name: 'registry-token' } });
  const r = await waitPhase(ns, 'denied', 'Failed', () => true, 120_000);
  assert.equal(
    r.status?.message,
    `${base}/r/denied/v0.1/servers answered HTTP 401; check the credentials in authSecretRef or headersSecretRef; no data stored yet`,
  );
  assert.equal(cond(r, 'SourceAvailable'), 'False/HTTPError');
  await remove('denied');
});

test('unusable Secrets: a header value with CRLF and a CA bundle without a certificate, each named', async () => {
  routes.set('crlf', (_q, res) => res.end(page(0, 1)));
  routes.set('badca', (_q, res) => res.end(page(0, 1)));
  await create('crlf', { headersSecretRef: { name: 'bad-headers' } });
  await create('badca', { caBundleRef: { name: 'bad-ca' } });
  const crlf = await waitPhase(ns, 'crlf', 'Failed', () => true, 120_000);
  assert.equal(
    crlf.status?.message,
    `Secret ${ns}/bad-headers: the value of "X-Evil" contains a line break or control character; HTTP header values cannot; no data stored yet`,
  );
  assert.equal(cond(crlf, 'SourceAvailable'), 'False/InvalidSecret');
  const badca = await waitPhase(ns, 'badca', 'Failed', () => true, 120_000);
  assert.equal(
    badca.status?.message,
    `Secret ${ns}/bad-ca: key "ca.crt" holds no valid PEM CA certificate; no data stored yet`,
  );
  await remove('crlf');
  await remove('badca');
});

test('503 then 200, and 429 with Retry-After then 200: retried inside one sync, Retry-After honoured', async () => {
  const flaky: number[] = [];
  routes.set('flaky', (_q, res) => {
    flaky.push(flaky.length === 0 ? 503 : 200);
    if (flaky.length === 1) res.writeHead(503).end();
    else res.end(page(0, 3));
  });
  const limited: number[] = [];
  routes.set('limited', (_q, res) => {
    limited.push(Date.now());
    if (limited.length === 1) res.writeHead(429, { 'Retry-After': '2' }).end();
    else res.end(page(0, 4));
  });
  await create('flaky');
  await create('limited');
  const f = await waitPhase(ns, 'flaky', 'Ready', () => true, 120_000);
  assert.deepEqual(flaky, [503, 200]);
  assert.equal(f.status?.sync?.serverCount, 3);
  // No sync failed: the 503 was retried inside the first sync, not by the controller's backoff.
  assert.deepEqual(await warnings('flaky'), []);
  const l = await waitPhase(ns, 'limited', 'Ready', () => true, 120_000);
  assert.equal(l.status?.sync?.serverCount, 4);
  assert.equal(limited.length, 2);
  assert.deepEqual(await warnings('limited'), []);
  // The controller's test retry delay is 50 ms; only the server's Retry-After explains the wait.
  assert.ok(
    (limited[1] ?? 0) - (limited[0] ?? 0) >= 1900,
    `waited ${(limited[1] ?? 0) - (limited[0] ?? 0)} ms`,
  );
});

test('1,000 pages of 16 MiB: refused at the byte budget after 5 requests, with the budget in the status', async () => {
  const PAGE = 16 * 1024 * 1024;
  let requests = 0;
  routes.set('huge', (_q, res) => {
    requests++;
    if (requests > 1000) return void res.end(page(0, 1));
    const body = Buffer.alloc(PAGE, 0x20);
    body.write(page(requests, requests + 1, `c${requests}`), 0);
    res.on('error', () => {}); // the client hangs up mid-page, by design
    res.end(body);
  });
  await create('huge');
  const r = await waitPhase(ns, 'huge', 'Failed', () => true, 180_000);
  assert.equal(
    r.status?.message,
    `${base}/r/huge/v0.1/servers: the registry sent more than 67108864 bytes in 5 pages, the byte budget of a registry source; stopping; no data stored yet`,
  );
  assert.equal(cond(r, 'SourceAvailable'), 'False/ResponseTooLarge');
  // Each attempt stops at page 5 (one attempt may be in flight, one not yet counted in status).
  const seen = requests;
  const attempts = (await getReg(ns, 'huge')).status?.sync?.attempts ?? 0;
  assert.ok(seen <= 5 * (attempts + 2), `${seen} requests in ${attempts} attempts`);
  await remove('huge');
});

test('malformed pages: each a Failed status with its exact message, the last good storage byte-identical', async () => {
  let body: string | ((url: URL) => string) = page(0, 2);
  routes.set('malformed', (_q, res, url) => res.end(typeof body === 'string' ? body : body(url)));
  await create('malformed');
  const good = await waitPhase(ns, 'malformed', 'Ready', () => true, 120_000);
  const kept = await storageConfigMaps(ns, 'malformed');
  const where = `${base}/r/malformed/v0.1/servers`;
  const cases: [string | ((url: URL) => string), string][] = [
    [
      '{"servers":[null]}',
      `${where} page 1 is malformed: servers[0] must be an object {server, _meta}, not null`,
    ],
    ['{"metadata":{}}', `${where} page 1 is malformed: "servers" is missing; expected a list`],
    [
      '{"servers":[{"server":"x"}]}',
      `${where} page 1 is malformed: servers[0].server must be an object (a server.json), not a string`,
    ],
    [
      '{"servers":[],"metadata":{"nextCursor":7}}',
      `${where} page 1 is malformed: metadata.nextCursor must be a string, not a number`,
    ],
    ['{"servers":[', `${where} page 1 is not valid JSON`],
    ['['.repeat(200_000), `${where} page 1 is malformed: JSON nested deeper than 100 levels`],
    [
      (url) => page(0, 1, url.searchParams.get('cursor') ? 'again' : 'again'),
      `${where}: cursor "again" repeats after 2 pages; the registry's paging loops`,
    ],
  ];
  for (const [i, [fault, message]] of cases.entries()) {
    body = fault;
    await trigger('malformed', `fault-${i}`);
    const r = await waitPhase(
      ns,
      'malformed',
      'Failed',
      (x) => x.status?.sync?.lastManualSyncTrigger === `fault-${i}`,
      120_000,
    );
    assert.equal(
      r.status?.message,
      `${message}; serving the last good data from ${good.status?.sync?.lastSyncTime}`,
    );
    assert.deepEqual(await storageConfigMaps(ns, 'malformed'), kept, `storage changed by case ${i}`);
  }
  body = page(0, 2);
  await trigger('malformed', 'healed');
  await waitPhase(
    ns,
    'malformed',
    'Ready',
    (x) => x.status?.sync?.lastManualSyncTrigger === 'healed',
    120_000,
  );
});
