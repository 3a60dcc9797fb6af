/**
 * SPEC §18 "No request kills a server": every HTTP server of ours (the registry API with its catalog
 * page, the admission webhook, the health/metrics server) answers each malformed request target,
 * header or body with a 4xx, and the next good request on a new connection is still answered.
 * Raw sockets, because fetch and node:http would normalise or refuse these before sending them.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { MALFORMED_TARGETS, MALFORMED_REQUESTS, rawExchange, rawGet } from '../../support/raw-http.ts';
import { catalogOfFixture, startApi } from '../registry-api/harness.ts';
import { admissionReview, post, startHarness, type Harness } from '../webhook/harness.ts';

/** What the registry API answers each target (400: unreadable; 404: readable, but no such page). */
const API_STATUS: Record<string, number> = {
  '//x:99999/': 404,
  '//[/': 404,
  '//@/': 404,
  '//[::1/': 404,
  '///': 404,
  '/\\\\x/': 404,
};
const apiStatus = (t: string) => (t.length > 16_000 ? 431 : (API_STATUS[t] ?? 400));
/**
 * The registry API redirects a readable path with a trailing slash (308, like the official registry,
 * SPEC §14) instead of answering 404; the redirect stays on this server (checked below).
 */
const apiWithRedirects = (t: string) => (apiStatus(t) === 404 && t.endsWith('/') ? 308 : apiStatus(t));

interface Server {
  name: string;
  endpoint: () => { host: string; port: number; tls?: { ca: string } };
  /** A good request that must still be answered (status 200) after each malformed one. */
  good: () => Promise<number>;
  /** The status for a target: the API's table, or 404 where the API needed a route to answer 400. */
  expected: (target: string) => number;
}

let api: Awaited<ReturnType<typeof startApi>>;
let hook: Harness;
before(async () => {
  api = await startApi(catalogOfFixture());
  hook = await startHarness();
});
after(async () => {
  await api.close();
  await hook.stop();
});

const port = (url: string) => Number(new URL(url).port);
const VALIDATE = '/validate-toolhive-stacklok-io-mcpregistry';
const obj = {
  apiVersion: 'toolhive.stacklok.io/v1beta1',
  kind: 'MCPRegistry',
  metadata: { name: 'r' },
  spec: { sources: [{ name: 'a', type: 'configmap', configMapRef: { name: 'c' } }] },
};

const servers: Server[] = [
  {
    name: 'registry API and catalog page',
    endpoint: () => ({ host: '127.0.0.1', port: port(api.url) }),
    good: async () => (await fetch(`${api.url}/v0.1/servers`)).status,
    expected: apiWithRedirects,
  },
  {
    name: 'admission webhook',
    endpoint: () => ({ host: '127.0.0.1', port: hook.port, tls: { ca: hook.ca.certPem } }),
    good: async () => (await post(hook, VALIDATE, admissionReview('u', obj))).status,
    expected: apiStatus,
  },
  {
    name: 'health and metrics',
    endpoint: () => ({ host: '127.0.0.1', port: port(hook.healthUrl) }),
    good: async () => (await fetch(`${hook.healthUrl}/healthz`)).status,
    expected: apiStatus,
  },
];

for (const s of servers)
  describe(s.name, () => {
    for (const target of MALFORMED_TARGETS)
      test(`GET ${target.slice(0, 40)} → ${s.expected(target)}, then a good request is answered`, async () => {
        const r = await rawGet(s.endpoint(), target);
        assert.equal(r.status, s.expected(target), r.head + r.body);
        if (r.status === 308) {
          // Never an open redirect: a path on this server, not `//host` or `/\\host`.
          const location = /^location: (.*)$/im.exec(r.head)?.[1]?.trim() ?? '';
          assert.match(location, /^\/(?![/\\])/, r.head);
        }
        assert.equal(await s.good(), 200);
      });
    for (const [name, bytes, status] of MALFORMED_REQUESTS)
      test(`${name} → ${status}, then a good request is answered`, async () => {
        const r = await rawExchange(s.endpoint(), bytes);
        assert.equal(r.status, status, r.head + r.body);
        assert.equal(await s.good(), 200);
      });
  });

test('the registry API: an undecodable name in a route is a 400 naming the path', async () => {
  const r = await rawGet({ host: '127.0.0.1', port: port(api.url) }, '/v0.1/servers/%C3%28/versions/latest');
  assert.equal(r.status, 400);
  assert.equal(JSON.parse(r.body).error, 'Invalid percent-encoding in the path');
  assert.equal(await servers[0]!.good(), 200);
});

test('the webhook: a malformed chunked body on a review path is a 400, then a review is answered', async () => {
  const bytes =
    [
      `POST ${VALIDATE} HTTP/1.1`,
      'Host: 127.0.0.1',
      'Content-Type: application/json',
      'Transfer-Encoding: chunked',
    ].join('\r\n') + '\r\n\r\nzz\r\nx\r\n0\r\n\r\n';
  const r = await rawExchange(servers[1]!.endpoint(), bytes);
  assert.equal(r.status, 400, r.head + r.body);
  assert.equal(await servers[1]!.good(), 200);
});
