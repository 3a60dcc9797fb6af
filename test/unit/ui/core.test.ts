/** The catalog page's pure core: query URLs, search and facet semantics, detail model, snippets. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import {
  emptyQuery,
  indexServers,
  pageOf,
  parseQuery,
  queryString,
  runQuery,
  PAGE_SIZE,
} from '../../../src/ui/core/query.ts';
import { buildDetail, safeHref, type Detail } from '../../../src/ui/core/detail.ts';
import { configKey, shellQuote, thvRunCommand } from '../../../src/ui/core/snippets.ts';
import { installChoices, installPanels, type InstallChoice } from '../../../src/ui/core/install.ts';
import { displayStatus, type ServerSummary } from '../../../src/ui/core/summary.ts';

const S = (name: string, o: Partial<ServerSummary> = {}): ServerSummary => ({
  name,
  description: '',
  status: 'Active',
  tags: [],
  ...o,
});
const servers = [
  S('a-db', {
    description: 'Postgres access',
    tier: 'Official',
    transport: 'stdio',
    tags: ['database', 'sql'],
  }),
  S('b-git', { description: 'Git tools', tier: 'Community', transport: 'sse', tags: ['git'] }),
  S('c-old', {
    description: 'old DB',
    tier: 'Community',
    transport: 'stdio',
    status: 'Deprecated',
    tags: ['database'],
  }),
];
const run = (q: Partial<ReturnType<typeof emptyQuery>>) =>
  runQuery(indexServers(servers), { ...emptyQuery(), ...q });

test('a query survives the URL round trip, and junk parameters fall back to defaults', () => {
  const arb = fc.record({
    q: fc.string(),
    tags: fc.uniqueArray(fc.string({ minLength: 1 })),
    tier: fc.uniqueArray(fc.string({ minLength: 1 })),
    transport: fc.uniqueArray(fc.string({ minLength: 1 })),
    status: fc.uniqueArray(fc.string({ minLength: 1 })),
    sort: fc.constantFrom('name' as const, 'stars' as const, 'updated' as const),
    page: fc.integer({ min: 1, max: 10_000 }),
  });
  fc.assert(
    fc.property(arb, (q) => assert.deepEqual(parseQuery(new URLSearchParams(queryString(q))), { ...q })),
  );
  assert.deepEqual(parseQuery(new URLSearchParams('sort=bogus&page=-3&page=x')), emptyQuery());
  assert.equal(queryString(emptyQuery()), '');
});

test('a one-word search is a case-insensitive substring (of name, description, title, tags, full name)', () => {
  assert.deepEqual(
    run({ q: 'DB' }).matches.map((s) => s.name),
    ['a-db', 'c-old'],
  );
  assert.deepEqual(
    run({ q: 'git' }).matches.map((s) => s.name),
    ['b-git'],
  );
  assert.deepEqual(run({ q: 'nothing' }).matches, []);
});

test('tags are all-of; tier/transport/status any-of with counts that ignore their own selection', () => {
  assert.deepEqual(
    run({ tags: ['database', 'sql'] }).matches.map((s) => s.name),
    ['a-db'],
  );
  const r = run({ tier: ['Community'] });
  assert.deepEqual(
    r.matches.map((s) => s.name),
    ['b-git', 'c-old'],
  );
  assert.deepEqual(
    [...r.facets.tier],
    [
      ['Official', 1],
      ['Community', 2],
    ],
  );
  assert.deepEqual(
    [...r.facets.transport],
    [
      ['sse', 1],
      ['stdio', 1],
    ],
  );
  assert.deepEqual(r.facets.tags.get('database'), 1);
  assert.deepEqual(
    run({ status: ['Deprecated'] }).matches.map((s) => s.name),
    ['c-old'],
  );
});

test('pages hold PAGE_SIZE items and a page past the end shows the last one', () => {
  const items = Array.from({ length: PAGE_SIZE * 2 + 3 }, (_, i) => i);
  assert.equal(pageOf(items, 1).length, PAGE_SIZE);
  assert.deepEqual(pageOf(items, 99), [PAGE_SIZE * 2, PAGE_SIZE * 2 + 1, PAGE_SIZE * 2 + 2]);
});

test('status words are normalised for display', () => {
  assert.equal(displayStatus('DEPRECATED'), 'Deprecated');
  assert.equal(displayStatus(undefined), 'Active');
  assert.equal(displayStatus('active'), 'Active');
});

test('detail: upstream packages and remotes with headers, ToolHive env vars and tool definitions', () => {
  const d = buildDetail(
    'x',
    {
      description: 'd',
      env_vars: [
        { name: 'TOKEN', required: true, secret: true },
        { name: 'MODE', default: 'fast' },
      ],
      tool_definitions: [{ name: 't1', description: 'does t1' }],
      tools: ['t0'],
    },
    {
      server: {
        name: 'io.github.org/x',
        version: '2.1.0',
        packages: [
          { registryType: 'npm', identifier: '@org/x', version: '2.1.0', transport: { type: 'stdio' } },
        ],
        remotes: [
          {
            type: 'sse',
            url: 'https://x.example/sse',
            headers: [{ name: 'X-Key', isRequired: true, isSecret: true }],
          },
        ],
      },
      _meta: {
        'io.modelcontextprotocol.registry/official': { status: 'deprecated', statusMessage: 'use y' },
      },
    },
  );
  assert.equal(d.status, 'Deprecated');
  assert.equal(d.statusMessage, 'use y');
  assert.deepEqual(d.tools, [{ name: 't0' }, { name: 't1', description: 'does t1' }]);
  assert.deepEqual(d.env, [
    { name: 'TOKEN', required: true, secret: true },
    { name: 'MODE', required: false, secret: false, default: 'fast' },
  ]);
  assert.deepEqual(d.remotes[0]!.headers, [{ name: 'X-Key', required: true, secret: true }]);
  assert.equal(d.transport, 'stdio');
  // The install panels over this detail (src/ui/core/install.ts): required variables only, no secret as "".
  const npm = installChoices(d).find((c) => c.source.kind === 'package');
  assert.deepEqual(cursorEntry(d, npm), {
    command: 'npx',
    args: ['-y', '@org/x@2.1.0'],
    env: { TOKEN: '${env:TOKEN}' },
  });
});

function cursorEntry(d: Detail, choice: InstallChoice | undefined): unknown {
  const panel = installPanels(d, choice, 'https://registry.example').find((p) => p.id === 'cursor');
  return (JSON.parse(panel?.text ?? '{}') as { mcpServers?: Record<string, unknown> }).mcpServers?.[
    configKey(d.name)
  ];
}

test('snippets: remote config by URL and headers; pypi via uvx; names quoted for the shell', () => {
  const remote = buildDetail(
    'io.github.org/r',
    {
      url: 'https://r.example/mcp',
      transport: 'streamable-http',
      headers: [{ name: 'Authorization', required: true }],
    },
    undefined,
  );
  assert.deepEqual(cursorEntry(remote, installChoices(remote)[0]), {
    url: 'https://r.example/mcp',
    headers: { Authorization: '${env:Authorization}' },
  });
  const py = buildDetail('p', undefined, {
    server: { packages: [{ registryType: 'pypi', identifier: 'p-mcp', version: '1.0' }] },
  });
  assert.deepEqual(cursorEntry(py, installChoices(py)[0]), { command: 'uvx', args: ['p-mcp==1.0'] });
  assert.equal(thvRunCommand('fetch'), 'thv run fetch');
  assert.equal(shellQuote("it's; rm"), `'it'\\''s; rm'`);
});

test('only http(s) URLs become links', () => {
  assert.equal(safeHref('https://github.com/x'), 'https://github.com/x');
  assert.equal(safeHref('javascript:alert(1)'), undefined);
  assert.equal(safeHref('data:text/html,x'), undefined);
  assert.equal(safeHref('not a url'), undefined);
});
