/**
 * Every version of a server (SPEC §14 "Mirror fidelity"): which one is catalogued, the others kept
 * as the source gave them, the per-server bound, the storage form (and catalogs stored before it),
 * and exact RFC 3339 times.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import {
  boundVersions,
  filterCatalog,
  mergeCatalogs,
  parseRegistryDocument,
  parseStorage,
  serializeForStorage,
  timeKey,
  type Catalog,
} from '../../../src/registry/index.ts';
import { readRegistryDocument } from '../../../src/registry/read.ts';

const here = (f: string) => readFileSync(new URL(f, import.meta.url), 'utf8');
/** The API page the frozen storage below was written from (three versions, one deprecated server). */
const PAGE = here('./versions-page.json');
/** serializeForStorage of PAGE by the writer before versions were kept (commit e8d447c), byte for byte. */
const STORED_BEFORE = here('./stored-before-versions.json');

const OFFICIAL = 'io.modelcontextprotocol.registry/official';
const item = (name: string, version: string, official: Record<string, unknown> = {}) => ({
  server: {
    name,
    description: `${name} ${version}`,
    version,
    packages: [
      {
        registryType: 'oci',
        identifier: `ghcr.io/x/${name.split('/')[1]}:${version}`,
        transport: { type: 'stdio' },
      },
    ],
  },
  _meta: { [OFFICIAL]: { status: 'active', isLatest: false, ...official } },
});
const read = (items: unknown[]) =>
  readRegistryDocument(JSON.stringify({ servers: items, metadata: { count: items.length } }), 'upstream');
const versionsOf = (c: Catalog) =>
  Object.fromEntries(
    c.servers.map((s) => [s.name, [s.version, ...(s.versions ?? []).map((v) => String(v.upstream.version))]]),
  );

test('the catalogued version is the latest still standing; the others are kept in page order, deleted ones too', () => {
  const r = read([
    item('r/multi', '1.0.0'),
    item('r/multi', '1.10.0', { isLatest: true }),
    item('r/multi', '1.2.0'),
    item('r/rollback', '1.0.0'),
    item('r/rollback', '2.0.0', { status: 'deleted', isLatest: true }),
    item('r/gone', '1.0.0', { status: 'deleted', isLatest: true }),
    item('r/one', '0.1.0', { isLatest: true }),
    // A version given twice is kept once: the later content.
    { ...item('r/multi', '1.0.0'), server: { ...item('r/multi', '1.0.0').server, description: 'again' } },
  ]);
  assert.deepEqual(r.invalid, []);
  assert.deepEqual(versionsOf(r.catalog), {
    'r/multi': ['1.10.0', '1.0.0', '1.2.0'],
    'r/one': ['0.1.0'],
    // The registry moves isLatest off a deleted version; a page from before it did still reads right.
    'r/rollback': ['1.0.0', '2.0.0'],
  });
  const multi = r.catalog.servers.find((s) => s.name === 'r/multi');
  assert.equal(multi?.versions?.[0]?.upstream.description, 'again');
  // Every version deleted: not catalogued, kept whole for /v0.1's include_deleted (its latest first).
  assert.deepEqual(versionsOf({ servers: r.catalog.withdrawn ?? [] }), { 'r/gone': ['1.0.0'] });
  assert.equal(r.catalog.withdrawn?.[0]?.official.status, 'deleted');
  const rollback = r.catalog.servers.find((s) => s.name === 'r/rollback');
  assert.equal((rollback?.versions?.[0]?.registryMeta?.[OFFICIAL] as { status: string }).status, 'deleted');
  assert.equal(r.catalog.servers.find((s) => s.name === 'r/one')?.versions, undefined);
});

test('an invalid older version is reported like any invalid entry and not kept', () => {
  const bad = { ...item('r/multi', '0.9.0'), server: { name: 'r/multi', version: '0.9.0' } };
  const r = read([bad, item('r/multi', '1.0.0', { isLatest: true })]);
  assert.deepEqual(versionsOf(r.catalog), { 'r/multi': ['1.0.0'] });
  assert.deepEqual(
    r.invalid.map((i) => i.entry),
    ['r/multi'],
  );
});

test('storage keeps every version: parseStorage is still the exact inverse of serializeForStorage', () => {
  const catalog = parseRegistryDocument(PAGE, 'upstream').catalog;
  assert.deepEqual(versionsOf(catalog), {
    'io.example/multi': ['1.1.0', '1.0.0'],
    'io.example/npm-only': ['0.3.0'],
  });
  const text = serializeForStorage(catalog);
  assert.deepStrictEqual(parseStorage(text), catalog);
  assert.equal(serializeForStorage(parseStorage(text)), text);
  const stored = JSON.parse(text) as Record<string, Record<string, unknown>>;
  assert.deepEqual(Object.keys(stored), [
    'servers',
    'remote_servers',
    'upstream_servers',
    'upstream_versions',
  ]);
  assert.deepEqual(Object.keys(stored.upstream_versions!), ['io.example/multi']);
  // The times are kept as the source wrote them, microseconds and all.
  assert.match(text, /"publishedAt":"2025-09-01T10:00:00\.123456Z"/);
});

test('a catalog stored before versions were kept still loads, and reads back to the same bytes', () => {
  const old = parseStorage(STORED_BEFORE);
  const now = parseRegistryDocument(PAGE, 'upstream').catalog;
  // The same servers as today's read, without the older versions it never stored.
  assert.deepStrictEqual(old, { ...now, servers: now.servers.map(({ versions: _v, ...s }) => s) });
  assert.equal(serializeForStorage(old), STORED_BEFORE);
});

test('boundVersions keeps the catalogued version and the most recently published others', () => {
  const times = ['2025-01-01T00:00:00.000003Z', '2025-01-01T00:00:00.000001Z', '2025-01-01T00:00:00.000002Z'];
  const r = read([
    item('b/x', '2.0.0', { isLatest: true, publishedAt: '2025-02-01T00:00:00Z' }),
    ...times.map((t, i) => item('b/x', `1.${i}.0`, { publishedAt: t })),
    item('b/y', '1.0.0', { isLatest: true }),
  ]);
  const three = boundVersions(r.catalog, 3);
  assert.deepEqual(versionsOf(three.catalog), { 'b/x': ['2.0.0', '1.0.0', '1.2.0'], 'b/y': ['1.0.0'] });
  assert.deepEqual(three.trimmed, { servers: 1, versions: 1 });
  const one = boundVersions(r.catalog, 1);
  assert.deepEqual(versionsOf(one.catalog), { 'b/x': ['2.0.0'], 'b/y': ['1.0.0'] });
  assert.deepEqual(one.trimmed, { servers: 1, versions: 3 });
  // Within the bound: the very same catalog, nothing reported; the cached parse is never changed.
  assert.equal(boundVersions(r.catalog, 4).catalog, r.catalog);
  assert.equal(boundVersions(r.catalog, 4).trimmed, undefined);
  assert.equal(r.catalog.servers[0]?.versions?.length, 3);
});

const TIMES: [string, bigint | undefined][] = [
  ['1970-01-01T00:00:00Z', 0n],
  ['1970-01-01T00:00:00.089802Z', 89_802_000n],
  ['1970-01-01T00:00:00.0898025Z', 89_802_500n],
  ['1970-01-01T00:00:00.1234567891Z', 123_456_789n], // digits past nanoseconds are cut, as Go does
  ['1970-01-01T01:00:00.5+01:00', 500_000_000n],
  ['1970-01-01t00:00:01z', 1_000_000_000n],
  ['1969-12-31T23:00:00-01:00', 0n],
  ['2025-08-07T13:15:04.280Z', 1_754_572_504_280_000_000n],
  ['2025-08-07 13:15:04Z', undefined],
  ['2025-08-07T13:15:04', undefined],
  ['2025-08-07T13:15:04+24:00', undefined],
  ['2025-13-07T13:15:04Z', undefined],
  ['yesterday', undefined],
];
for (const [text, want] of TIMES)
  test(`timeKey(${JSON.stringify(text)}) = ${String(want)}`, () => assert.equal(timeKey(text), want));

test('a withdrawn server is stored under upstream_versions alone and reads back withdrawn, filters and merges apply', () => {
  const gone = (v: string, latest = false) => item('r/gone', v, { status: 'deleted', isLatest: latest });
  const r = read([
    gone('1.0.0'),
    gone('2.0.0', true),
    gone('1.5.0'),
    item('r/kept', '1.0.0', { isLatest: true }),
  ]);
  assert.deepEqual(versionsOf({ servers: r.catalog.withdrawn ?? [] }), {
    'r/gone': ['2.0.0', '1.0.0', '1.5.0'],
  });
  const text = serializeForStorage(r.catalog);
  const stored = JSON.parse(text) as Record<string, Record<string, { server: { version: string } }[]>>;
  assert.deepEqual(
    stored.upstream_versions!['r/gone']!.map((v) => v.server.version),
    ['2.0.0', '1.0.0', '1.5.0'],
  );
  assert.equal(Object.hasOwn(stored.upstream_servers!, 'r/gone'), false);
  assert.deepStrictEqual(parseStorage(text), r.catalog);
  assert.equal(serializeForStorage(parseStorage(text)), text);
  // A filter that leaves the name out leaves out its deletion too; a source offering it wins.
  assert.equal(filterCatalog(r.catalog, { names: { exclude: ['r/gone'] } }).withdrawn, undefined);
  const offered = read([item('r/gone', '3.0.0', { isLatest: true })]).catalog;
  assert.equal(mergeCatalogs([offered, r.catalog]).catalog.withdrawn, undefined);
  assert.equal(mergeCatalogs([r.catalog]).catalog.withdrawn?.[0]?.name, 'r/gone');
  // The bound applies to a withdrawn server's versions as to any other.
  assert.deepEqual(boundVersions(r.catalog, 2).trimmed, { servers: 1, versions: 1 });
});
