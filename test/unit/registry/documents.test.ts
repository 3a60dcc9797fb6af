import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { resolve } from 'node:path';
import {
  DocumentError,
  parseRegistryDocument,
  toToolhiveServer,
  toUpstreamServerResponse,
  unrepresentableIn,
  validateEntry,
  writeRegistry,
} from '../../../src/registry/index.ts';
import { FIXTURES, fixtureText } from './fixtures.ts';

const CATALOG = 'toolhive-registry/registry-2025-10-22.json';

test('the full ToolHive catalog: 88 servers, all valid, every one valid upstream, and back equal to the original', () => {
  const text = fixtureText(CATALOG);
  const parsed = parseRegistryDocument(text, 'auto');
  assert.equal(parsed.format, 'toolhive');
  assert.deepEqual(parsed.invalid, []);
  assert.equal(parsed.catalog.servers.length, 88);
  assert.equal(parsed.catalog.servers.filter((s) => s.kind === 'remote').length, 20);
  for (const s of parsed.catalog.servers) {
    const { server } = toUpstreamServerResponse(s);
    assert.equal(validateEntry('upstream', server), undefined, `${s.name} is not a valid server.json`);
  }
  const upstream = writeRegistry(parsed.catalog, 'upstream');
  const again = parseRegistryDocument(upstream, 'auto');
  assert.equal(again.format, 'upstream');
  assert.deepEqual(again.invalid, []);
  assert.deepEqual(again.unrepresentable, []);
  assert.deepStrictEqual(JSON.parse(writeRegistry(again.catalog, 'toolhive')), JSON.parse(text));
});

test('the ToolHive wrapper written for upstream has the documented envelope', () => {
  const parsed = parseRegistryDocument(fixtureText(CATALOG), 'toolhive');
  const doc = JSON.parse(writeRegistry(parsed.catalog, 'upstream')) as Record<string, unknown>;
  assert.deepEqual(Object.keys(doc), ['$schema', 'version', 'meta', 'data']);
  assert.equal(doc.version, '1.0.0');
  assert.deepEqual(doc.meta, { last_updated: '2025-10-22T00:18:33Z' });
  assert.equal((doc.data as { servers: unknown[] }).servers.length, 88);
});

const invalidExamples: Record<string, { entry: string; field: string; reason: string }> = {
  'bad-name-pattern.json': {
    entry: 'no-namespace-separator',
    field: 'name',
    reason: 'must match ^[a-zA-Z0-9.-]+/[a-zA-Z0-9._-]+$',
  },
  'description-too-long.json': {
    entry: 'io.github.user/verbose',
    field: 'description',
    reason: 'must be at most 100 characters',
  },
  'missing-name.json': { entry: '(document)', field: 'name', reason: 'required' },
  'package-version-latest.json': {
    entry: 'io.github.user/bad-version',
    field: 'packages[0].version',
    reason: 'must not be "latest"',
  },
  'positional-argument-missing-value.json': {
    entry: 'io.github.user/bad-argument',
    field: 'packages[0].packageArguments[0]',
    reason: 'must have one of: valueHint, value',
  },
};

test('every invalid upstream example gives exactly one precise error', () => {
  const files = readdirSync(resolve(FIXTURES, 'upstream-server-json/examples/invalid')).sort();
  assert.deepEqual(files, Object.keys(invalidExamples).sort());
  for (const file of files) {
    const r = parseRegistryDocument(fixtureText(`upstream-server-json/examples/invalid/${file}`), 'upstream');
    assert.deepStrictEqual(r.invalid, [invalidExamples[file]], file);
    assert.deepEqual(r.catalog.servers, [], file);
  }
});

test('the invalid examples in one JSON array: each skipped with its own reason, the valid ones kept', () => {
  const dir = 'upstream-server-json/examples';
  const names = [
    'valid/minimal.json',
    'invalid/missing-name.json',
    'valid/with-remote.json',
    'invalid/bad-name-pattern.json',
  ];
  const r = parseRegistryDocument(`[${names.map((n) => fixtureText(`${dir}/${n}`)).join(',')}]`, 'auto');
  assert.deepStrictEqual(r.invalid, [
    { entry: '[1]', field: 'name', reason: 'required' },
    { entry: 'no-namespace-separator', field: 'name', reason: 'must match ^[a-zA-Z0-9.-]+/[a-zA-Z0-9._-]+$' },
  ]);
  assert.deepEqual(
    r.catalog.servers.map((s) => [s.name, s.kind]),
    [
      ['io.github.user/remote-weather', 'remote'],
      ['io.github.user/weather', 'upstream-only'],
    ],
  );
});

test('valid upstream examples: what ToolHive cannot express is kept for upstream output and reported', () => {
  const dir = 'upstream-server-json/examples/valid';
  const items = ['minimal.json', 'with-package.json', 'with-remote.json'].map((f) => ({
    server: JSON.parse(fixtureText(`${dir}/${f}`)) as unknown,
  }));
  const page = JSON.stringify({ servers: items, metadata: { count: 3 } });
  const r = parseRegistryDocument(page, 'upstream');
  assert.deepEqual(r.invalid, []);
  assert.deepEqual(r.unrepresentable, [
    'io.github.user/weather: no packages and no remotes',
    'io.github.user/local-weather: npm package(s) only; ToolHive can express OCI images and remotes',
  ]);
  const byName = new Map(r.catalog.servers.map((s) => [s.name, s]));
  // Upstream output is the server.json as read, byte for byte equal in content.
  for (const item of items) {
    const name = (item.server as { name: string }).name;
    assert.deepStrictEqual(toUpstreamServerResponse(byName.get(name)!).server, item.server);
  }
  assert.equal(toToolhiveServer(byName.get('io.github.user/local-weather')!), undefined);
  assert.deepStrictEqual(toToolhiveServer(byName.get('io.github.user/remote-weather')!), {
    name: 'io.github.user/remote-weather',
    title: 'Remote Weather',
    description: 'Remote MCP server reachable over streamable HTTP.',
    repository_url: 'https://github.com/modelcontextprotocol/servers',
    status: 'Active',
    tier: 'Community',
    tools: [],
    url: 'https://{host}/mcp',
    transport: 'streamable-http',
    headers: [{ name: 'Authorization', required: true, secret: true }],
  });
  assert.deepEqual(unrepresentableIn(r.catalog, 'toolhive'), [
    'io.github.user/local-weather: not expressible in the ToolHive format, left out',
    'io.github.user/weather: not expressible in the ToolHive format, left out',
  ]);
  const thv = JSON.parse(writeRegistry(r.catalog, 'toolhive')) as { servers: object; remote_servers: object };
  assert.deepEqual(Object.keys(thv.servers), []);
  assert.deepEqual(Object.keys(thv.remote_servers), ['io.github.user/remote-weather']);
});

test('an API page: registry _meta is kept, deleted servers are dropped, the latest of several versions wins', () => {
  const official = (status: string, isLatest: boolean) => ({
    'io.modelcontextprotocol.registry/official': {
      status,
      isLatest,
      publishedAt: '2026-01-01T00:00:00Z',
      updatedAt: '2026-02-01T00:00:00Z',
    },
  });
  const srv = (name: string, version: string) => ({
    name,
    description: 'd',
    version,
    remotes: [{ type: 'sse', url: 'https://x' }],
  });
  const page = {
    servers: [
      { server: srv('com.example/a', '2.0.0'), _meta: official('active', true) },
      { server: srv('com.example/a', '1.0.0'), _meta: official('active', false) },
      { server: srv('com.example/gone', '1.0.0'), _meta: official('deleted', true) },
    ],
    metadata: { count: 3 },
  };
  const r = parseRegistryDocument(JSON.stringify(page), 'auto');
  assert.deepEqual(
    r.catalog.servers.map((s) => [s.name, s.version, s.official, s.lastUpdated]),
    [
      [
        'com.example/a',
        '2.0.0',
        { status: 'active', publishedAt: '2026-01-01T00:00:00Z', updatedAt: '2026-02-01T00:00:00Z' },
        '2026-02-01T00:00:00Z',
      ],
    ],
  );
  // The official block is the serving registry's to write; the source's stays in registryMeta.
  assert.deepStrictEqual(toUpstreamServerResponse(r.catalog.servers[0]!), {
    server: page.servers[0]!.server,
  });
  assert.deepStrictEqual(r.catalog.servers[0]!.registryMeta, page.servers[0]!._meta);
  const withOther = parseRegistryDocument(
    JSON.stringify({
      servers: [
        {
          server: srv('com.example/b', '1.0.0'),
          _meta: { ...official('active', true), 'com.example/x': { y: 1 } },
        },
      ],
    }),
    'upstream',
  );
  assert.deepStrictEqual(toUpstreamServerResponse(withOther.catalog.servers[0]!)._meta, {
    'com.example/x': { y: 1 },
  });
  const deprecated = parseRegistryDocument(
    JSON.stringify({
      servers: [{ server: srv('com.example/old', '1.0.0'), _meta: official('deprecated', true) }],
    }),
    'upstream',
  );
  assert.equal(deprecated.catalog.servers[0]!.official.status, 'deprecated');
  assert.equal(toToolhiveServer(deprecated.catalog.servers[0]!)?.status, 'Deprecated');
});

test('a bare JSON array of ServerResponse items reads like an API page', () => {
  const item = {
    server: {
      name: 'com.example/a',
      description: 'd',
      version: '1.0.0',
      remotes: [{ type: 'sse', url: 'https://x' }],
    },
    _meta: { 'io.modelcontextprotocol.registry/official': { status: 'active', isLatest: true } },
  };
  const r = parseRegistryDocument(JSON.stringify([item]), 'auto');
  assert.equal(r.format, 'upstream');
  assert.deepStrictEqual(
    r.catalog.servers.map((s) => [s.name, s.kind, s.registryMeta]),
    [['com.example/a', 'remote', item._meta]],
  );
});

test('ToolHive entries that fail the schema are skipped with the entry, the field and the reason', () => {
  const ok = {
    description: 'A fine server',
    tier: 'Official',
    status: 'Active',
    transport: 'stdio',
    tools: ['t'],
    image: 'a/b:1',
  };
  const doc = {
    version: '1.0.0',
    last_updated: '2026-01-01T00:00:00Z',
    servers: {
      good: ok,
      'no-image': { ...ok, image: undefined },
      'bad-tier': { ...ok, tier: 'Gold' },
      'short-desc': { ...ok, description: 'short' },
      'bad-env': { ...ok, env_vars: [{ name: '1X', description: 'bad name', required: true }] },
      Upper_Case: ok,
    },
    remote_servers: {
      good: { ...ok, url: 'https://x', transport: 'sse', image: undefined },
      'bad-url': { ...ok, image: undefined, transport: 'sse', url: 'not a url' },
    },
  };
  const r = parseRegistryDocument(JSON.stringify(doc), 'toolhive');
  assert.deepStrictEqual(r.invalid, [
    { entry: 'no-image', field: 'image', reason: 'required' },
    { entry: 'bad-tier', field: 'tier', reason: 'must be one of: "Official", "Community"' },
    { entry: 'short-desc', field: 'description', reason: 'must be at least 10 characters' },
    { entry: 'bad-env', field: 'env_vars[0].name', reason: 'must match ^[A-Za-z_][A-Za-z0-9_]*$' },
    {
      entry: 'Upper_Case',
      field: '',
      reason: 'name must match ^[a-z0-9][a-z0-9-]+[a-z0-9]$ (or be a reverse-DNS upstream name)',
    },
    {
      entry: 'good',
      field: '',
      reason: 'defined in both servers and remote_servers; the remote_servers entry is skipped',
    },
    { entry: 'bad-url', field: 'url', reason: 'must be a valid uri' },
  ]);
  assert.deepEqual(
    r.catalog.servers.map((s) => s.name),
    ['good'],
  );
});

const documentErrors: [
  string,
  string,
  'auto' | 'toolhive' | 'upstream',
  string,
  number | undefined,
  number | undefined,
][] = [
  [
    'a missing comma',
    '{\n  "servers": {}\n  "version": "1.0.0"\n}',
    'auto',
    `not valid JSON: unexpected "\\"", expected ',' or '}' (line 3, column 3)`,
    3,
    3,
  ],
  [
    'a truncated document',
    '[{"name": "a/b"',
    'auto',
    `not valid JSON: unexpected end of input, expected ',' or '}' (line 1, column 16)`,
    1,
    16,
  ],
  [
    'a bare word',
    '{"servers": nope}',
    'auto',
    'not valid JSON: unexpected "n", expected a value (line 1, column 13)',
    1,
    13,
  ],
  [
    'an empty document',
    '',
    'auto',
    'not valid JSON: unexpected end of input, expected a value (line 1, column 1)',
    1,
    1,
  ],
  [
    'JSON that is no registry',
    '{"hello": "world"}',
    'auto',
    'not a registry document: expected a ToolHive registry ({"servers": {...}}), an upstream API page ({"servers": [...]}), a JSON array of server.json, or ToolHive\'s {"data": {"servers": [...]}}',
    undefined,
    undefined,
  ],
  [
    'upstream data read as toolhive',
    '[]',
    'toolhive',
    'the document is a JSON array of server.json (upstream format), but the format is set to toolhive: set format: upstream',
    undefined,
    undefined,
  ],
  [
    'toolhive data read as upstream',
    '{"servers": {}}',
    'upstream',
    'the document is a ToolHive registry (toolhive format), but the format is set to upstream: set format: toolhive',
    undefined,
    undefined,
  ],
  [
    'remote_servers of the wrong type',
    '{"servers": {}, "remote_servers": []}',
    'auto',
    'remote_servers: must be an object mapping server names to servers',
    undefined,
    undefined,
  ],
];

for (const [name, text, format, message, line, column] of documentErrors) {
  test(`an unreadable document is an error: ${name}`, () => {
    assert.throws(
      () => parseRegistryDocument(text, format),
      (e: unknown) => {
        assert.ok(e instanceof DocumentError);
        assert.equal(e.message, message);
        assert.equal(e.line, line);
        assert.equal(e.column, column);
        return true;
      },
    );
  });
}
