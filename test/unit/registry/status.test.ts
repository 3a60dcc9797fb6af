/**
 * Status fidelity (issue #14.5), lenient ToolHive status (#14.9) and the refusal of a truncated API page
 * (#14.4), in the pure reader: what the source says is what the catalog and its storage keep.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  DocumentError,
  parseRegistryDocument,
  parseStorage,
  serializeForStorage,
  toToolhiveServer,
  validateEntry,
  writeRegistry,
} from '../../../src/registry/index.ts';
import { toolhiveToServerJson } from '../../../src/registry/convert/toolhive-to-upstream.ts';
import { serverJsonToToolhive } from '../../../src/registry/convert/upstream-to-toolhive.ts';
import { fixture } from './fixtures.ts';

const OFFICIAL = 'io.modelcontextprotocol.registry/official';
const PP = 'io.modelcontextprotocol.registry/publisher-provided';

const remote = (name: string, extStatus?: string) => ({
  name,
  description: 'd',
  version: '1.2.0',
  remotes: [{ type: 'sse', url: `https://${name.replace('/', '.')}.example` }],
  ...(extStatus && {
    _meta: {
      [PP]: {
        'io.github.stacklok': {
          [`https://${name.replace('/', '.')}.example`]: { status: extStatus, tier: 'Official', tools: [] },
        },
      },
    },
  }),
});

test('upstream page: status, statusMessage, publishedAt, updatedAt kept; the official status wins over the extension', () => {
  const page = {
    servers: [
      {
        server: remote('com.example/old', 'Active'),
        _meta: {
          [OFFICIAL]: {
            status: 'deprecated',
            statusMessage: 'use com.example/new',
            statusChangedAt: '2026-03-01T00:00:00Z',
            publishedAt: '2025-01-01T00:00:00Z',
            updatedAt: '2026-03-01T00:00:00Z',
            isLatest: true,
          },
        },
      },
      {
        server: remote('com.example/new', 'Deprecated'),
        _meta: { [OFFICIAL]: { status: 'active', publishedAt: '2026-03-01T00:00:00Z', isLatest: true } },
      },
    ],
    metadata: { count: 2 },
  };
  const { catalog, warnings } = parseRegistryDocument(JSON.stringify(page), 'auto');
  assert.deepEqual(warnings, []);
  const [n, o] = catalog.servers;
  assert.deepEqual(o!.official, {
    status: 'deprecated',
    statusMessage: 'use com.example/new',
    statusChangedAt: '2026-03-01T00:00:00Z',
    publishedAt: '2025-01-01T00:00:00Z',
    updatedAt: '2026-03-01T00:00:00Z',
  });
  assert.deepEqual(n!.official, { status: 'active', publishedAt: '2026-03-01T00:00:00Z' });
  // ToolHive output says the same as the official block, whatever the extension said.
  assert.equal(toToolhiveServer(o!)?.status, 'Deprecated');
  assert.equal(toToolhiveServer(n!)?.status, 'Active');
  // Storage keeps all of it.
  const back = parseStorage(serializeForStorage(catalog));
  assert.deepEqual(
    back.servers.map((s) => s.official),
    catalog.servers.map((s) => s.official),
  );
});

test('ToolHive status Deprecated maps to upstream deprecated; no status is active', () => {
  const doc = {
    version: '1',
    last_updated: '2026-01-01T00:00:00Z',
    servers: {
      old: {
        description: 'An old server',
        tier: 'Community',
        status: 'Deprecated',
        transport: 'stdio',
        tools: ['t'],
        image: 'x/y:1',
      },
    },
    remote_servers: {
      live: {
        description: 'A live server',
        tier: 'Community',
        status: 'Active',
        transport: 'sse',
        tools: ['t'],
        url: 'https://l.example',
      },
    },
  };
  const { catalog, invalid } = parseRegistryDocument(JSON.stringify(doc), 'toolhive');
  assert.deepEqual(invalid, []);
  assert.deepEqual(
    catalog.servers.map((s) => [s.name, s.official]),
    [
      ['live', { status: 'active' }],
      ['old', { status: 'deprecated' }],
    ],
  );
  const bare = parseRegistryDocument(JSON.stringify([remote('com.example/plain')]), 'upstream');
  assert.deepEqual(bare.catalog.servers[0]!.official, { status: 'active' });
});

test('ToolHive converter goldens with status "active": the converters match them exactly', () => {
  const strip = <T>(v: T): T =>
    JSON.parse(JSON.stringify(v), (_k, val: unknown) => {
      if (val && typeof val === 'object' && 'inputSchema' in val && 'annotations' in val) {
        const { annotations, ...rest } = val as { annotations: unknown };
        return JSON.stringify(annotations) === '{}' ? rest : val;
      }
      return val;
    }) as T;
  const input = fixture('converters/remote_to_server/input_example.json');
  assert.deepStrictEqual(
    toolhiveToServerJson('example-remote', input, 'remote'),
    strip(fixture('converters/remote_to_server/expected_example.json')),
  );
  const back = serverJsonToToolhive(fixture('converters/server_to_remote/input_example.json'));
  assert.equal(back.kind, 'remote');
  assert.deepStrictEqual(
    back.kind === 'remote' && back.entry,
    strip(fixture('converters/server_to_remote/expected_example.json')),
  );
});

test('lenient reading: a ToolHive status in any case is normalised with a warning, never refused', () => {
  const golden = fixture('converters/remote_to_server/input_example.json');
  assert.deepEqual(validateEntry('remote', golden), {
    field: 'status',
    reason: 'must be one of: "Active", "Deprecated"',
  });
  const doc = {
    version: '1',
    servers: {},
    remote_servers: { 'example-remote': golden, shouting: { ...golden, status: 'DEPRECATED' } },
  };
  const r = parseRegistryDocument(JSON.stringify(doc), 'auto');
  assert.deepEqual(r.invalid, []);
  assert.deepEqual(r.warnings, [
    'example-remote: status "active" read as "Active" (ToolHive writes Active or Deprecated)',
    'shouting: status "DEPRECATED" read as "Deprecated" (ToolHive writes Active or Deprecated)',
  ]);
  assert.deepEqual(
    r.catalog.servers.map((s) => [s.name, toToolhiveServer(s)?.status, s.official.status]),
    [
      ['example-remote', 'Active', 'active'],
      ['shouting', 'Deprecated', 'deprecated'],
    ],
  );
  // Output written from it is valid in both formats.
  for (const to of ['toolhive', 'upstream'] as const) {
    const again = parseRegistryDocument(writeRegistry(r.catalog, to), to);
    assert.deepEqual([again.invalid, again.catalog.servers.length], [[], 2], to);
  }
  // The golden server.json (extension status "active", no registry block) reads the same way.
  const up = parseRegistryDocument(
    JSON.stringify([fixture('converters/server_to_remote/input_example.json')]),
    'upstream',
  );
  assert.deepEqual(up.warnings, [
    'io.github.stacklok/example-remote: status "active" read as "Active" (ToolHive writes Active or Deprecated)',
  ]);
  assert.equal(toToolhiveServer(up.catalog.servers[0]!)?.status, 'Active');
  // A value that is not a status in any case is still invalid.
  const bad = parseRegistryDocument(
    JSON.stringify({ servers: {}, remote_servers: { retired: { ...golden, status: 'retired' } } }),
    'toolhive',
  );
  assert.deepEqual(bad.invalid, [
    { entry: 'retired', field: 'status', reason: 'must be one of: "Active", "Deprecated"' },
  ]);
});

test('an upstream API page with a nextCursor is refused, naming type: registry; the last page is read', () => {
  const items = [1, 2, 3].map((i) => ({ server: remote(`com.example/s${i}`), _meta: {} }));
  const page = JSON.stringify({ servers: items, metadata: { count: 3, nextCursor: 'Y29tLmV4YW1wbGUvczM' } });
  for (const format of ['auto', 'upstream'] as const) {
    assert.throws(
      () => parseRegistryDocument(page, format),
      (e: unknown) =>
        e instanceof DocumentError &&
        e.message ===
          "the document is one page of an upstream registry API (3 servers, and metadata.nextCursor says more follow): reading it would silently drop every later page; use a source of type: registry with the registry's base URL, which follows every page",
    );
  }
  for (const metadata of [{ count: 3 }, { count: 3, nextCursor: '' }, undefined]) {
    const last = parseRegistryDocument(JSON.stringify({ servers: items, metadata }), 'auto');
    assert.equal(last.catalog.servers.length, 3);
  }
});
