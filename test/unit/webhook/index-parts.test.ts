/**
 * The loader hands the review thread an index in bounded parts (load.ts): every field, the packed
 * older versions included (a pinned older version resolves only if they arrive), none over the size.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { indexParts } from '../../../src/webhook/workloads/load.ts';
import { versionsIndex } from '../admission/workloads/catalogs.ts';

test('every field of the index arrives, the packed versions included, in parts of at most the size', () => {
  const idx = versionsIndex();
  const got = new Map<string, unknown[]>();
  for (const part of indexParts(idx, 2)) {
    assert.ok(part.items.length > 0 && part.items.length <= 2, `${part.field}: ${part.items.length}`);
    got.set(part.field, [...(got.get(part.field) ?? []), ...part.items]);
  }
  assert.deepEqual(got.get('versions'), [...idx.versions]);
  assert.deepEqual(got.get('entries'), [...idx.entries]);
  assert.deepEqual(got.get('images'), [...idx.images]);
  assert.deepEqual(got.get('urls'), [...idx.urls]);
  assert.equal(idx.versions.size, 3);
});
