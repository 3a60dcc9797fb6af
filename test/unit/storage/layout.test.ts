import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import {
  layoutCatalog,
  layoutPieces,
  layoutPiecesSync,
  readLayout,
  StorageTooLargeError,
  TornReadError,
  INDEX_KEY,
  MAX_CATALOG_BYTES,
} from '../../../src/storage/layout.ts';

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

/** Splits text into pieces of varying sizes (1 to ~7,000 characters), as storageChunks yields them. */
function piecesOf(text: string): string[] {
  const out: string[] = [];
  for (let i = 0, n = 1; i < text.length; n = (n * 7) % 7001 || 1) out.push(text.slice(i, (i += n)));
  return out;
}

test('layoutPieces (gzip as the pieces come) gives the layout layoutCatalog gives the joined text', async () => {
  const compressible = JSON.stringify({
    servers: Object.fromEntries(
      Array.from({ length: 3000 }, (_, i) => [`s${i}`, { description: `same text ${i % 7} `.repeat(9) }]),
    ),
  });
  const cases: [string, string, number][] = [
    ['plain', '{"servers":{"é":{"description":"ünïcode"}}}', 1024],
    ['plain at exactly the limit', 'x'.repeat(4096), 4096],
    ['gzip', compressible, 64 * 1024],
    ['sharded gzip', randomBytes(300_000).toString('hex'), 100_000],
  ];
  for (const [what, text, limit] of cases) {
    const pieces = piecesOf(text);
    assert.equal(pieces.join(''), text);
    const streamed = await layoutPieces('reg', pieces, limit);
    assert.deepEqual(streamed, layoutCatalog('reg', text, limit), what);
    // The sync workers' twin (no thread pool) gives the same layout and bytes.
    assert.deepEqual(layoutPiecesSync('reg', pieces, limit), streamed, `${what} (sync)`);
    const shards = new Map(streamed.shards.map((s) => [s.name, s.binaryData.chunk]));
    assert.equal((await readLayout(streamed.main, async (n) => shards.get(n))).text, text, what);
  }
  assert.ok((await layoutPieces('reg', piecesOf(compressible), 64 * 1024)).compressed);
});

test('layoutPieces refuses a catalog over the storage limit with the same message as layoutCatalog', async () => {
  const piece = 'x'.repeat(1024 * 1024);
  const pieces = Array.from({ length: MAX_CATALOG_BYTES / piece.length }, () => piece);
  pieces.push('y');
  await assert.rejects(
    layoutPieces('r', pieces),
    new StorageTooLargeError('the catalog is 67108865 bytes, over the storage limit of 67108864 bytes'),
  );
  assert.throws(
    () => layoutPiecesSync('r', pieces),
    new StorageTooLargeError('the catalog is 67108865 bytes, over the storage limit of 67108864 bytes'),
  );
});
