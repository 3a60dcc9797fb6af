/**
 * The registry API's response cache (response-cache.ts, issue #26.7): keyed only by what can change an
 * answer, bounded by bytes and entries. Junk query parameters create no entries; the byte total never
 * exceeds its bound however many distinct answers are asked for.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  RESPONSE_CACHE_BOUNDS,
  responseCache,
  responseKey,
} from '../../../src/registry-api/response-cache.ts';
import { catalogOfFixture, startApi } from './harness.ts';

const key = (template: string, query: string, params: string[] = []) =>
  responseKey(template, params, new URLSearchParams(query));

const same: [template: string, a: string, b: string][] = [
  ['/v0.1/servers', '', 'junk=1'],
  ['/v0.1/servers', '', 'limit=30'],
  ['/v0.1/servers', '', 'limit=030'],
  ['/v0.1/servers', '', 'include_deleted=false'],
  ['/v0.1/servers', '', 'version='],
  // updated_since always includes deleted versions (as on the official server).
  [
    '/v0.1/servers',
    'updated_since=2025-01-01T00:00:00Z',
    'updated_since=2025-01-01T00:00:00Z&include_deleted=1',
  ],
  ['/v0.1/servers', 'search=Fetch', 'search=fetch&x=y'],
  ['/v0.1/servers', '', 'format=anything'],
  ['/v0.1/servers', 'updated_since=2025-01-01T00:00:00Z', 'updated_since=2025-01-01T01:00:00%2B01:00'],
  ['/api/v1/registry/servers', '', 'format=toolhive&limit=100&search='],
  ['/api/v1/registry/servers', 'tag=a&tag=b', 'tag=b&tag=a&tag=b'],
  ['/api/v1/registry/servers/{name}', '', 'format=toolhive&limit=5'],
  ['/api/v1/registry/info', '', 'format=upstream&junk'],
  ['/v0.1/servers/{serverName}/versions', '', 'include_deleted=false&x=1'],
];
for (const [template, a, b] of same)
  test(`${template}: "${a}" and "${b}" share one cache entry`, () => {
    assert.equal(key(template, a), key(template, b));
  });

const apart: [template: string, a: string, b: string][] = [
  ['/v0.1/servers', '', 'limit=31'],
  ['/v0.1/servers', '', 'search=x'],
  ['/v0.1/servers', '', 'version=1.0.0'],
  // Every version is served (SPEC §14): these change the answer now.
  ['/v0.1/servers', '', 'include_deleted=true'],
  ['/v0.1/servers', '', 'version=latest'],
  ['/v0.1/servers/{serverName}/versions', '', 'include_deleted=true'],
  ['/v0.1/servers/{serverName}/versions/{version}', '', 'include_deleted=true'],
  // Exact to the nanosecond, not the millisecond.
  ['/v0.1/servers', 'updated_since=2025-01-01T00:00:00.0898Z', 'updated_since=2025-01-01T00:00:00.089802Z'],
  ['/v0.1/servers', '', `cursor=${Buffer.from('v1:a').toString('base64url')}`],
  ['/v0.1/servers', '', 'updated_since=2025-01-01T00:00:00Z'],
  ['/api/v1/registry/servers', '', 'format=upstream'],
  ['/api/v1/registry/servers', '', 'tag=a'],
];
for (const [template, a, b] of apart)
  test(`${template}: "${a}" and "${b}" are cached apart`, () => {
    assert.notEqual(key(template, a), key(template, b));
  });

test('path parameters are part of the key', () => {
  assert.notEqual(
    key('/api/v1/registry/servers/{name}', '', ['a']),
    key('/api/v1/registry/servers/{name}', '', ['b']),
  );
});

test('a route that is not cached has no key', () => {
  assert.equal(key('/healthz', ''), undefined);
});

test('a parameter the route refuses makes no key: the route answers its 400', () => {
  assert.throws(() => key('/v0.1/servers', 'limit=0'), /Invalid limit parameter/);
  assert.throws(() => key('/v0.1/servers', 'include_deleted=maybe'), /Invalid include_deleted parameter/);
});

test('2,040 requests with junk parameters create no cache entries', async () => {
  const api = await startApi(catalogOfFixture());
  try {
    const snap = api.store.current!;
    const first = await (await fetch(`${api.url}/v0.1/servers`)).text();
    const before = responseCache(snap).keys();
    for (let i = 0; i < 2040; i++) {
      const path =
        i % 2 ? `/v0.1/servers?junk=${i}` : `/v0.1/servers?include_deleted=false&limit=30&x${i}=${i}`;
      const r = await fetch(`${api.url}${path}`);
      assert.equal(await r.text(), first);
    }
    assert.deepEqual(responseCache(snap).keys(), before);
  } finally {
    await api.close();
  }
});

test("the cache's byte total never exceeds its bound, however many distinct answers are asked for", async () => {
  const api = await startApi(catalogOfFixture());
  try {
    const cache = responseCache(api.store.current!);
    // Each a distinct key with a full page (every server was updated after these times).
    const page = await (
      await fetch(`${api.url}/api/v1/registry/servers?limit=1000&format=upstream`)
    ).arrayBuffer();
    const needed = Math.ceil((RESPONSE_CACHE_BOUNDS.maxBytes * 1.5) / page.byteLength);
    for (let i = 0; i < needed; i++) {
      const since = new Date(i * 1000).toISOString();
      const r = await fetch(`${api.url}/v0.1/servers?limit=100&updated_since=${since}`);
      assert.equal(r.status, 200);
      await r.arrayBuffer();
      assert.ok(cache.bytes <= RESPONSE_CACHE_BOUNDS.maxBytes, `${cache.bytes} bytes after ${i + 1}`);
      assert.ok(cache.size <= RESPONSE_CACHE_BOUNDS.maxEntries);
    }
    assert.ok(
      cache.bytes > RESPONSE_CACHE_BOUNDS.maxBytes / 2,
      `the bound was reached: ${cache.bytes} bytes`,
    );
    assert.ok(cache.size < needed, 'older answers were evicted');
  } finally {
    await api.close();
  }
});
