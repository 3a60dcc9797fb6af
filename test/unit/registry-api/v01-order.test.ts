/**
 * /v0.1/servers pages as the official registry does (github.com/modelcontextprotocol/registry
 * v1.8.1, internal/database/postgres.go ListServers): `ORDER BY server_name, version`, so by the
 * server.json name even where our catalog key is a short `io.github.stacklok/` name; `search` on that
 * name (ILIKE); and a full page always names a next cursor, the page after the last full one being
 * empty without one. The same against the official server itself: official-server.test.ts.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { parseRegistryDocument } from '../../../src/registry/index.ts';
import { startApi } from './harness.ts';

const OFFICIAL = 'io.modelcontextprotocol.registry/official';
const item = (name: string, version: string, official: Record<string, unknown> = {}) => ({
  server: { name, description: name, version, remotes: [{ type: 'sse', url: `https://${version}.x` }] },
  _meta: { [OFFICIAL]: { status: 'active', isLatest: true, ...official } },
});
const PAGE = {
  servers: [
    item('io.github.stacklok/zzz', '1.0.0'),
    item('io.github.stacklok/fetch', '1.0.0', { isLatest: false }),
    item('io.github.stacklok/fetch', '1.1.0'),
    item('io.ex/a', '2.0.0'),
    item('com.ex/b', '0.1.0'),
    item('io.github.stacklok/gone', '1.0.0', { status: 'deleted' }),
  ],
  metadata: { count: 6 },
};
// The catalog keys sort com.ex/b, fetch, gone, io.ex/a, zzz; the official order differs.
const ORDER = [
  'com.ex/b@0.1.0',
  'io.ex/a@2.0.0',
  'io.github.stacklok/fetch@1.0.0',
  'io.github.stacklok/fetch@1.1.0',
  'io.github.stacklok/zzz@1.0.0',
];

let api: Awaited<ReturnType<typeof startApi>>;
before(async () => {
  api = await startApi(parseRegistryDocument(JSON.stringify(PAGE), 'upstream').catalog);
});
after(() => api.close());

type Body = { servers: { server: { name: string; version: string } }[]; metadata: { nextCursor?: string } };
async function page(query: string): Promise<Body> {
  const r = await fetch(`${api.url}/v0.1/servers?${query}`);
  assert.equal(r.status, 200);
  return (await r.json()) as Body;
}
const ids = (b: Body) => b.servers.map((s) => `${s.server.name}@${s.server.version}`);

/** Every page of a listing: its items and whether it named a next cursor. */
async function pages(query: string, limit: number): Promise<[string[], boolean][]> {
  const out: [string[], boolean][] = [];
  let cursor = '';
  for (let i = 0; i < 20; i++) {
    const b = await page(`${query}&limit=${limit}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`);
    out.push([ids(b), b.metadata.nextCursor !== undefined]);
    if (!b.metadata.nextCursor) return out;
    cursor = b.metadata.nextCursor;
  }
  throw new Error('more than 20 pages');
}

test('listed by server.json name, then version, not by catalog key', async () => {
  assert.deepEqual(ids(await page('limit=100')), ORDER);
  assert.deepEqual(ids(await page('limit=100&include_deleted=true')), [
    ...ORDER.slice(0, 4),
    'io.github.stacklok/gone@1.0.0',
    ORDER[4],
  ]);
  assert.deepEqual(ids(await page('limit=100&version=latest')), [ORDER[0], ORDER[1], ORDER[3], ORDER[4]]);
});

test('paged at every limit: the same order, and a full last page names a cursor to an empty page', async () => {
  for (let limit = 1; limit <= 6; limit++) {
    const got = await pages('include_deleted=false', limit);
    assert.deepEqual(
      got.flatMap(([items]) => items),
      ORDER,
      `limit ${limit}`,
    );
    const full = ORDER.length % limit === 0;
    // 5 items: limit 1 and 5 end on a full page, followed by an empty one without a cursor.
    assert.deepEqual(got[got.length - 1], full ? [[], false] : [ORDER.slice(-(ORDER.length % limit)), false]);
    assert.ok(
      got.slice(0, -1).every(([items, more]) => more && items.length === limit),
      `limit ${limit}`,
    );
  }
});

test("search matches the server.json name (the official server's ILIKE), also for short keys", async () => {
  assert.deepEqual(ids(await page('limit=100&search=STACKLOK')), ORDER.slice(2));
  assert.deepEqual(ids(await page('limit=100&search=stacklok/fe')), ORDER.slice(2, 4));
});

test('cursors: ours, the official form, and a catalog key (our earlier cursors) resume after that server', async () => {
  const first = await page('limit=3');
  assert.deepEqual(ids(first), ORDER.slice(0, 3));
  assert.deepEqual(ids(await page(`limit=100&cursor=${first.metadata.nextCursor}`)), ORDER.slice(3));
  const official = encodeURIComponent('io.github.stacklok/fetch:1.0.0');
  assert.deepEqual(ids(await page(`limit=100&cursor=${official}`)), ORDER.slice(3));
  assert.deepEqual(ids(await page(`limit=100&cursor=${encodeURIComponent('fetch:1.0.0')}`)), ORDER.slice(3));
  assert.deepEqual(ids(await page(`limit=100&cursor=${encodeURIComponent('io.github.stacklok/g')}`)), [
    ORDER[4],
  ]);
});
