/**
 * /v0.1 over every version of a server (SPEC §14 "Mirror fidelity"), as the official registry answers
 * (its handlers and SQL in github.com/modelcontextprotocol/registry v1.8.1, internal/database/postgres.go):
 * one list item per version ordered by name and version, deleted versions only with include_deleted
 * (and always with updated_since, exact to the microsecond), `/versions` newest published first,
 * `/versions/{v}` for an old version, and the times as the source wrote them. The same answers
 * against the official server itself: test/integration/upstream-registry/official-server.test.ts.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { parseRegistryDocument } from '../../../src/registry/index.ts';
import { startApi, validateResponse } from './harness.ts';
import { getServer, listVersions } from '../../../src/registry-api/mcp/tools.ts';

const OFFICIAL = 'io.modelcontextprotocol.registry/official';
const at = (n: number) => `2025-10-01T10:00:00.0898${String(n).padStart(2, '0')}Z`;
const item = (name: string, version: string, n: number, official: Record<string, unknown> = {}) => ({
  server: {
    name,
    description: `${name} ${version}`,
    version,
    remotes: [{ type: 'sse', url: `https://${version}.x` }],
  },
  _meta: {
    [OFFICIAL]: {
      status: 'active',
      publishedAt: at(n),
      updatedAt: at(n),
      statusChangedAt: at(n),
      isLatest: false,
      ...official,
    },
  },
});
// Published out of version order, as a registry may be: `/versions` follows publication, the list versions.
const PAGE = {
  servers: [
    item('io.ex/a', '1.0.0', 1),
    item('io.ex/a', '1.10.0', 5, { isLatest: true }),
    item('io.ex/a', '1.2.0', 3, { status: 'deprecated', statusMessage: 'use 1.10' }),
    item('io.ex/a', '1.3.0', 4, { status: 'deleted', statusMessage: 'bad build' }),
    item('io.ex/b', '0.1.0', 2, { isLatest: true }),
    // Every version deleted: served only with include_deleted or updated_since.
    item('io.ex/c', '1.0.0', 6, { status: 'deleted', isLatest: true }),
  ],
  metadata: { count: 6 },
};

let api: Awaited<ReturnType<typeof startApi>>;
before(async () => {
  api = await startApi(parseRegistryDocument(JSON.stringify(PAGE), 'upstream').catalog);
});
after(() => api.close());

async function get(path: string): Promise<{ status: number; body: Record<string, unknown> }> {
  const r = await fetch(`${api.url}${path}`);
  return { status: r.status, body: (await r.json()) as Record<string, unknown> };
}
type Item = { server: { name: string; version: string }; _meta: Record<string, Record<string, unknown>> };
const ids = (b: Record<string, unknown>) =>
  (b.servers as Item[]).map(
    (s) => `${s.server.name}@${s.server.version}${s._meta[OFFICIAL]?.isLatest ? '*' : ''}`,
  );

test('/v0.1/servers lists every version not deleted, by name and version (text order, as PostgreSQL sorts)', async () => {
  const { body } = await get('/v0.1/servers');
  assert.deepEqual(ids(body), ['io.ex/a@1.0.0', 'io.ex/a@1.10.0*', 'io.ex/a@1.2.0', 'io.ex/b@0.1.0*']);
  assert.deepEqual(validateResponse('/v0.1/servers', 200, body), []);
  assert.deepEqual(ids((await get('/v0.1/servers?include_deleted=true')).body), [
    'io.ex/a@1.0.0',
    'io.ex/a@1.10.0*',
    'io.ex/a@1.2.0',
    'io.ex/a@1.3.0',
    'io.ex/b@0.1.0*',
    'io.ex/c@1.0.0*',
  ]);
  assert.deepEqual(ids((await get('/v0.1/servers?version=latest')).body), [
    'io.ex/a@1.10.0*',
    'io.ex/b@0.1.0*',
  ]);
  assert.deepEqual(ids((await get('/v0.1/servers?version=1.2.0')).body), ['io.ex/a@1.2.0']);
  assert.deepEqual(ids((await get('/v0.1/servers?version=1.3.0')).body), []);
});

test('paging crosses versions of one server: name:version cursors, ours and the official form alike', async () => {
  const seen: string[] = [];
  let cursor = '';
  for (let n = 0; n < 10; n++) {
    const { body } = await get(
      `/v0.1/servers?limit=2&include_deleted=true${cursor ? `&cursor=${cursor}` : ''}`,
    );
    seen.push(...ids(body));
    const next = (body.metadata as { nextCursor?: string }).nextCursor;
    if (!next) break;
    cursor = encodeURIComponent(next);
  }
  assert.deepEqual(seen, [
    'io.ex/a@1.0.0',
    'io.ex/a@1.10.0*',
    'io.ex/a@1.2.0',
    'io.ex/a@1.3.0',
    'io.ex/b@0.1.0*',
    'io.ex/c@1.0.0*',
  ]);
  // The official server's own cursor: resume after that version of that server.
  assert.deepEqual(ids((await get(`/v0.1/servers?cursor=${encodeURIComponent('io.ex/a:1.10.0')}`)).body), [
    'io.ex/a@1.2.0',
    'io.ex/b@0.1.0*',
  ]);
  // A bare name resumes after the whole server.
  assert.deepEqual(ids((await get(`/v0.1/servers?cursor=${encodeURIComponent('io.ex/a')}`)).body), [
    'io.ex/b@0.1.0*',
  ]);
});

test('updated_since: strictly later, to the microsecond, deleted versions included; include_deleted=false refused', async () => {
  const since = (t: string) => get(`/v0.1/servers?updated_since=${encodeURIComponent(t)}`);
  // .089803 is later than .0898025 by half a microsecond: a millisecond clock would see them equal.
  assert.deepEqual(ids((await since('2025-10-01T10:00:00.0898025Z')).body), [
    'io.ex/a@1.10.0*',
    'io.ex/a@1.2.0',
    'io.ex/a@1.3.0',
    'io.ex/c@1.0.0*',
  ]);
  assert.deepEqual(ids((await since(at(3))).body), ['io.ex/a@1.10.0*', 'io.ex/a@1.3.0', 'io.ex/c@1.0.0*']);
  assert.deepEqual(ids((await since('2025-10-01T11:00:00.089803+01:00')).body), [
    'io.ex/a@1.10.0*',
    'io.ex/a@1.3.0',
    'io.ex/c@1.0.0*',
  ]);
  assert.deepEqual(ids((await get(`/v0.1/servers?updated_since=${at(3)}&include_deleted=true`)).body), [
    'io.ex/a@1.10.0*',
    'io.ex/a@1.3.0',
    'io.ex/c@1.0.0*',
  ]);
  const refused = await get(`/v0.1/servers?updated_since=${at(3)}&include_deleted=false`);
  assert.equal(refused.status, 400);
  assert.equal(
    refused.body.error,
    'Cannot set include_deleted=false when using updated_since (incremental sync requires deleted servers)',
  );
  assert.deepEqual((await since('2025-10-01')).status, 400);
});

test('/versions: newest published first, deleted only on request; /versions/{v} serves an old version', async () => {
  const name = encodeURIComponent('io.ex/a');
  const all = await get(`/v0.1/servers/${name}/versions`);
  assert.deepEqual(ids(all.body), ['io.ex/a@1.10.0*', 'io.ex/a@1.2.0', 'io.ex/a@1.0.0']);
  assert.deepEqual(all.body.metadata, { count: 3 });
  assert.deepEqual(validateResponse('/v0.1/servers/{serverName}/versions', 200, all.body), []);
  assert.deepEqual(ids((await get(`/v0.1/servers/${name}/versions?include_deleted=true`)).body), [
    'io.ex/a@1.10.0*',
    'io.ex/a@1.3.0',
    'io.ex/a@1.2.0',
    'io.ex/a@1.0.0',
  ]);
  const old = await get(`/v0.1/servers/${name}/versions/1.2.0`);
  assert.equal(old.status, 200);
  assert.deepEqual(old.body._meta, {
    [OFFICIAL]: {
      status: 'deprecated',
      statusMessage: 'use 1.10',
      statusChangedAt: at(3),
      publishedAt: at(3),
      updatedAt: at(3),
      isLatest: false,
    },
  });
  assert.deepEqual((old.body.server as { remotes: unknown }).remotes, [
    { type: 'sse', url: 'https://1.2.0.x' },
  ]);
  assert.equal((await get(`/v0.1/servers/${name}/versions/1.3.0`)).status, 404);
  assert.equal((await get(`/v0.1/servers/${name}/versions/1.3.0?include_deleted=true`)).status, 200);
  assert.equal((await get(`/v0.1/servers/${name}/versions/9.9.9`)).status, 404);
  const latest = await get(`/v0.1/servers/${name}/versions/latest`);
  assert.equal((latest.body.server as { version: string }).version, '1.10.0');
  // The times exactly as the source wrote them (they were cut to milliseconds before).
  assert.equal((latest.body._meta as Record<string, Record<string, unknown>>)[OFFICIAL]!.publishedAt, at(5));
});

test('a server whose every version is deleted: /versions and /versions/latest on request only, never in the catalog', async () => {
  const c = encodeURIComponent('io.ex/c');
  assert.equal((await get(`/v0.1/servers/${c}/versions`)).status, 404);
  assert.equal((await get(`/v0.1/servers/${c}/versions/latest`)).status, 404);
  assert.deepEqual(ids((await get(`/v0.1/servers/${c}/versions?include_deleted=true`)).body), [
    'io.ex/c@1.0.0*',
  ]);
  const latest = await get(`/v0.1/servers/${c}/versions/latest?include_deleted=true`);
  assert.equal((latest.body._meta as Record<string, Record<string, unknown>>)[OFFICIAL]!.status, 'deleted');
  assert.equal((await get('/api/v1/registry/info')).body.serverCount, 2);
  assert.equal((await get(`/api/v1/registry/servers/${c}`)).status, 404);
  assert.equal(getServer(api.store.current!, { name: 'io.ex/c' }).isError, true);
});

test('MCP: list_server_versions names every version, get_server serves an old one', () => {
  const snap = api.store.current!;
  const list = listVersions(snap, { name: 'io.ex/a' });
  assert.equal(
    (list.content[0] as { text: string }).text,
    '3 versions of io.ex/a: 1.10.0 (latest), 1.2.0 (deprecated), 1.0.0',
  );
  const json = JSON.parse((list.content[1] as { text: string }).text) as Record<string, unknown>;
  assert.deepEqual(ids(json), ['io.ex/a@1.10.0*', 'io.ex/a@1.2.0', 'io.ex/a@1.0.0']);
  assert.deepEqual(json.metadata, { count: 3 });
  const old = getServer(snap, { name: 'io.ex/a', version: '1.0.0' });
  assert.equal((old.content[0] as { text: string }).text, 'io.ex/a 1.0.0');
  assert.equal(getServer(snap, { name: 'io.ex/a', version: '1.3.0' }).isError, true);
});
