import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import {
  GlobError,
  catalogOf,
  filterCatalog,
  filterHash,
  globMatch,
  makeCatalogServer,
  mergeCatalogs,
  parseGlob,
  type Catalog,
  type FilterSpec,
} from '../../../src/registry/index.ts';

const server = (name: string, tags: string[] = [], extra: Record<string, unknown> = {}) =>
  makeCatalogServer({
    name,
    kind: 'container',
    toolhive: {
      description: `${name} server`,
      tier: 'Community',
      status: 'Active',
      transport: 'stdio',
      tools: ['t'],
      image: `x/${name}:1`,
      ...(tags.length > 0 && { tags }),
      ...extra,
    },
  });

const globRows: [string, string, boolean][] = [
  ['*', 'anything/at/all', true],
  ['io.github.*', 'io.github.user/weather', true],
  ['io.github.*', 'io.gitlab.user/weather', false],
  ['*/weather', 'io.github.user/weather', true],
  ['*weather', 'io.github.user/weather', true],
  ['fetch', 'fetch', true],
  ['fetch', 'fetcher', false],
  ['fetch', 'Fetch', false],
  ['fe?ch', 'fetch', true],
  ['fe?ch', 'fe/ch', true],
  ['fe?ch', 'fech', false],
  ['[abc]*', 'brave-search', true],
  ['[abc]*', 'fetch', false],
  ['[a-c]*', 'context7', true],
  ['[!a-c]*', 'context7', false],
  ['[^a-c]*', 'fetch', true],
  ['[]]x', ']x', true],
  ['a\\*b', 'a*b', true],
  ['a\\*b', 'axb', false],
  ['a.b', 'axb', false],
  ['(x)+', '(x)+', true],
  ['', '', true],
  ['', 'a', false],
];

for (const [pattern, name, expected] of globRows) {
  test(`glob ${JSON.stringify(pattern)} ${expected ? 'matches' : 'does not match'} ${JSON.stringify(name)}`, () => {
    assert.equal(globMatch(pattern, name), expected);
  });
}

test('glob errors are precise', () => {
  assert.deepEqual(parseGlob('abc[de'), { ok: false, error: 'unclosed [ at position 4' });
  assert.deepEqual(parseGlob('[z-a]'), { ok: false, error: 'invalid class [z-a] at position 1' });
  assert.deepEqual(parseGlob('abc\\'), { ok: false, error: 'trailing \\ escapes nothing' });
  assert.throws(() => globMatch('x[', 'x'), new GlobError('invalid glob "x[": unclosed [ at position 2'));
});

test('a glob without metacharacters matches exactly itself (property)', () => {
  fc.assert(
    fc.property(
      fc.stringMatching(/^[a-z0-9./-]{0,20}$/),
      fc.stringMatching(/^[a-z0-9./-]{0,20}$/),
      (p, n) => {
        assert.equal(globMatch(p, n), p === n);
        assert.equal(globMatch(`${p}*`, `${p}${n}`), true);
      },
    ),
    { numRuns: 1000 },
  );
});

const catalog: Catalog = catalogOf([
  server('fetch', ['web', 'http']),
  server('github', ['git', 'api']),
  server('gitlab', ['git']),
  server('postgres', ['db', 'deprecated']),
  server('untagged'),
  makeCatalogServer({
    name: 'io.github.user/weather',
    kind: 'upstream-only',
    upstream: { name: 'io.github.user/weather', description: 'w', version: '1' },
  }),
]);

const filterRows: [string, FilterSpec | undefined, string[]][] = [
  [
    'no filter keeps everything',
    undefined,
    ['fetch', 'github', 'gitlab', 'io.github.user/weather', 'postgres', 'untagged'],
  ],
  [
    'an empty filter keeps everything',
    {},
    ['fetch', 'github', 'gitlab', 'io.github.user/weather', 'postgres', 'untagged'],
  ],
  [
    'empty include lists are not exclusive',
    { names: { include: [] }, tags: { include: [] } },
    ['fetch', 'github', 'gitlab', 'io.github.user/weather', 'postgres', 'untagged'],
  ],
  ['name include is exclusive', { names: { include: ['git*'] } }, ['github', 'gitlab']],
  ['* crosses /', { names: { include: ['io.github.u*'] } }, ['io.github.user/weather']],
  [
    'ToolHive servers match by their full upstream name io.github.stacklok/… too',
    { names: { include: ['io.github.stacklok/*'] } },
    ['fetch', 'github', 'gitlab', 'postgres', 'untagged'],
  ],
  ['name exclude', { names: { exclude: ['git*', 'io.github.user/*'] } }, ['fetch', 'postgres', 'untagged']],
  [
    'a pattern matching every upstream name keeps every server',
    { names: { include: ['io.*'] } },
    ['fetch', 'github', 'gitlab', 'io.github.user/weather', 'postgres', 'untagged'],
  ],
  ['exclude wins over include', { names: { include: ['git*'], exclude: ['gitlab'] } }, ['github']],
  [
    'tag include keeps servers with any of the tags',
    { tags: { include: ['git', 'db'] } },
    ['github', 'gitlab', 'postgres'],
  ],
  ['tags are exact and case-sensitive', { tags: { include: ['Git', 'gi'] } }, []],
  ['a server without tags fails a non-empty tag include', { tags: { include: ['web'] } }, ['fetch']],
  [
    'tag exclude',
    { tags: { exclude: ['deprecated'] } },
    ['fetch', 'github', 'gitlab', 'io.github.user/weather', 'untagged'],
  ],
  [
    'tag exclude wins over tag include',
    { tags: { include: ['db', 'git'], exclude: ['deprecated'] } },
    ['github', 'gitlab'],
  ],
  ['names and tags are ANDed', { names: { include: ['g*'] }, tags: { include: ['api'] } }, ['github']],
  [
    'name exclude wins over tag include',
    { names: { exclude: ['github'] }, tags: { include: ['git'] } },
    ['gitlab'],
  ],
];

for (const [name, filter, expected] of filterRows) {
  test(`filter: ${name}`, () => {
    const out = filterCatalog(catalog, filter);
    assert.deepEqual(
      out.servers.map((s) => s.name),
      expected,
    );
  });
}

test('filterCatalog keeps meta and groups and never changes its input', () => {
  const withMeta: Catalog = { ...catalog, meta: { version: '1.0.0' }, groups: [{ name: 'g' }] };
  const before = structuredClone(withMeta);
  const out = filterCatalog(withMeta, { names: { include: ['fetch'] } });
  assert.deepEqual(out.meta, { version: '1.0.0' });
  assert.deepEqual(out.groups, [{ name: 'g' }]);
  assert.deepStrictEqual(withMeta, before);
});

test('filterHash: stable, order-sensitive across filters, insensitive to key order, absent ≠ empty', () => {
  const a: FilterSpec = { names: { include: ['a'], exclude: ['b'] } };
  const aReordered: FilterSpec = { names: { exclude: ['b'], include: ['a'] } };
  assert.match(filterHash(a), /^[0-9a-f]{64}$/);
  assert.equal(filterHash(a), filterHash(aReordered));
  assert.equal(filterHash(a, undefined), filterHash(aReordered, undefined));
  assert.notEqual(filterHash(a, undefined), filterHash(undefined, a));
  assert.notEqual(filterHash(undefined), filterHash({}));
  assert.notEqual(filterHash(a), filterHash({ names: { include: ['a'] } }));
  assert.equal(filterHash(), filterHash());
});

test('merge: the later source wins on a duplicate name, and every override counts as a conflict', () => {
  const first = catalogOf([server('fetch', ['v1']), server('github')], {
    version: '1.0.0',
    lastUpdated: '2026-01-01T00:00:00Z',
  });
  const second = catalogOf([server('fetch', ['v2']), server('gitlab')], {
    lastUpdated: '2026-03-01T00:00:00Z',
  });
  const third = catalogOf([server('fetch', ['v3']), server('github', ['again'])]);
  const { catalog: merged, conflicts } = mergeCatalogs([first, second, third]);
  assert.equal(conflicts, 3);
  assert.deepEqual(
    merged.servers.map((s) => [s.name, s.tags]),
    [
      ['fetch', ['v3']],
      ['github', ['again']],
      ['gitlab', []],
    ],
  );
  assert.deepEqual(merged.meta, { version: '1.0.0', lastUpdated: '2026-03-01T00:00:00Z' });
});

test('merge: no parts, one part, disjoint parts', () => {
  assert.deepStrictEqual(mergeCatalogs([]), { catalog: { servers: [] }, conflicts: 0 });
  const one = catalogOf([server('b'), server('a')]);
  assert.deepStrictEqual(mergeCatalogs([one]), { catalog: one, conflicts: 0 });
  const { catalog: merged, conflicts } = mergeCatalogs([
    catalogOf([server('zed')]),
    catalogOf([server('abc')]),
  ]);
  assert.equal(conflicts, 0);
  assert.deepEqual(
    merged.servers.map((s) => s.name),
    ['abc', 'zed'],
  );
});

test('merge then filter: the filter applies to the merged catalog (SPEC §1.2)', () => {
  const { catalog: merged } = mergeCatalogs([
    catalogOf([server('fetch', ['web'])]),
    catalogOf([server('fetch', ['old'])]),
  ]);
  assert.deepEqual(filterCatalog(merged, { tags: { include: ['web'] } }).servers, []);
});

test('name filters match the full upstream name as well as the short catalog name (fixtures)', async () => {
  const { readFileSync } = await import('node:fs');
  const { resolve } = await import('node:path');
  const { parseRegistryDocument } = await import('../../../src/registry/index.ts');
  const text = readFileSync(
    resolve(import.meta.dirname, '../../fixtures/toolhive-registry/registry-2025-10-22.json'),
    'utf8',
  );
  const raw = JSON.parse(text) as { servers: object; remote_servers: object };
  const keys = [...Object.keys(raw.servers), ...Object.keys(raw.remote_servers)];
  const catalog = parseRegistryDocument(text, 'toolhive').catalog;
  const kept = (filter: FilterSpec) => filterCatalog(catalog, filter).servers.map((s) => s.name);
  // Every ToolHive server is io.github.stacklok/<name> upstream.
  assert.deepEqual(kept({ names: { include: ['io.github.stacklok/*'] } }), [...keys].sort());
  assert.ok(keys.length > 80);
  assert.deepEqual(kept({ names: { include: ['io.github.stacklok/fetch'] } }), ['fetch']);
  assert.deepEqual(kept({ names: { include: ['fetch'] } }), ['fetch']);
  const withoutFetch = kept({
    names: { include: ['io.github.stacklok/*'], exclude: ['io.github.stacklok/fetch'] },
  });
  assert.deepEqual(withoutFetch, keys.filter((k) => k !== 'fetch').sort());
  assert.deepEqual(kept({ names: { include: ['io.github.other/*'] } }), []);

  // Mixed with upstream servers of other namespaces, which have one name only.
  const upstream = parseRegistryDocument(
    JSON.stringify([
      {
        name: 'io.github.user/weather',
        description: 'w',
        version: '1.0.0',
        remotes: [{ type: 'sse', url: 'https://w' }],
      },
      {
        name: 'io.github.stacklok/fetch',
        description: 'f',
        version: '1.0.0',
        remotes: [{ type: 'sse', url: 'https://f' }],
      },
    ]),
    'upstream',
  ).catalog;
  const names = (f: FilterSpec) => filterCatalog(upstream, f).servers.map((s) => [s.name, s.upstreamName]);
  assert.deepEqual(names({ names: { include: ['io.github.*'] } }), [
    ['fetch', 'io.github.stacklok/fetch'],
    ['io.github.user/weather', 'io.github.user/weather'],
  ]);
  assert.deepEqual(names({ names: { include: ['io.github.stacklok/*'] } }), [
    ['fetch', 'io.github.stacklok/fetch'],
  ]);
  assert.deepEqual(names({ names: { exclude: ['*/fetch'] } }), [
    ['io.github.user/weather', 'io.github.user/weather'],
  ]);
});
