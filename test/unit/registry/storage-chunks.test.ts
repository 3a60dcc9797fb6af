/**
 * storageChunks, the stored form in pieces (docs/performance.md, the 10,000-server sync): joined, the
 * pieces must be exactly the text a document object built the straightforward way serializes to,
 * including JavaScript's property order (index-like names such as "123" come first, ascending), for
 * every kind of server and every optional field.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  makeCatalogServer,
  parseRegistryDocument,
  serializeForStorage,
  storageChunks,
  writeRegistry,
  STORAGE_UPSTREAM_KEY,
  type Catalog,
  type JsonObject,
} from '../../../src/registry/index.ts';
import { jsonEqual } from '../../../src/api/conversion/json.ts';
import { toolhiveToServerJson } from '../../../src/registry/convert/toolhive-to-upstream.ts';
import { fixtureText } from './fixtures.ts';

/** The stored document built as one object and serialized whole (what storage held before pieces). */
function wholeDocument(catalog: Catalog): string {
  const doc: JsonObject = {};
  if (catalog.meta?.version !== undefined) doc.version = catalog.meta.version;
  if (catalog.meta?.lastUpdated !== undefined) doc.last_updated = catalog.meta.lastUpdated;
  const servers: JsonObject = {};
  const remote: JsonObject = {};
  for (const s of catalog.servers)
    if (s.toolhive) (s.kind === 'remote' ? remote : servers)[s.name] = s.toolhive;
  doc.servers = servers;
  doc.remote_servers = remote;
  if (catalog.groups) doc.groups = catalog.groups;
  const upstream: JsonObject = {};
  for (const s of catalog.servers) {
    if (!s.upstream && !s.registryMeta) continue;
    const stored = JSON.parse(serializeForStorage({ servers: [s] })) as JsonObject;
    upstream[s.name] = (stored[STORAGE_UPSTREAM_KEY] as JsonObject)[s.name];
  }
  if (Object.keys(upstream).length > 0) doc[STORAGE_UPSTREAM_KEY] = upstream;
  return JSON.stringify(doc);
}

const joined = (c: Catalog) => [...storageChunks(c)].join('');

test('storageChunks: the pieces join to the whole document, for ToolHive, upstream and mixed catalogs', () => {
  const thv = parseRegistryDocument(fixtureText('toolhive-registry/registry-2025-10-22.json'), 'auto');
  const up = parseRegistryDocument(writeRegistry(thv.catalog, 'upstream'), 'auto');
  for (const catalog of [thv.catalog, up.catalog, { servers: [] }]) {
    assert.ok(catalog.servers.length === 0 || [...storageChunks(catalog)].length > catalog.servers.length);
    assert.equal(joined(catalog), wholeDocument(catalog));
    assert.equal(serializeForStorage(catalog), joined(catalog));
  }
});

test('storageChunks: index-like names are ordered as JavaScript orders object keys; meta and groups kept', () => {
  const entry = (image: string) => ({ description: image, image, transport: 'stdio', tier: 'Community' });
  const names = ['zeta', '123', 'alpha', '7', '0', '01', '4294967295', '4294967294', '10'];
  const servers = names.map((name) => makeCatalogServer({ name, kind: 'container', toolhive: entry(name) }));
  servers.push(
    makeCatalogServer({
      name: '42',
      kind: 'remote',
      toolhive: { url: 'https://x.example/mcp', transport: 'sse' },
    }),
    makeCatalogServer({ name: 'beta', kind: 'remote', toolhive: { url: 'https://y.example/mcp' } }),
    makeCatalogServer({
      name: '99',
      kind: 'upstream-only',
      upstream: { name: 'io.example/99', version: '1.0.0', description: 'npm only' },
      registryMeta: { 'io.modelcontextprotocol.registry/official': { status: 'active' } },
    }),
  );
  const catalog: Catalog = {
    servers: servers.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0)),
    meta: { version: '1.2.3', lastUpdated: '2026-01-01T00:00:00Z' },
    groups: [{ name: 'g', servers: ['zeta'] }],
  };
  const text = joined(catalog);
  assert.equal(text, wholeDocument(catalog));
  // Compact and in JavaScript's own key order: re-serializing what it parses to changes nothing.
  assert.equal(JSON.stringify(JSON.parse(text)), text);
  assert.deepEqual(Object.keys((JSON.parse(text) as { servers: JsonObject }).servers), [
    '0',
    '7',
    '10',
    '123',
    '4294967294',
    '01',
    '4294967295',
    'alpha',
    'zeta',
  ]);
});

test('a server.json is stored as {"derived": true} exactly when its ToolHive entry regenerates it', () => {
  // Storage skips the regeneration when `$schema` or `version` cannot match (write.ts,
  // mayBeRegenerated): the rule below, applied to every server, must give the same decisions.
  const thv = parseRegistryDocument(
    fixtureText('toolhive-registry/registry-2025-10-22.json'),
    'auto',
  ).catalog;
  const up = parseRegistryDocument(writeRegistry(thv, 'upstream'), 'auto').catalog;
  // The same servers with one field the shortcut reads changed: never derived, stored as read.
  const changed = (field: string, value: unknown): Catalog => ({
    servers: up.servers.map((s) => ({ ...s, upstream: { ...s.upstream, [field]: value } })),
  });
  const upstreamOf = (name: string, c: Catalog) => c.servers.find((s) => s.name === name)!.upstream;
  for (const catalog of [up, changed('version', '1.0.1'), changed('$schema', 'https://x.example/s.json')]) {
    const stored = (JSON.parse(serializeForStorage(catalog)) as Record<string, JsonObject>)[
      STORAGE_UPSTREAM_KEY
    ]!;
    for (const s of catalog.servers) {
      if (!s.toolhive) continue;
      const kind = s.kind === 'remote' ? 'remote' : 'container';
      const exact = jsonEqual(toolhiveToServerJson(s.name, s.toolhive, kind), s.upstream);
      assert.deepEqual(stored[s.name], exact ? { derived: true } : { server: upstreamOf(s.name, catalog) });
    }
  }
  // The ToolHive fixture's servers all regenerate exactly, so the first catalog did test the `derived` side.
  const stored = JSON.parse(serializeForStorage(up)) as Record<string, JsonObject>;
  assert.ok(Object.values(stored[STORAGE_UPSTREAM_KEY]!).every((v) => jsonEqual(v, { derived: true })));
  assert.ok(up.servers.length > 10);
});
