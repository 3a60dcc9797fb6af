/**
 * A document's shape as the sync worker weighs it before parsing (pipeline-workers/heap-bound.ts):
 * containers and the entries of depth-2 lists counted outside strings, the same from UTF-8 bytes as
 * from text; a catalog weighs what it weighed by length alone (HEAP_PER_TEXT per character), text
 * made to expand weighs what it costs.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import {
  addShape,
  emptyShape,
  heapEstimate,
  HEAP_PER_TEXT,
} from '../../../src/controller/pipeline-workers/heap-bound.ts';

const shape = (text: string) => {
  const { containers, entries } = addShape(emptyShape(), text);
  return { containers, entries };
};

test('containers and entries, counted outside strings (table)', () => {
  const table: [string, { containers: number; entries: number }][] = [
    ['{}', { containers: 1, entries: 0 }],
    ['{"servers":[]}', { containers: 2, entries: 0 }],
    ['{"servers":[{},{}]}', { containers: 4, entries: 2 }],
    ['{"servers":[1,"a",null,[]]}', { containers: 3, entries: 4 }],
    [' { "servers" : [ {} , {} ] , "metadata" : { "count" : 2 } } ', { containers: 5, entries: 3 }],
    ['{"servers":{"a":{},"b":{"x":[1,2]}}}', { containers: 5, entries: 2 }],
    ['{"servers":{"a":{"b":{"c":{"d":[]}}}}}', { containers: 6, entries: 1 }],
    ['{"s":"{[,]}","t":["\\"{",",[{"]}', { containers: 2, entries: 2 }],
    ['[[1,2],[3]]', { containers: 3, entries: 3 }],
    ['[{"a":[1,2,3]}]', { containers: 3, entries: 1 }],
  ];
  for (const [text, want] of table) assert.deepEqual(shape(text), want, text);
});

test('properties: one per colon outside strings', () => {
  assert.equal(addShape(emptyShape(), '{"a":1,"b":{"c":":","d":[{"e":"x:y"}]}}').properties, 5);
  const many = addShape(
    emptyShape(),
    `{"servers":[{${Array.from({ length: 1000 }, (_, i) => `"k${i}":0`).join(',')}}]}`,
  );
  assert.equal(many.properties, 1001);
  // ~108 bytes per property of ~11 characters: well above the length measure.
  assert.ok(heapEstimate(many) > many.chars * 9);
});

test('UTF-8 bytes count as the text does (multi-byte characters never look like JSON syntax)', () => {
  const text = '{"servers":[{"d":"ü€𝄞 {["},{"d":"\\u00fc"},["„,“"]]}';
  const bytes = Buffer.from(text);
  const a = addShape(emptyShape(), text);
  const b = addShape(emptyShape(), bytes);
  assert.deepEqual({ ...b, chars: a.chars }, a);
  assert.equal(b.chars, bytes.length);
});

test('a real catalog weighs what its length alone said; entries made to expand weigh far more', () => {
  const real = readFileSync(
    new URL('../../fixtures/toolhive-registry/registry-2025-10-22.json', import.meta.url),
    'utf8',
  );
  const r = addShape(emptyShape(), JSON.stringify(JSON.parse(real)));
  assert.equal(heapEstimate(r), r.chars * HEAP_PER_TEXT);
  const n = 10_000;
  const bomb = addShape(emptyShape(), `{"servers":[${Array(n).fill('{}').join(',')}]}`);
  assert.deepEqual({ containers: bomb.containers, entries: bomb.entries }, { containers: n + 2, entries: n });
  // ~194 bytes per character: more than the ~155 measured through the pipeline.
  assert.ok(heapEstimate(bomb) / bomb.chars > 190, `${heapEstimate(bomb) / bomb.chars}`);
});
