/**
 * Reading an upstream API document whose items were pre-read (validated and converted while the
 * registry source paged, src/registry/pre-read.ts) gives exactly what reading it cold gives: the
 * catalog, its stored text, the invalid entries with their messages, the warnings and what ToolHive
 * cannot express. A pre-read result is handed out once, so a second read of the same objects does the
 * work again and never shares the first read's entries.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseRegistryValue, serializeForStorage } from '../../../src/registry/index.ts';
import { preReadUpstreamItem } from '../../../src/registry/pre-read.ts';
import { fixture } from './fixtures.ts';

const OFFICIAL = 'io.modelcontextprotocol.registry/official';
const NO_CACHE = { key: '', bytes: Infinity };

/** Valid and invalid server.json documents with every kind of registry status, and repeated names. */
function pageText(): string {
  const servers = [
    'upstream-server-json/examples/valid/minimal.json',
    'upstream-server-json/examples/valid/with-package.json',
    'upstream-server-json/examples/valid/with-remote.json',
    'converters/image_to_server/expected_github.json',
    'converters/remote_to_server/expected_example.json',
    'upstream-server-json/examples/invalid/bad-name-pattern.json',
    'upstream-server-json/examples/invalid/description-too-long.json',
    'upstream-server-json/examples/invalid/missing-name.json',
    'upstream-server-json/examples/invalid/package-version-latest.json',
    'upstream-server-json/examples/invalid/positional-argument-missing-value.json',
  ].map((p) => fixture(p));
  const metas: unknown[] = [
    undefined,
    { [OFFICIAL]: { status: 'active', isLatest: true } },
    { [OFFICIAL]: { status: 'deprecated', isLatest: true } },
    { [OFFICIAL]: { status: 'deleted' } },
    { [OFFICIAL]: 'not an object' },
    { other: { x: 1 } },
  ];
  const items: unknown[] = [];
  servers.forEach((server, i) => {
    metas.forEach((meta, j) => {
      const s = structuredClone(server);
      // Half the servers keep their name for every status (several versions of one server, the
      // later one or the latest wins); the rest are renamed per status.
      if (i % 2 === 1 && typeof s.name === 'string') s.name = `${s.name}-${j}`;
      items.push(meta === undefined ? { server: s } : { server: s, _meta: meta });
    });
  });
  items.push({ server: 'not an object' }, { server: { status: 'active' } });
  return JSON.stringify({ servers: items, metadata: { count: items.length } });
}

test('a pre-read upstream page reads exactly as a cold one (catalog, stored text, invalid, warnings)', () => {
  const text = pageText();
  const cold = parseRegistryValue(JSON.parse(text), 'upstream', NO_CACHE);
  const doc = JSON.parse(text) as { servers: Record<string, unknown>[] };
  for (const item of doc.servers) preReadUpstreamItem(item);
  const ahead = parseRegistryValue(doc, 'upstream', NO_CACHE);
  assert.ok(cold.catalog.servers.length > 5 && cold.invalid.length > 5, 'the page has both kinds');
  assert.deepEqual(ahead, cold);
  assert.equal(serializeForStorage(ahead.catalog), serializeForStorage(cold.catalog));

  // Read again from the same objects: the results were taken, so the work is done again, alike.
  const again = parseRegistryValue(doc, 'upstream', NO_CACHE);
  assert.deepEqual(again, cold);
  const firstEntries = new Set(ahead.catalog.servers.map((s) => s.toolhive).filter(Boolean));
  for (const s of again.catalog.servers) if (s.toolhive) assert.ok(!firstEntries.has(s.toolhive));
});

test('a registry status changed after the pre-read is read as it is now', () => {
  const server = fixture('upstream-server-json/examples/valid/with-remote.json');
  const item: Record<string, unknown> = { server, _meta: { [OFFICIAL]: { status: 'deprecated' } } };
  preReadUpstreamItem(item);
  delete item._meta;
  const doc = { servers: [item], metadata: { count: 1 } };
  const read = parseRegistryValue(doc, 'upstream', NO_CACHE);
  const cold = parseRegistryValue(structuredClone(doc), 'upstream', NO_CACHE);
  assert.deepEqual(read, cold);
  assert.equal(read.catalog.servers[0]?.toolhive?.status, 'Active');
});
