import { test } from 'node:test';
import assert from 'node:assert/strict';
import { gunzipSync } from 'node:zlib';
import { GzipCache } from '../../../src/registry-api/respond.ts';

test('GzipCache compresses a body once, by object and by content, within its byte bound', () => {
  const c = new GzipCache(200);
  const body = Buffer.from('{"servers":[]}'.repeat(50));
  const gz = c.gzip(body);
  assert.equal(gunzipSync(gz).toString(), body.toString());
  assert.equal(c.gzip(body), gz, 'the same Buffer object');
  assert.equal(c.gzip(Buffer.from(body)), gz, 'equal content');
  assert.equal(c.size, gz.length);
  for (let i = 0; i < 20; i++) c.gzip(Buffer.from(`{"n":${i}}`.repeat(40)));
  assert.ok(c.size <= 200, `holds ${c.size} bytes`);
  assert.equal(new GzipCache().size, 0, 'a fresh cache shares nothing');
});

test('GzipCache keeps the most recently used bodies within its count bound', () => {
  const c = new GzipCache(1024 * 1024, 2);
  const body = (ch: string) => Buffer.from(ch.repeat(4096));
  const a = c.gzip(body('a'));
  const b = c.gzip(body('b'));
  assert.equal(c.gzip(body('a')), a, 'a is used again, so b is now the oldest');
  c.gzip(body('c'));
  assert.equal(c.gzip(body('a')), a, 'a survived');
  assert.notEqual(c.gzip(body('b')), b, 'b was evicted and is compressed anew');
});
