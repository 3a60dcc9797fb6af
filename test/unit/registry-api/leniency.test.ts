/**
 * Where the official registry is lenient, so are we (SPEC §14): empty `version=`, Go's boolean
 * spellings of `include_deleted`, cursors that are not ours, trailing slashes (308), and the
 * publisher endpoints we do not offer (501 with a message). Exact answers over HTTP on loopback; the
 * official server's own answers to the same requests are compared in
 * test/integration/upstream-registry/leniency.test.ts.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { catalogOfFixture, startApi } from './harness.ts';
import { responseKey } from '../../../src/registry-api/response-cache.ts';

let api: Awaited<ReturnType<typeof startApi>>;
before(async () => {
  api = await startApi(catalogOfFixture());
});
after(async () => {
  await api.close();
});

type List = { servers: { server: { name: string; version: string } }[]; metadata: { nextCursor?: string } };
const get = async (path: string, init: RequestInit = {}) => {
  const r = await fetch(api.url + path, { redirect: 'manual', ...init });
  return {
    status: r.status,
    location: r.headers.get('location'),
    allow: r.headers.get('allow'),
    body: await r.text(),
  };
};
const names = (body: string) => (JSON.parse(body) as List).servers.map((s) => s.server.name);

test('empty version= is no filter', async () => {
  const plain = await get('/v0.1/servers?limit=100');
  assert.deepEqual(await get('/v0.1/servers?limit=100&version='), plain);
  assert.equal(names(plain.body).length, 88);
  assert.equal(
    responseKey('/v0.1/servers', [], new URLSearchParams('version=')),
    responseKey('/v0.1/servers', [], new URLSearchParams('')),
  );
});

test('include_deleted takes the boolean spellings the official server (Go strconv.ParseBool) takes', async () => {
  const plain = await get('/v0.1/servers?limit=5');
  for (const v of ['', '1', 't', 'T', 'TRUE', 'true', 'True', '0', 'f', 'F', 'FALSE', 'false', 'False'])
    for (const path of ['/v0.1/servers?limit=5', '/v0/servers?limit=5'])
      assert.deepEqual(await get(`${path}&include_deleted=${v}`), plain, `include_deleted=${v}`);
  const fetchVersions = '/v0.1/servers/io.github.stacklok%2Ffetch/versions';
  assert.equal((await get(`${fetchVersions}?include_deleted=1`)).status, 200);
  assert.equal((await get(`${fetchVersions}/latest?include_deleted=T`)).status, 200);
  for (const v of ['yes', 'on', 'tRUE', '2'])
    assert.deepEqual(await get(`/v0.1/servers?include_deleted=${v}`), {
      status: 400,
      location: null,
      allow: null,
      body: '{"error":"Invalid include_deleted parameter: must be true or false"}',
    });
});

test("a cursor that is not ours resumes where the official server's would, never a 400", async () => {
  const all = names((await get('/v0.1/servers?limit=100')).body);
  const third = JSON.parse((await get('/v0.1/servers?limit=3')).body) as List;
  const [name, version] = [third.servers[2]!.server.name, third.servers[2]!.server.version];
  const after3 = all.slice(3, 8);
  // Ours, and the official form name:version of the same server, and its bare name.
  assert.deepEqual(
    names((await get(`/v0.1/servers?limit=5&cursor=${third.metadata.nextCursor}`)).body),
    after3,
  );
  assert.deepEqual(
    names((await get(`/v0.1/servers?limit=5&cursor=${encodeURIComponent(`${name}:${version}`)}`)).body),
    after3,
  );
  assert.deepEqual(
    names((await get(`/v0.1/servers?limit=5&cursor=${encodeURIComponent(name)}`)).body),
    after3,
  );
  // An older version of that server in the cursor: the official server would list the newer one next.
  assert.deepEqual(
    names((await get(`/v0.1/servers?limit=5&cursor=${encodeURIComponent(`${name}:0.0.1`)}`)).body),
    all.slice(2, 7),
  );
  // Unknown names: resume where the name would be in the official order (by server.json name).
  const pos = all.findIndex((n) => n > 'io.github.stacklok/m');
  assert.ok(pos > 0);
  assert.deepEqual(
    names((await get(`/v0.1/servers?limit=5&cursor=${encodeURIComponent('io.github.stacklok/m')}`)).body),
    all.slice(pos, pos + 5),
  );
  assert.deepEqual(names((await get('/v0.1/servers?limit=5&cursor=m')).body), []);
  assert.deepEqual(JSON.parse((await get('/v0.1/servers?cursor=%7E%7E%7E')).body), {
    servers: [],
    metadata: { count: 0 },
  });
  assert.deepEqual(names((await get('/v0.1/servers?limit=2&cursor=!!')).body), all.slice(0, 2));
  // /api/v1 (ToolHive's API) keeps its own strict cursors.
  assert.equal(
    (await get('/api/v1/registry/servers?cursor=!!')).body,
    '{"error":"Invalid cursor parameter"}',
  );
});

test('a trailing slash redirects 308 to the path without it, query kept, never off-site', async () => {
  const cases: [string, string][] = [
    ['/v0.1/servers/', '/v0.1/servers'],
    ['/v0.1/servers/?limit=1&search=fetch', '/v0.1/servers?limit=1&search=fetch'],
    ['/v0/servers/io.github.stacklok%2Ffetch/versions/', '/v0/servers/io.github.stacklok%2Ffetch/versions'],
    ['//evil.example/', '/evil.example'],
    ['/v0.1//servers//', '/v0.1/servers'],
    ['/mcp/', '/mcp'],
  ];
  for (const [from, to] of cases)
    for (const method of ['GET', 'POST'])
      assert.deepEqual(
        await get(from, { method }),
        { status: 308, location: to, allow: null, body: '' },
        `${method} ${from}`,
      );
  const followed = await fetch(`${api.url}/v0.1/servers/?limit=1`);
  assert.equal(followed.status, 200);
  assert.equal((await get('/')).status, 200);
});

test('publisher log-in and validation answer 501 with a message, like publishing', async () => {
  const auth501 =
    '{"error":"Publisher authentication is not supported by this registry: it serves a catalog managed by an MCPRegistry, and nothing is published to it"}';
  for (const path of [
    '/v0/auth/github-at',
    '/v0/auth/github-oidc',
    '/v0/auth/oidc',
    '/v0/auth/dns',
    '/v0/auth/http',
    '/v0/auth/none',
    '/v0.1/auth/none',
  ])
    assert.deepEqual(
      await get(path, { method: 'POST', body: '{}' }),
      { status: 501, location: null, allow: null, body: auth501 },
      path,
    );
  const validate501 =
    '{"error":"Validation is not supported by this registry: it serves a catalog managed by an MCPRegistry; validate server.json with the official registry or mcp-publisher"}';
  for (const path of ['/v0/validate', '/v0.1/validate'])
    assert.deepEqual(await get(path, { method: 'POST', body: '{}' }), {
      status: 501,
      location: null,
      allow: null,
      body: validate501,
    });
  assert.deepEqual(await get('/v0/publish', { method: 'POST', body: '{}' }), {
    status: 501,
    location: null,
    allow: null,
    body: '{"error":"Publishing is not supported by this registry: it serves a catalog managed by an MCPRegistry"}',
  });
  for (const path of ['/v0/auth/none', '/v0.1/validate'])
    assert.deepEqual(await get(path), {
      status: 405,
      location: null,
      allow: 'POST',
      body: '{"error":"Method GET not allowed; use POST"}',
    });
});
