/**
 * Catalog page core, issue #32: multi-word search over everything the page shows, name matches first,
 * facet values in a stable order, no made-up facts (placeholder versions, converted tiers and statuses,
 * load-time dates), provenance and permissions as the entry states them, and which /servers/ paths 404.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { emptyQuery, facetOrder, facetValues, indexServers, runQuery } from '../../../src/ui/core/query.ts';
import { buildDetail, imageTag } from '../../../src/ui/core/detail.ts';
import {
  catalogSummary,
  findServer,
  summarize,
  type ServerSummary,
  type SummaryEntry,
} from '../../../src/ui/core/summary.ts';
import { networkSentence, permissionsOf, provenanceOf } from '../../../src/ui/core/trust.ts';
import { serverPageMissing } from '../../../src/ui/server/route.ts';

const S = (name: string, o: Partial<ServerSummary> = {}): ServerSummary => ({
  name,
  description: '',
  status: 'Active',
  tags: [],
  ...o,
});
const servers = [
  S('aws-docs', { description: 'AWS documentation', tags: ['aws', 'docs'] }),
  S('github', { fullName: 'io.github.stacklok/github', description: 'GitHub API', tags: ['git'] }),
  S('pg', { title: 'PostgreSQL', description: 'Query a database', tags: ['database', 'sql'] }),
  S('postgres-tools', { description: 'Tools for sql', tags: ['database'] }),
  S('zeta', { description: 'mentions postgres in passing; sql too', tags: ['database'] }),
];
const names = (q: string, sort: 'name' | 'stars' = 'name') =>
  runQuery(indexServers(servers), { ...emptyQuery(), q, sort }).matches.map((s) => s.name);

test('search: every word must match somewhere the page shows; servers named by every word come first', () => {
  const cases: [string, string[]][] = [
    ['database', ['pg', 'postgres-tools', 'zeta']], // the tag counts, not only name and description
    ['postgres sql', ['pg', 'postgres-tools', 'zeta']], // AND, across fields (pg: title PostgreSQL)
    ['sql postgres', ['pg', 'postgres-tools', 'zeta']], // word order does not matter
    ['postgres', ['postgres-tools', 'pg', 'zeta']], // named by it: first
    ['tools sql', ['postgres-tools']],
    ['postgresql', ['pg']], // the title
    ['io.github.stacklok/github', ['github']], // the full name shown on the card
    ['stacklok/', ['github']],
    ['stacklok', []], // a plain word does not search namespaces, or every ToolHive entry would match
    ['  GITHUB   api ', ['github']],
    ['docs aws', ['aws-docs']],
    ['aws sql', []],
    ['', servers.map((s) => s.name)],
  ];
  for (const [q, want] of cases) assert.deepEqual(names(q), want, q);
});

test('search: name matches are ranked first only in name order; an explicit sort wins', () => {
  const starred = [
    S('a', { description: 'about sql', stars: 9 }),
    S('sql-b', { stars: 1 }),
    S('c', { tags: ['sql'], stars: 5 }),
  ];
  const run = (sort: 'name' | 'stars') =>
    runQuery(indexServers(starred), { ...emptyQuery(), q: 'sql', sort }).matches.map((s) => s.name);
  assert.deepEqual(run('name'), ['sql-b', 'a', 'c']);
  assert.deepEqual(run('stars'), ['a', 'c', 'sql-b']);
});

test('facet values keep their whole-catalog order when a value is checked', () => {
  const index = indexServers(servers);
  const order = facetOrder(index);
  const before = facetValues(runQuery(index, emptyQuery()).facets.tags, [], order.tags).map(([v]) => v);
  assert.deepEqual(before, ['database', 'aws', 'docs', 'git', 'sql']);
  const q = { ...emptyQuery(), tags: ['sql'] };
  const after = facetValues(runQuery(index, q).facets.tags, q.tags, order.tags);
  // Only pg has sql: its tags keep their order from before (sql was last), not re-sorted by the new counts.
  assert.deepEqual(after, [
    ['database', 1],
    ['sql', 1],
  ]);
  // Where the counts under a selection would re-sort them (y and z outnumber x once z is checked).
  const xyz = indexServers([
    S('s1', { tags: ['x'] }),
    S('s2', { tags: ['x'] }),
    S('s4', { tags: ['x', 'y', 'z'] }),
    S('s5', { tags: ['y', 'z'] }),
  ]);
  const z = { ...emptyQuery(), tags: ['z'] };
  assert.deepEqual(facetValues(runQuery(xyz, z).facets.tags, z.tags, facetOrder(xyz).tags), [
    ['x', 1],
    ['y', 2],
    ['z', 2],
  ]);
  // A selected value no server has any more still appears (at zero), so it can be unchecked.
  assert.deepEqual(facetValues(new Map(), ['gone'], order.tags), [['gone', 0]]);
});

const entry = (o: Partial<SummaryEntry>): SummaryEntry => ({
  name: 'x',
  description: 'd',
  tags: [],
  toolhive: {},
  server: {},
  meta: {},
  updatedAt: '2026-12-07T10:00:00.000Z',
  ...o,
});
const LOADED = '2026-12-07T10:00:00.000Z';

test('summary: an upstream entry gets no converted tier/status and no load-time date; a ToolHive one keeps its data', () => {
  const converted = { tier: 'Community', status: 'Active', metadata: {} };
  const official = { 'io.modelcontextprotocol.registry/official': { status: 'active' } };
  const cases: [string, SummaryEntry, 'toolhive' | 'upstream', Partial<ServerSummary>][] = [
    [
      'upstream, no extension',
      entry({ toolhive: converted, meta: official, server: { name: 'io.x/x' } }),
      'upstream',
      { tier: undefined, status: undefined, updatedAt: undefined, fullName: 'io.x/x' },
    ],
    [
      'upstream, deprecated by the registry',
      entry({
        toolhive: converted,
        meta: { 'io.modelcontextprotocol.registry/official': { status: 'deprecated' } },
        updatedAt: '2025-01-02T00:00:00.000Z',
      }),
      'upstream',
      { tier: undefined, status: 'Deprecated', updatedAt: '2025-01-02T00:00:00.000Z' },
    ],
    [
      'toolhive',
      entry({
        toolhive: { tier: 'Official', status: 'Active', metadata: { last_updated: '2025-10-18T02:26:51Z' } },
      }),
      'toolhive',
      { tier: 'Official', status: 'Active', updatedAt: '2025-10-18T02:26:51Z' },
    ],
  ];
  for (const [what, e, format, want] of cases) {
    const s = catalogSummary({ name: 'r', serverCount: 1, format }, [e], LOADED).servers[0]!;
    for (const [k, v] of Object.entries(want)) assert.equal(s[k as keyof ServerSummary], v, `${what}: ${k}`);
  }
  assert.equal(summarize(entry({ server: { name: 'x' } })).fullName, undefined, 'same name, no full name');
});

test('findServer: by catalog key, else by full upstream name', () => {
  assert.equal(findServer(servers, 'github')?.name, 'github');
  assert.equal(findServer(servers, 'io.github.stacklok/github')?.name, 'github');
  assert.equal(findServer(servers, 'io.github.stacklok/nope'), undefined);
});

test('detail: a ToolHive entry shows its image tag, never the converter placeholder version', () => {
  const th = { image: 'ghcr.io/github/github-mcp-server:v0.19.1', transport: 'stdio' };
  const up = {
    server: {
      name: 'io.github.stacklok/github',
      version: '1.0.0',
      packages: [{ registryType: 'oci', identifier: th.image, transport: { type: 'stdio' } }],
    },
  };
  const d = buildDetail('github', th, up, { format: 'toolhive' });
  assert.equal(d.version, undefined);
  assert.equal(d.imageTag, 'v0.19.1');
  assert.equal(d.packages[0]!.version, 'v0.19.1');
  assert.equal(buildDetail('github', th, up, { format: 'upstream' }).version, '1.0.0');
  const cases: [string | undefined, string | undefined][] = [
    ['ghcr.io/x/y:v1', 'v1'],
    ['localhost:5000/x/y', undefined],
    ['x/y@sha256:abc', undefined],
    ['y', undefined],
    [undefined, undefined],
  ];
  for (const [ref, tag] of cases) assert.equal(imageTag(ref), tag, String(ref));
});

test('provenance and permissions as the entry states them', () => {
  assert.deepEqual(
    provenanceOf({ repository_uri: 'https://github.com/x/y', cert_issuer: 'https://token', junk: 1 })?.fields,
    [
      ['Source repository', 'https://github.com/x/y'],
      ['Certificate issuer', 'https://token'],
    ],
  );
  assert.equal(provenanceOf({}), undefined);
  assert.equal(provenanceOf('x'), undefined);
  const p = permissionsOf({ network: { outbound: { allow_host: ['.github.com'], allow_port: [443] } } });
  assert.equal(networkSentence(p!.network!), '.github.com on port 443');
  const cases: [unknown, string | undefined][] = [
    [{ network: { outbound: { insecure_allow_all: true } } }, 'Any host (insecure_allow_all)'],
    [{ network: { outbound: { allow_host: ['a', 'b'], allow_port: [80, 443] } } }, 'a, b on ports 80, 443'],
    [{ network: { outbound: {} } }, 'No hosts listed'],
    [{}, undefined],
  ];
  for (const [v, want] of cases) {
    const n = permissionsOf(v)?.network;
    assert.equal(n && networkSentence(n), want);
  }
  assert.deepEqual(permissionsOf({ read: ['/data'], write: [] }), { read: ['/data'], write: [] });
});

test('/servers/<name> is missing unless the snapshot has it by key or full name', () => {
  const snap = {
    info: { name: 'r', serverCount: 1 },
    entries: [entry({ name: 'github', server: { name: 'io.github.stacklok/github' } })],
  };
  const cases: [string, boolean][] = [
    ['/servers/github', false],
    ['/servers/io.github.stacklok%2Fgithub', false],
    ['/servers/io.github.stacklok/github', false],
    ['/servers/nope', true],
    ['/servers/%E0%A4%A', true],
    ['/', false],
  ];
  for (const [path, missing] of cases) assert.equal(serverPageMissing(snap, path), missing, path);
  assert.equal(serverPageMissing(undefined, '/servers/nope'), false, 'not loaded yet: not known missing');
});
