/**
 * Parse once per content: the same bytes read by many registries are parsed once; different bytes or
 * a different format are parsed apart; shared results cannot be changed in place; big documents and
 * failures are never kept; the cache stays within its entry bound.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DocumentCache } from '../../../src/registry/document-cache.ts';
import { parseRegistryDocument, readRegistryDocument, type ParseResult } from '../../../src/registry/read.ts';

const doc = (n: number) =>
  JSON.stringify({
    version: '1.0.0',
    last_updated: '2026-01-01T00:00:00Z',
    servers: Object.fromEntries(
      Array.from({ length: n }, (_, i) => [
        `server-${i}`,
        {
          description: `Benchmark server number ${i}`,
          image: `ghcr.io/example/server-${i}:1.0.0`,
          transport: 'stdio',
          tier: 'Community',
          status: 'Active',
          tools: ['t'],
        },
      ]),
    ),
  });

function counting(opts?: { maxEntries?: number; maxTextBytes?: number; maxBytes?: number }) {
  let parses = 0;
  const cache = new DocumentCache<ParseResult>((t, f) => {
    parses++;
    return readRegistryDocument(t, f);
  }, opts);
  return { cache, parses: () => parses };
}

test('the same bytes are parsed once and the result is shared; other bytes or formats are parsed apart', () => {
  const { cache, parses } = counting();
  const a = cache.get(doc(3), 'toolhive');
  const b = cache.get(doc(3), 'toolhive');
  assert.equal(a, b);
  assert.equal(parses(), 1);
  assert.deepEqual(a, readRegistryDocument(doc(3), 'toolhive'));
  cache.get(doc(3), 'auto');
  cache.get(doc(4), 'toolhive');
  assert.equal(parses(), 3);
  assert.deepEqual(cache.stats(), { entries: 3, hits: 1, misses: 3 });
});

test('a shared result cannot be changed in place', () => {
  const { cache } = counting();
  const r = cache.get(doc(3), 'toolhive');
  assert.equal(r.catalog.servers.length, 3);
  assert.throws(() => (r.catalog.servers as unknown[]).push({}), TypeError);
  assert.throws(() => (r.catalog.servers as unknown[]).reverse(), TypeError);
  assert.throws(() => {
    (r as { format: string }).format = 'upstream';
  }, TypeError);
  assert.throws(() => r.invalid.push({} as never), TypeError);
});

test('a failed parse is not kept: the same bad bytes fail again with the same message', () => {
  const { cache, parses } = counting();
  for (let i = 0; i < 2; i++)
    assert.throws(() => cache.get('{"nothing": 1}', 'auto'), /not a registry document/);
  assert.equal(parses(), 2);
  assert.equal(cache.stats().entries, 0);
});

test('documents over the size bound are parsed every time and never kept', () => {
  const { cache, parses } = counting({ maxTextBytes: 1000 });
  const big = doc(20);
  assert.ok(big.length > 1000);
  cache.get(big, 'toolhive');
  cache.get(big, 'toolhive');
  assert.equal(parses(), 2);
  assert.equal(cache.stats().entries, 0);
});

test('the least recently used entry goes when the cache is full', () => {
  const { cache, parses } = counting({ maxEntries: 2 });
  cache.get(doc(1), 'toolhive');
  cache.get(doc(2), 'toolhive');
  cache.get(doc(1), 'toolhive'); // doc(1) is now the most recent
  cache.get(doc(3), 'toolhive'); // evicts doc(2)
  assert.equal(cache.stats().entries, 2);
  assert.equal(parses(), 3);
  cache.get(doc(1), 'toolhive');
  assert.equal(parses(), 3);
  cache.get(doc(2), 'toolhive');
  assert.equal(parses(), 4);
});

test('parseRegistryDocument goes through the process cache', () => {
  const text = doc(5);
  assert.equal(parseRegistryDocument(text, 'auto'), parseRegistryDocument(text, 'auto'));
});

test('the kept documents stay within the byte bound: the least recently used goes first', () => {
  const texts = [doc(10), doc(11), doc(12)];
  const sizes = texts.map((t) => Buffer.byteLength(t));
  const { cache, parses } = counting({ maxBytes: sizes[1]! + sizes[2]! });
  for (const t of texts) cache.get(t, 'toolhive');
  assert.equal(cache.stats().entries, 2);
  assert.equal(cache.bytes, sizes[1]! + sizes[2]!);
  cache.get(texts[2]!, 'toolhive');
  assert.equal(parses(), 3, 'the newest is kept');
  cache.get(texts[0]!, 'toolhive');
  assert.equal(parses(), 4, 'the oldest was evicted');
  assert.ok(cache.bytes <= sizes[1]! + sizes[2]!);
});
