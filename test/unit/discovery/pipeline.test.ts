/**
 * What a kubernetes source skipped reaches the sync like invalid entries do: counted, named in the
 * result, part of the hash (a new reason is a change), and carried to the sync workers.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runPipeline, sourcesHash } from '../../../src/controller/sync/pipeline.ts';
import { syncedEventMessage } from '../../../src/controller/sync/decide.ts';
import { fromWire, toWire } from '../../../src/controller/pipeline-workers/wire.ts';
import type { FetchedSource } from '../../../src/sources/types.ts';
import type { SpecV1beta1 } from '../../../src/api/types.ts';

const spec: SpecV1beta1 = { sources: [{ name: 'running', type: 'kubernetes' }] };
const text = JSON.stringify([
  {
    name: 'k8s.team-a/weather',
    description: 'Weather',
    version: '1.0.0',
    remotes: [{ type: 'streamable-http', url: 'https://weather.example/mcp' }],
  },
]);
const skipped = [{ workload: 'MCPServer team-a/broken', reason: 'exported but … is missing' }];

test('skipped workloads are counted and named among the invalid entries', () => {
  const r = runPipeline(spec, [{ name: 'running', format: 'upstream', text, skipped }]);
  assert.equal(r.serverCount, 1);
  assert.deepEqual(r.invalid, [
    { entry: 'MCPServer team-a/broken', field: '', reason: 'exported but … is missing', source: 'running' },
  ]);
});

test('the skips are part of the hash', () => {
  const a: FetchedSource = { name: 'running', format: 'upstream', text };
  assert.notEqual(sourcesHash([a]), sourcesHash([{ ...a, skipped }]));
  assert.notEqual(
    sourcesHash([{ ...a, skipped }]),
    sourcesHash([{ ...a, skipped: [{ ...skipped[0]!, reason: 'another' }] }]),
  );
});

test('the skips cross to a sync worker and back', () => {
  const f: FetchedSource = { name: 'running', format: 'upstream', text, skipped };
  assert.deepEqual(fromWire(structuredClone(toWire(f))), f);
});

test('the Synced Event names a skipped workload and why, without an empty field', () => {
  const r = runPipeline(spec, [{ name: 'running', format: 'upstream', text, skipped }]);
  assert.equal(
    syncedEventMessage(r, ['running']),
    'synced 1 servers from running (1 invalid entries skipped: MCPServer team-a/broken: exported but … is missing)',
  );
});
