/** A filter that kept nothing of what the sources hold (#21.6): Ready, but the status and Event say so. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { filteredOutMessage, runPipeline } from '../../../src/controller/sync/pipeline.ts';
import { decideOutcome, type SyncFacts } from '../../../src/controller/sync/decide.ts';
import { registry, toolhiveDoc } from './fixtures.ts';

const cmSource = (name: string, filter?: object) => ({
  name,
  type: 'configmap' as const,
  format: 'toolhive' as const,
  configMapRef: { name, key: 'registry.json' },
  ...(filter ? { filter } : {}),
});
const fetched = (names: string[], count = 3) =>
  names.map((name) => ({ name, text: toolhiveDoc(count), format: 'toolhive' as const }));

test('which filters emptied the catalog, and how many servers the sources had', () => {
  const bySpec = runPipeline(
    registry({ sources: [cmSource('a')], filter: { tags: { include: ['no-such-tag'] } } }).spec,
    fetched(['a']),
  );
  assert.equal(bySpec.serverCount, 0);
  assert.deepEqual(bySpec.filteredOut, { by: 'spec', servers: 3 });
  assert.equal(
    filteredOutMessage({ by: 'spec', servers: 3 }),
    'the filter matched nothing: spec.filter kept none of the 3 servers the sources provide',
  );
  const bySources = runPipeline(
    registry({ sources: [cmSource('a', { names: { include: ['nothing-*'] } })] }).spec,
    fetched(['a'], 1),
  );
  assert.deepEqual(bySources.filteredOut, { by: 'sources', servers: 1 });
  assert.equal(
    filteredOutMessage({ by: 'sources', servers: 1 }),
    "the filter matched nothing: the sources' filters kept none of their 1 server",
  );
  // An empty source is not a filter's doing; a kept server is not an empty result.
  assert.equal(
    runPipeline(registry({ sources: [cmSource('a')] }).spec, fetched(['a'], 0)).filteredOut,
    undefined,
  );
  assert.equal(
    runPipeline(registry({ sources: [cmSource('a')] }).spec, fetched(['a'])).filteredOut,
    undefined,
  );
});

test('Ready with DataValid=True FilterMatchedNothing and a Warning FilterMatchedNothing Event', () => {
  const r = runPipeline(
    registry({ sources: [cmSource('a')], filter: { tags: { include: ['no-such-tag'] } } }).spec,
    fetched(['a']),
  );
  const facts: SyncFacts = {
    reg: { generation: 2, sourceNames: ['a'], status: { phase: 'Ready' } },
    reason: 'SpecChanged',
    now: '2026-11-29T00:00:00Z',
    result: r,
    unchanged: false,
    storage: { configMaps: ['x-registry-storage'], bytes: 10, compressed: false },
    api: {
      readyReplicas: 0,
      condition: { type: 'APIReady', status: 'Unknown', reason: 'NotDeployed', message: 'off' },
    },
  };
  const plan = decideOutcome(facts);
  const why = 'the filter matched nothing: spec.filter kept none of the 3 servers the sources provide';
  assert.deepEqual(plan.event, {
    type: 'Warning',
    reason: 'FilterMatchedNothing',
    message: `synced 0 servers from source a: ${why}`,
  });
  const status = plan.status?.(undefined);
  assert.equal(status?.phase, 'Ready');
  assert.equal(status?.message, `0 servers from source a; ${why}`);
  const dataValid = status?.conditions?.find((c) => c.type === 'DataValid');
  assert.deepEqual(
    [dataValid?.status, dataValid?.reason, dataValid?.message],
    ['True', 'FilterMatchedNothing', why],
  );
  assert.equal(status?.conditions?.find((c) => c.type === 'Ready')?.status, 'True');
});
