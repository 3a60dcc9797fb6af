/** Storage reads inflate gzip with a ceiling (issue #12.8); the writer refuses what could not be read back. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { gzipSync } from 'node:zlib';
import {
  layoutCatalog,
  MAX_CATALOG_BYTES,
  readLayout,
  StorageTooLargeError,
} from '../../../src/storage/layout.ts';

const noShard = async () => undefined;

test('a gzip key that inflates past the ceiling is refused with a clear error', async () => {
  const gz = gzipSync(Buffer.alloc(2 * 1024 * 1024)).toString('base64');
  await assert.rejects(
    readLayout({ binaryData: { 'registry.json.gz': gz } }, noShard, 1024 * 1024),
    new StorageTooLargeError(
      'storage key registry.json.gz inflates to more than 1048576 bytes, the storage limit; refusing to read it (the controller never writes one that large)',
    ),
  );
  const ok = await readLayout({ binaryData: { 'registry.json.gz': gz } }, noShard, 4 * 1024 * 1024);
  assert.equal(ok.bytes, 2 * 1024 * 1024);
});

test('a shard index declaring more than the ceiling is refused before any shard is read', async () => {
  const index = JSON.stringify({
    shards: ['x-0'],
    sha256: '00',
    bytes: MAX_CATALOG_BYTES + 1,
    compressed: true,
  });
  await assert.rejects(
    readLayout({ data: { 'index.json': index } }, () => assert.fail('no shard is read')),
    new StorageTooLargeError(
      'storage index declares 67108865 bytes, over the storage limit of 67108864 bytes; refusing to read it',
    ),
  );
});

test('the writer refuses a catalog it could not read back', () => {
  assert.throws(
    () => layoutCatalog('r', 'x'.repeat(MAX_CATALOG_BYTES + 1)),
    new StorageTooLargeError('the catalog is 67108865 bytes, over the storage limit of 67108864 bytes'),
  );
});
