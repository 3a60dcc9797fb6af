/**
 * BoundedCache (src/registry/bounded-cache.ts): least recently used first out, within a count and a
 * byte bound. A table of the rules, then a model check: any sequence of operations leaves the cache
 * holding exactly what a plain list model holds, and never more than either bound.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { BoundedCache } from '../../../src/registry/bounded-cache.ts';

type Op = ['set', string, number] | ['get', string] | ['delete', string];

const table: {
  name: string;
  bounds: [entries: number, bytes: number];
  ops: Op[];
  keys: string[];
  bytes: number;
}[] = [
  {
    name: 'the count bound evicts the least recently used',
    bounds: [2, 100],
    ops: [
      ['set', 'a', 1],
      ['set', 'b', 1],
      ['set', 'c', 1],
    ],
    keys: ['b', 'c'],
    bytes: 2,
  },
  {
    name: 'a get makes a key recently used',
    bounds: [2, 100],
    ops: [
      ['set', 'a', 1],
      ['set', 'b', 1],
      ['get', 'a'],
      ['set', 'c', 1],
    ],
    keys: ['a', 'c'],
    bytes: 2,
  },
  {
    name: 'the byte bound evicts as many as it takes',
    bounds: [10, 10],
    ops: [
      ['set', 'a', 4],
      ['set', 'b', 4],
      ['set', 'c', 1],
      ['set', 'd', 9],
    ],
    keys: ['c', 'd'],
    bytes: 10,
  },
  {
    name: 'a value over the byte bound alone is not kept, and flushes nothing',
    bounds: [10, 10],
    ops: [
      ['set', 'a', 4],
      ['set', 'big', 11],
    ],
    keys: ['a'],
    bytes: 4,
  },
  {
    name: 'replacing a key with a value too big drops the old value',
    bounds: [10, 10],
    ops: [
      ['set', 'a', 4],
      ['set', 'a', 11],
    ],
    keys: [],
    bytes: 0,
  },
  {
    name: 'replacing a key counts its new size only',
    bounds: [10, 10],
    ops: [
      ['set', 'a', 4],
      ['set', 'b', 4],
      ['set', 'a', 6],
    ],
    keys: ['b', 'a'],
    bytes: 10,
  },
  {
    name: 'delete frees its bytes',
    bounds: [10, 10],
    ops: [
      ['set', 'a', 4],
      ['set', 'b', 4],
      ['delete', 'a'],
    ],
    keys: ['b'],
    bytes: 4,
  },
  {
    name: 'a cache of no entries keeps nothing',
    bounds: [0, 10],
    ops: [['set', 'a', 1]],
    keys: [],
    bytes: 0,
  },
  {
    name: 'sizes that are not finite non-negative numbers are not kept',
    bounds: [10, 10],
    ops: [
      ['set', 'a', -1],
      ['set', 'b', Number.NaN],
      ['set', 'c', Infinity],
    ],
    keys: [],
    bytes: 0,
  },
];

function apply(c: BoundedCache<string, string>, op: Op): void {
  if (op[0] === 'set') c.set(op[1], `v-${op[1]}-${op[2]}`, op[2]);
  else if (op[0] === 'get') c.get(op[1]);
  else c.delete(op[1]);
}

for (const t of table)
  test(t.name, () => {
    const c = new BoundedCache<string, string>({ maxEntries: t.bounds[0], maxBytes: t.bounds[1] });
    for (const op of t.ops) apply(c, op);
    assert.deepEqual(c.keys(), t.keys);
    assert.equal(c.bytes, t.bytes);
    assert.equal(c.size, t.keys.length);
  });

test('negative or missing bounds are refused', () => {
  assert.throws(() => new BoundedCache({ maxEntries: -1, maxBytes: 1 }), /cache bounds must be non-negative/);
  assert.throws(
    () => new BoundedCache({ maxEntries: 1, maxBytes: Number.NaN }),
    /cache bounds must be non-negative/,
  );
});

test('peek reads without making a key recently used', () => {
  const c = new BoundedCache<string, number>({ maxEntries: 2, maxBytes: 10 });
  c.set('a', 1, 1);
  c.set('b', 2, 1);
  assert.equal(c.peek('a'), 1);
  c.set('c', 3, 1);
  assert.equal(c.has('a'), false);
});

/** The reference: a list from least to most recently used, evicting from its front. */
function model(bounds: [number, number], ops: Op[]): [string, number][] {
  let list: [string, number][] = [];
  const total = () => list.reduce((s, [, b]) => s + b, 0);
  for (const op of ops) {
    const i = list.findIndex(([k]) => k === op[1]);
    if (op[0] === 'get') {
      if (i >= 0) list.push(...list.splice(i, 1));
      continue;
    }
    if (i >= 0) list.splice(i, 1);
    if (op[0] === 'delete') continue;
    const bytes = op[2];
    if (bytes > bounds[1] || bounds[0] === 0) continue;
    while (list.length >= bounds[0] || total() + bytes > bounds[1]) list = list.slice(1);
    list.push([op[1], bytes]);
  }
  return list;
}

test('any sequence of operations: the same entries as the model, within both bounds after each', () => {
  const key = fc.constantFrom('a', 'b', 'c', 'd', 'e', 'f');
  const op: fc.Arbitrary<Op> = fc.oneof(
    fc.tuple(fc.constant('set' as const), key, fc.integer({ min: 0, max: 40 })),
    fc.tuple(fc.constant('get' as const), key),
    fc.tuple(fc.constant('delete' as const), key),
  );
  fc.assert(
    fc.property(
      fc.integer({ min: 0, max: 5 }),
      fc.integer({ min: 0, max: 60 }),
      fc.array(op, { maxLength: 60 }),
      (maxEntries, maxBytes, ops) => {
        const c = new BoundedCache<string, string>({ maxEntries, maxBytes });
        for (const o of ops) {
          apply(c, o);
          assert.ok(c.size <= maxEntries && c.bytes <= maxBytes, `${c.size} entries, ${c.bytes} bytes`);
        }
        const want = model([maxEntries, maxBytes], ops);
        assert.deepEqual(
          c.keys(),
          want.map(([k]) => k),
        );
        assert.equal(
          c.bytes,
          want.reduce((s, [, b]) => s + b, 0),
        );
      },
    ),
    { numRuns: 2000 },
  );
});
