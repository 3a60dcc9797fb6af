/**
 * What a kubernetes source skipped reaches the sync like invalid entries do: counted, named in the
 * result, part of the hash (a new reason is a change), and carried to the sync workers; workloads
 * handed over unmapped read exactly as the document built from them.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { clearPipelineOutcomes, runPipeline, sourcesHash } from '../../../src/controller/sync/pipeline.ts';
import { syncedEventMessage } from '../../../src/controller/sync/decide.ts';
import { skippedWorkloads } from '../../../src/controller/sync/views.ts';
import { fromWire, toWire } from '../../../src/controller/pipeline-workers/wire.ts';
import type { FetchedSource } from '../../../src/sources/types.ts';
import { ANNOTATIONS, discoveredDocument } from '../../../src/registry/discovery/index.ts';
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

test('the skips cross to a sync worker and back', async () => {
  const f: FetchedSource = { name: 'running', format: 'upstream', text, skipped };
  assert.deepEqual(fromWire(structuredClone((await toWire(f)).source)), f);
});

test('the Synced Event names a skipped workload and why, without an empty field', () => {
  const r = runPipeline(spec, [{ name: 'running', format: 'upstream', text, skipped }]);
  assert.equal(
    syncedEventMessage(r, ['running']),
    'synced 1 servers from source running (1 invalid entries skipped: MCPServer team-a/broken: exported but … is missing)',
  );
});

test('workloads handed over as they are read the same as the document built from them beforehand', () => {
  // The pipeline maps a kubernetes source's workloads (on the sync worker); what it reads must be
  // exactly what the controller built on its event loop before: same hash, entries, skips, storage.
  const annotations = {
    'toolhive.stacklok.dev/registry-export': 'true',
    'toolhive.stacklok.dev/registry-url': 'https://weather.example/mcp',
    'toolhive.stacklok.dev/registry-description': 'Weather',
  };
  const workloads = {
    MCPServer: [
      {
        metadata: { name: 'weather', namespace: 'team-a', uid: 'u1', annotations },
        spec: { image: 'w:1.0.0' },
      },
      {
        metadata: {
          name: 'broken',
          namespace: 'team-a',
          uid: 'u2',
          annotations: { [ANNOTATIONS.export]: 'true' },
        },
      },
    ],
  };
  const doc = discoveredDocument(workloads);
  const mapped = runPipeline(spec, [
    { name: 'running', format: 'upstream', discovered: { workloads, chars: 0 } },
  ]);
  clearPipelineOutcomes(); // read again, not answered from what the first read found
  const built = runPipeline(spec, [
    { name: 'running', format: 'upstream', text: doc.text, skipped: doc.skipped },
  ]);
  assert.equal(mapped.serverCount, 1);
  assert.equal(mapped.invalid.length, 1);
  assert.deepEqual(mapped, built);
});

test("the controller logs the workloads a kubernetes source skipped, not other sources' invalid entries", () => {
  const reg = {
    metadata: { namespace: 'team-a', name: 'catalog' },
    spec: {
      sources: [
        { name: 'running', type: 'kubernetes' as const },
        { name: 'main', type: 'configmap' as const },
      ],
    },
  };
  const invalid = [
    { entry: 'MCPServer team-a/broken', field: '', reason: 'exported but … is missing', source: 'running' },
    { entry: 'k8s.team-a/long', field: 'description', reason: 'too long', source: 'running' },
    { entry: 'weather', field: '', reason: 'no image', source: 'main' },
  ];
  assert.deepEqual(skippedWorkloads(reg, invalid), [
    { source: 'running', workload: 'MCPServer team-a/broken', reason: 'exported but … is missing' },
  ]);
});
