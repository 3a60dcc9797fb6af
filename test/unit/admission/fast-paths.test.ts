// The mutating webhook's fast paths (issue #15) give exactly what the plain algorithms give:
// normaliseList's sort-based dedupe for long lists, and defaultingPatch's equality walk before the
// library's diff. Each is checked against a reference on generated input, on both sides of its guards.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { createPatch } from 'rfc6902';
import { defaultingPatch, normaliseList } from '../../../src/admission/index.ts';
import { LIMITS } from '../../../src/api/constants.ts';

/** The definition: trim, drop empty strings, keep the first of equal strings, leave non-strings. */
function referenceNormalise(list: unknown[]): unknown[] {
  const seen = new Set<string>();
  const out: unknown[] = [];
  for (const item of list) {
    if (typeof item !== 'string') {
      out.push(item);
      continue;
    }
    const t = item.trim();
    if (t === '' || seen.has(t)) continue;
    seen.add(t);
    out.push(t);
  }
  return out;
}

const longPattern = (k: number) => `io.github.example-${k}/${'x'.repeat(200)}-*`;

test('normaliseList, long lists (sorted dedupe): first occurrence kept, order kept, trimmed', () => {
  const list: unknown[] = [
    longPattern(3),
    ` ${longPattern(1)}\t`,
    longPattern(2),
    longPattern(1),
    '',
    7,
    longPattern(3),
    '  ',
    null,
    longPattern(2),
    ...Array.from({ length: 20 }, (_, k) => longPattern(k)),
  ];
  const out = normaliseList(list);
  assert.deepEqual(out, referenceNormalise(list));
  assert.deepEqual(out.slice(0, 6), [
    longPattern(3),
    longPattern(1),
    longPattern(2),
    7,
    null,
    longPattern(0),
  ]);
});

test('normaliseList, lists beyond the schema bounds (hashed dedupe) give the same result', () => {
  const many = Array.from({ length: LIMITS.filterPatterns + 5 }, (_, k) => longPattern(k % 50));
  assert.deepEqual(normaliseList(many), referenceNormalise(many));
  assert.equal(normaliseList(many).length, 50);
  const overlong = [
    `a${'y'.repeat(LIMITS.filterPattern)}`,
    'b'.repeat(3000),
    `a${'y'.repeat(LIMITS.filterPattern)}`,
  ];
  assert.deepEqual(normaliseList(overlong), [overlong[0], overlong[1]]);
});

test('property: normaliseList equals the reference on short and long, shuffled, duplicated lists', () => {
  const piece = fc.oneof(
    fc.constantFrom('a', 'b', ' a', 'a ', '', ' ', '\u00a0a', 'a\u00a0'),
    fc.string({ maxLength: 4 }),
    fc.integer({ min: 0, max: 40 }).map(longPattern),
    fc.integer({ min: 0, max: 40 }).map((k) => ` ${longPattern(k)} `),
    fc.constantFrom(1, null, true, { x: 1 }),
  );
  fc.assert(
    fc.property(fc.array(piece, { maxLength: LIMITS.filterPatterns + 10 }), (list) => {
      assert.deepEqual(normaliseList(list), referenceNormalise(list));
    }),
    { numRuns: 500 },
  );
});

test('defaultingPatch: equal objects give no patch without the diff; any difference gives the diff', () => {
  const spec = {
    source: { type: 'url', url: 'https://a.com/r.json' },
    filter: { names: { include: ['a'] } },
  };
  assert.deepEqual(defaultingPatch({ spec }, { spec: structuredClone(spec) }), []);
  const changed = structuredClone(spec);
  changed.filter.names.include.push('b');
  assert.deepEqual(defaultingPatch({ spec }, { spec: changed }), [
    { op: 'add', path: '/spec/filter/names/include/-', value: 'b' },
  ]);
});

test('property: defaultingPatch equals the library diff on generated JSON pairs', () => {
  const json = fc.jsonValue({ maxDepth: 4 });
  const pair = fc.oneof(
    fc.tuple(json, json),
    json.map((v) => [v, structuredClone(v)] as const),
  );
  fc.assert(
    fc.property(pair, ([a, b]) => {
      let expected: unknown;
      try {
        expected = createPatch({ spec: a }, { spec: b }).filter((op) => op.op !== 'remove');
      } catch {
        return;
      }
      const removes = createPatch({ spec: a }, { spec: b }).some((op) => op.op === 'remove');
      if (removes) return; // refused by defaultingPatch either way (tested in defaults.test.ts)
      assert.deepEqual(defaultingPatch({ spec: a }, { spec: b }), expected);
    }),
    { numRuns: 1000 },
  );
});
