/**
 * When a workload-driven sync may reuse what a registry's remote sources fetched (fetch-memo.ts):
 * only while nothing that could change them did. Table test over the inputs that decide.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { FetchMemo } from '../../../src/controller/discovery/fetch-memo.ts';
import type { MCPRegistryV1beta1 } from '../../../src/api/types.ts';
import type { FetchedSource, SourceToFetch } from '../../../src/sources/types.ts';

function reg(o: { generation?: number; trigger?: string; phase?: string; interval?: string } = {}) {
  return {
    apiVersion: 'toolhive.stacklok.io/v1beta1',
    kind: 'MCPRegistry',
    metadata: {
      name: 'r',
      namespace: 'n',
      generation: o.generation ?? 1,
      annotations: o.trigger ? { 'toolhive.stacklok.io/sync-trigger': o.trigger } : {},
    },
    spec: {
      sources: [],
      ...(o.interval ? { syncPolicy: { interval: o.interval } } : {}),
    },
    status: { phase: o.phase ?? 'Ready' },
  } as unknown as MCPRegistryV1beta1;
}

const sources = [
  { name: 'cm', type: 'configmap', configMapRef: { name: 'c' } },
  { name: 'u', type: 'url', url: { href: 'https://x.example/r.json' } },
  { name: 'k', type: 'kubernetes' },
] as MCPRegistryV1beta1['spec']['sources'];
const fetched: FetchedSource = { name: 'u', format: 'upstream', text: '[]' };

/** First apply + remember, then a second apply: whether `u` comes back prefetched. */
function reused(second: Parameters<typeof reg>[0], refs2 = 'refs', afterMs = 0): boolean {
  let now = 0;
  const memo = new FetchMemo(() => now);
  const first = memo.apply(reg({ interval: second?.interval }), sources, 'refs');
  (first[1] as SourceToFetch).remember?.(fetched);
  now = afterMs;
  const again = memo.apply(reg(second), sources, refs2);
  assert.equal(again[0], sources[0], 'configmap sources are always read (from the informer cache)');
  assert.equal(again[2], sources[2]);
  return (again[1] as SourceToFetch).prefetched === fetched;
}

test('remote sources are reused only while nothing that could change them did', () => {
  const cases: [string, boolean][] = [
    ['nothing changed', reused({})],
    ['the spec changed (generation)', reused({ generation: 2 })],
    ['a manual sync was asked for', reused({ trigger: 'now' })],
    ['a referenced registry changed', reused({}, 'other')],
    ['the registry is not Ready', reused({ phase: 'Failed' })],
    ['within the interval', reused({ interval: '1h' }, 'refs', 59 * 60_000)],
    ['the interval elapsed', reused({ interval: '1h' }, 'refs', 60 * 60_000)],
  ];
  assert.deepEqual(cases, [
    ['nothing changed', true],
    ['the spec changed (generation)', false],
    ['a manual sync was asked for', false],
    ['a referenced registry changed', false],
    ['the registry is not Ready', false],
    ['within the interval', true],
    ['the interval elapsed', false],
  ]);
});

test('what a registry no longer present fetched is dropped', () => {
  const memo = new FetchMemo(() => 0);
  (memo.apply(reg(), sources, '')[1] as SourceToFetch).remember?.(fetched);
  memo.retain(new Set());
  assert.equal((memo.apply(reg(), sources, '')[1] as SourceToFetch).prefetched, undefined);
});
