import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  DataError,
  runPipeline,
  sourcesHash,
  specFilterHash,
} from '../../../src/controller/sync/pipeline.ts';
import { registry, serverNames, toolhiveDoc } from './fixtures.ts';

const spec = registry().spec;

test('pipeline: parses, counts, hashes and serializes a source', () => {
  const fetched = [{ name: 'main', text: toolhiveDoc(5), format: 'toolhive' as const }];
  const r = runPipeline(spec, fetched);
  assert.equal(r.serverCount, 5);
  assert.equal(r.invalid.length, 0);
  assert.equal(r.hash, sourcesHash(fetched));
  assert.equal(r.filterHash, specFilterHash(spec));
  assert.deepEqual(r.catalog.servers.map((s) => s.name).sort(), serverNames(5).sort());
});

test('pipeline: the registry filter applies after the merge; the later source wins a name', () => {
  const names = serverNames(4);
  const two = registry({
    sources: [
      { name: 'a', type: 'configmap', format: 'toolhive', configMapRef: { name: 'a', key: 'registry.json' } },
      { name: 'b', type: 'configmap', format: 'toolhive', configMapRef: { name: 'b', key: 'registry.json' } },
    ],
    filter: { names: { exclude: [names[0] ?? ''] } },
  }).spec;
  const r = runPipeline(two, [
    { name: 'a', text: toolhiveDoc(2), format: 'toolhive' },
    { name: 'b', text: toolhiveDoc(4), format: 'toolhive' },
  ]);
  assert.equal(r.serverCount, 3);
  assert.equal(r.conflicts, 2);
  assert.ok(!r.catalog.servers.some((s) => s.name === names[0]));
});

const bad: [string, string, RegExp][] = [
  ['not JSON', '{', /^source main: /],
  ['200,000 nested brackets', '['.repeat(200_000), /^source main: /],
  ['a JSON array', '[]', /^source main: /],
];
for (const [name, text, message] of bad)
  test(`pipeline: ${name} is a DataError naming the source, never another exception`, () =>
    assert.throws(
      () => runPipeline(spec, [{ name: 'main', text, format: 'toolhive' }]),
      (e: unknown) => e instanceof DataError && e.source === 'main' && message.test(e.message),
    ));

test('the sources hash changes with the bytes and the source name; the filter hash with the filter', () => {
  const a = sourcesHash([{ name: 'x', text: '1', format: 'toolhive' }]);
  assert.notEqual(a, sourcesHash([{ name: 'x', text: '2', format: 'toolhive' }]));
  assert.notEqual(a, sourcesHash([{ name: 'y', text: '1', format: 'toolhive' }]));
  assert.notEqual(specFilterHash(spec), specFilterHash({ ...spec, filter: { tags: { include: ['db'] } } }));
});
