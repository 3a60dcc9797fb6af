import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  parseRegistryDocument,
  parseStorage,
  serializeForStorage,
  writeRegistry,
} from '../../../src/registry/index.ts';
import { fixtureText } from './fixtures.ts';

const CATALOG = 'toolhive-registry/registry-2025-10-22.json';

test('storage: parseStorage is the exact inverse of serializeForStorage, and the bytes are deterministic', () => {
  const thv = parseRegistryDocument(fixtureText(CATALOG), 'auto').catalog;
  const up = parseRegistryDocument(writeRegistry(thv, 'upstream'), 'auto').catalog;
  const dir = 'upstream-server-json/examples/valid';
  const examples = parseRegistryDocument(
    `[${['minimal.json', 'with-package.json', 'with-remote.json'].map((f) => fixtureText(`${dir}/${f}`)).join(',')}]`,
    'auto',
  ).catalog;
  const mixed = {
    ...up,
    servers: [...up.servers, ...examples.servers].sort((a, b) => (a.name < b.name ? -1 : 1)),
  };
  for (const catalog of [thv, up, examples, mixed, { servers: [] }]) {
    const bytes = serializeForStorage(catalog);
    assert.deepStrictEqual(parseStorage(bytes), catalog);
    assert.equal(serializeForStorage(parseStorage(bytes)), bytes);
  }
  // ToolHive servers read back from upstream data regenerate their server.json exactly: stored once.
  const upStored = JSON.parse(serializeForStorage(up)) as { upstream_servers: Record<string, unknown> };
  assert.deepStrictEqual(upStored.upstream_servers.fetch, { derived: true });
  assert.ok(serializeForStorage(up).length < serializeForStorage(thv).length * 1.05);
  const exStored = JSON.parse(serializeForStorage(examples)) as {
    upstream_servers: Record<string, { server?: unknown }>;
  };
  assert.ok(exStored.upstream_servers['io.github.user/remote-weather']!.server);
  // The stored form of ToolHive data is a ToolHive registry.json.
  const stored = JSON.parse(serializeForStorage(thv)) as Record<string, unknown>;
  assert.deepEqual(Object.keys(stored), ['version', 'last_updated', 'servers', 'remote_servers']);
  assert.deepEqual(Object.keys(JSON.parse(serializeForStorage(examples)) as object), [
    'servers',
    'remote_servers',
    'upstream_servers',
  ]);
});

test('the catalog summary fields of a ToolHive server', () => {
  const fetch = parseRegistryDocument(fixtureText(CATALOG), 'auto').catalog.servers.find(
    (s) => s.name === 'fetch',
  )!;
  const { toolhive: _t, ...summary } = fetch;
  assert.deepStrictEqual(summary, {
    name: 'fetch',
    kind: 'container',
    tags: [
      'content',
      'html',
      'markdown',
      'fetch',
      'fetching',
      'get',
      'wget',
      'json',
      'curl',
      'modelcontextprotocol',
    ],
    tools: ['fetch'],
    upstreamName: 'io.github.stacklok/fetch',
    version: '1.0.0',
    description: 'Allows you to fetch content from the web',
    official: { status: 'active' },
    tier: 'Community',
    transport: 'streamable-http',
    image: 'ghcr.io/stackloklabs/gofetch/server:1.0.1',
    repositoryUrl: 'https://github.com/stackloklabs/gofetch',
    lastUpdated: '2025-10-20T02:33:40Z',
  });
});
