import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { layoutCatalog, readLayout, TornReadError, INDEX_KEY } from '../../../src/storage/layout.ts';

async function roundTrip(text: string, limit: number) {
  const layout = layoutCatalog('reg', text, limit);
  const shards = new Map(layout.shards.map((s) => [s.name, s.binaryData.chunk]));
  const back = await readLayout(layout.main, async (n) => shards.get(n));
  return { layout, back };
}

test('small catalogs are stored as plain JSON', async () => {
  const { layout, back } = await roundTrip('{"servers":{}}', 1024);
  assert.deepEqual(layout.main, { data: { 'registry.json': '{"servers":{}}' } });
  assert.equal(back.text, '{"servers":{}}');
  assert.equal(back.compressed, false);
});

test('over the limit, compressible catalogs are gzipped into binaryData', async () => {
  const text = JSON.stringify({
    servers: Object.fromEntries(
      Array.from({ length: 200 }, (_, i) => [`s${i}`, { description: 'same text '.repeat(5) }]),
    ),
  });
  const { layout, back } = await roundTrip(text, 4096);
  assert.deepEqual(Object.keys(layout.main.binaryData ?? {}), ['registry.json.gz']);
  assert.equal(layout.shards.length, 0);
  assert.equal(back.text, text);
});

test('still over, the gzip is sharded with an index, each shard under the limit, and reads back whole', async () => {
  const text = randomBytes(60_000).toString('hex');
  const { layout, back } = await roundTrip(text, 10_000);
  assert.ok(layout.shards.length > 5);
  assert.deepEqual(layout.shards.map((s) => s.name).slice(0, 2), [
    'reg-registry-storage-0',
    'reg-registry-storage-1',
  ]);
  for (const s of layout.shards) assert.ok((s.binaryData.chunk ?? '').length <= 10_000);
  assert.equal(back.text, text);
  assert.deepEqual(
    JSON.parse(layout.main.data?.[INDEX_KEY] ?? '{}').shards,
    layout.shards.map((s) => s.name),
  );
});

test('a shard from another write is detected as a torn read, not returned', async () => {
  const a = layoutCatalog('reg', randomBytes(30_000).toString('hex'), 10_000);
  const b = layoutCatalog('reg', randomBytes(30_000).toString('hex'), 10_000);
  const mixed = new Map(a.shards.map((s, i) => [s.name, (i === 0 ? b : a).shards[i]?.binaryData.chunk]));
  await assert.rejects(
    readLayout(a.main, async (n) => mixed.get(n)),
    TornReadError,
  );
  await assert.rejects(
    readLayout(a.main, async () => undefined),
    /storage shard reg-registry-storage-0 is missing/,
  );
});

test('an empty storage ConfigMap is an error that says what is missing', async () => {
  await assert.rejects(
    readLayout({}, async () => undefined),
    /storage ConfigMap holds no catalog \(no registry\.json, registry\.json\.gz or index\.json\)/,
  );
});
