/**
 * REST API conformance (issue #14.7): /v0 served as /v0.1, invalid query values are 400 on every
 * endpoint with the message a client sees, a 405's Allow lists every method of the path, and
 * /openapi.json declares every path parameter and every status we answer.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { catalogOfFixture, startApi, validateResponse } from './harness.ts';
import { buildOpenApi } from '../../../src/registry-api/openapi/openapi.ts';

let api: Awaited<ReturnType<typeof startApi>>;
const catalog = catalogOfFixture();
const fetchName = encodeURIComponent(catalog.servers.find((s) => s.name === 'fetch')!.upstreamName);

before(async () => {
  api = await startApi(catalog);
});
after(() => api.close());

async function call(path: string, method = 'GET') {
  const res = await fetch(`${api.url}${path}`, { method });
  return { status: res.status, allow: res.headers.get('allow'), text: await res.text() };
}

test('/v0/... answers exactly what /v0.1/... answers, including errors and 501s', async () => {
  const paths: [string, string?][] = [
    ['/servers?limit=5'],
    ['/servers?search=git&version=latest'],
    [`/servers/${fetchName}/versions`],
    [`/servers/${fetchName}/versions/latest`],
    [`/servers/${fetchName}/versions/9.9.9`],
    ['/servers?limit=0'],
    ['/publish', 'POST'],
    [`/servers/${fetchName}/versions/1.0.0`, 'DELETE'],
    [`/servers/${fetchName}/status`, 'PATCH'],
  ];
  for (const [path, method] of paths) {
    const [a, b] = [await call(`/v0.1${path}`, method), await call(`/v0${path}`, method)];
    assert.deepEqual(b, a, `${method ?? 'GET'} ${path}`);
  }
  assert.equal((await call(`/v0/servers/${fetchName}/versions/latest`)).status, 200);
});

test('include_deleted is validated on every upstream endpoint; format= (empty) is a 400', async () => {
  const bad = '{"error":"Invalid include_deleted parameter: must be true or false"}';
  for (const path of [
    '/v0.1/servers',
    `/v0.1/servers/${fetchName}/versions`,
    `/v0.1/servers/${fetchName}/versions/latest`,
  ]) {
    assert.deepEqual(
      await call(`${path}?include_deleted=yes`),
      { status: 400, allow: null, text: bad },
      path,
    );
    assert.equal((await call(`${path}?include_deleted=true`)).status, 200, path);
    assert.equal((await call(`${path}?include_deleted=false`)).status, 200, path);
  }
  const unsupported = '{"error":"Unsupported format. Supported formats: \'toolhive\', \'upstream\'"}';
  for (const path of ['/api/v1/registry/servers?format=', '/api/v1/registry/servers/fetch?format=']) {
    assert.deepEqual(await call(path), { status: 400, allow: null, text: unsupported }, path);
  }
  assert.equal((await call('/api/v1/registry/servers/fetch')).status, 200, 'absent format is the default');
});

test('405 lists every method the path answers, read and publish routes alike', async () => {
  const cases: [string, string, string][] = [
    [`/v0.1/servers/${fetchName}/versions/1.0.0`, 'POST', 'GET, HEAD, PUT, DELETE'],
    [`/v0/servers/${fetchName}/versions/1.0.0`, 'PATCH', 'GET, HEAD, PUT, DELETE'],
    ['/v0.1/servers', 'DELETE', 'GET, HEAD'],
    ['/v0.1/publish', 'GET', 'POST'],
    [`/v0.1/servers/${fetchName}/status`, 'GET', 'PATCH'],
    [`/v0.1/servers/${fetchName}/versions/1.0.0/status`, 'PUT', 'PATCH'],
    ['/api/v1/registry/info', 'POST', 'GET, HEAD'],
  ];
  for (const [path, method, allow] of cases) {
    const r = await call(path, method);
    assert.deepEqual(
      r,
      { status: 405, allow, text: JSON.stringify({ error: `Method ${method} not allowed; use ${allow}` }) },
      `${method} ${path}`,
    );
  }
  // An unknown path is a 404 whatever the method (no catch-all 501 any more).
  assert.equal((await call('/v0.1/nothing', 'POST')).status, 404);
});

type Op = {
  parameters?: { name: string; in: string; required?: boolean }[];
  responses: Record<string, unknown>;
};

test('/openapi.json declares every path parameter of every operation, and the 501s we answer', async () => {
  const doc = buildOpenApi() as { paths: Record<string, Record<string, Op>> };
  const missing: string[] = [];
  for (const [path, item] of Object.entries(doc.paths)) {
    const names = [...path.matchAll(/\{([^}]+)\}/g)].map((m) => m[1]!);
    for (const [method, op] of Object.entries(item)) {
      for (const n of names) {
        const p = op.parameters?.find((x) => x.name === n && x.in === 'path');
        if (!p?.required) missing.push(`${method.toUpperCase()} ${path}: ${n}`);
      }
    }
  }
  assert.deepEqual(missing, []);
  for (const [path, method] of [
    ['/v0.1/publish', 'post'],
    ['/v0.1/servers/{serverName}/versions/{version}', 'put'],
    ['/v0.1/servers/{serverName}/versions/{version}', 'delete'],
    ['/v0.1/servers/{serverName}/versions/{version}/status', 'patch'],
    ['/v0.1/servers/{serverName}/status', 'patch'],
    ['/v0/servers/{serverName}/status', 'patch'],
  ] as const) {
    const concrete = path.replace('{serverName}', fetchName).replace('{version}', '1.0.0');
    const r = await call(concrete, method.toUpperCase());
    assert.equal(r.status, 501, `${method} ${concrete}`);
    assert.deepEqual(validateResponse(path, 501, JSON.parse(r.text), method), [], `${method} ${path}`);
  }
  // Every /v0.1 path has its /v0 twin.
  const v01 = Object.keys(doc.paths).filter((p) => p.startsWith('/v0.1/'));
  assert.deepEqual(
    Object.keys(doc.paths).filter((p) => p.startsWith('/v0/')),
    v01.map((p) => p.replace('/v0.1/', '/v0/')),
  );
});

test('the status a server has is the one /v0.1 serves (no hard-coded active)', async () => {
  const { parseRegistryDocument } = await import('../../../src/registry/index.ts');
  const page = {
    servers: [
      {
        server: {
          name: 'com.example/old',
          description: 'd',
          version: '1.0.0',
          remotes: [{ type: 'sse', url: 'https://o' }],
        },
        _meta: {
          'io.modelcontextprotocol.registry/official': {
            status: 'deprecated',
            statusMessage: 'gone soon',
            publishedAt: '2025-01-01T00:00:00Z',
            updatedAt: '2025-06-01T00:00:00Z',
            isLatest: true,
          },
        },
      },
    ],
  };
  const other = await startApi(parseRegistryDocument(JSON.stringify(page), 'upstream').catalog);
  try {
    const r = await fetch(`${other.url}/v0.1/servers/com.example%2Fold/versions/latest`);
    const body = (await r.json()) as { _meta: Record<string, unknown> };
    assert.deepEqual(body._meta['io.modelcontextprotocol.registry/official'], {
      status: 'deprecated',
      statusMessage: 'gone soon',
      // As the source wrote them (SPEC §14: no precision gained or lost).
      statusChangedAt: '2025-01-01T00:00:00Z',
      publishedAt: '2025-01-01T00:00:00Z',
      updatedAt: '2025-06-01T00:00:00Z',
      isLatest: true,
    });
    assert.deepEqual(validateResponse('/v0.1/servers/{serverName}/versions/{version}', 200, body), []);
  } finally {
    await other.close();
  }
});
