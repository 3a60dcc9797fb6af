/**
 * What a user reads about a registry source read whole because it cannot be read incrementally
 * (SPEC §16, src/controller/sync/mirror-status.ts): the SourceAvailable condition, the Warning Event
 * when it is found out, and that an unchanged sync still writes status when that condition would
 * change (and only then).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  fallbackEvents,
  sourceAvailable,
  wholeReadsNote,
} from '../../../src/controller/sync/mirror-status.ts';
import { decideOutcome, type SyncFacts } from '../../../src/controller/sync/decide.ts';
import { statusAfterSuccess } from '../../../src/controller/sync/status.ts';
import type { PipelineResult } from '../../../src/controller/sync/pipeline.ts';
import type { Condition } from '../../../src/api/types.ts';

const WHY =
  'the registry ignores updated_since: asked for entries updated after T, it listed 3 updated at or before it';

test('the status note and the Events of the fetched sources', () => {
  const cases: [
    string,
    { name: string; mirror?: { incremental: boolean; fallback?: string; detected?: boolean } }[],
    string | undefined,
    string[],
  ][] = [
    ['no registry source', [{ name: 'cm' }], undefined, []],
    ['read incrementally', [{ name: 'up', mirror: { incremental: true } }], undefined, []],
    ['read whole on schedule', [{ name: 'up', mirror: { incremental: false } }], undefined, []],
    [
      'found out now: the note and one Warning',
      [{ name: 'up', mirror: { incremental: false, fallback: WHY, detected: true } }],
      `source up is read whole at every sync: ${WHY}`,
      [`Warning IncrementalSyncFallback source up is read whole at every sync: ${WHY}`],
    ],
    [
      'known before: the note, no Event',
      [{ name: 'up', mirror: { incremental: false, fallback: WHY } }],
      `source up is read whole at every sync: ${WHY}`,
      [],
    ],
    [
      'two sources',
      [
        { name: 'a', mirror: { incremental: false, fallback: 'x' } },
        { name: 'cm' },
        { name: 'b', mirror: { incremental: false, fallback: 'y', detected: true } },
      ],
      'source a is read whole at every sync: x; source b is read whole at every sync: y',
      ['Warning IncrementalSyncFallback source b is read whole at every sync: y'],
    ],
  ];
  for (const [what, fetched, note, events] of cases) {
    assert.equal(wholeReadsNote(fetched), note, what);
    assert.deepEqual(
      fallbackEvents(fetched).map((e) => `${e.type} ${e.reason} ${e.message}`),
      events,
      what,
    );
  }
});

test('SourceAvailable after a successful sync', () => {
  assert.deepEqual(sourceAvailable(['a', 'b']), {
    type: 'SourceAvailable',
    status: 'True',
    reason: 'Fetched',
    message: 'fetched a, b',
  });
  assert.deepEqual(sourceAvailable(['up'], `source up is read whole at every sync: ${WHY}`), {
    type: 'SourceAvailable',
    status: 'True',
    reason: 'WholeSyncFallback',
    message: `fetched up; source up is read whole at every sync: ${WHY}`,
  });
});

const NOTE = `source up is read whole at every sync: ${WHY}`;
const result: PipelineResult = {
  hash: 'h',
  filterHash: 'f',
  serverCount: 2,
  invalid: [],
  conflicts: 0,
  catalog: { servers: [] } as unknown as PipelineResult['catalog'],
};
const said = (reason: string, message: string): Condition[] => [
  {
    type: 'SourceAvailable',
    status: 'True',
    reason,
    message,
    lastTransitionTime: 'x',
    observedGeneration: 1,
  },
];
const facts = (conditions: Condition[], wholeReads?: string): SyncFacts => ({
  reg: { generation: 1, sourceNames: ['up'], status: { phase: 'Ready', conditions } },
  reason: 'IntervalElapsed',
  now: '2026-12-08T00:00:00Z',
  result,
  unchanged: true,
  storage: { configMaps: [], bytes: 0, compressed: false },
  api: {
    readyReplicas: 0,
    condition: { type: 'APIReady', status: 'Unknown', reason: 'NotDeployed', message: 'off' },
  },
  ...(wholeReads !== undefined && { wholeReads }),
});

test('an unchanged periodic sync writes status only when SourceAvailable would change', () => {
  const cases: [string, Condition[], string | undefined, boolean][] = [
    ['nothing to say, nothing said', said('Fetched', 'fetched up'), undefined, false],
    ['the fallback found: written', said('Fetched', 'fetched up'), NOTE, true],
    ['the fallback said already', said('WholeSyncFallback', `fetched up; ${NOTE}`), NOTE, false],
    [
      'the fallback for another reason: written',
      said('WholeSyncFallback', 'fetched up; source up is read whole at every sync: z'),
      NOTE,
      true,
    ],
    [
      'the fallback over (a new process reads whole): written',
      said('WholeSyncFallback', `fetched up; ${NOTE}`),
      undefined,
      true,
    ],
  ];
  for (const [what, conditions, wholeReads, writes] of cases) {
    const plan = decideOutcome(facts(conditions, wholeReads));
    assert.equal(plan.result, 'unchanged', what);
    assert.equal(plan.status !== undefined, writes, what);
    if (plan.status) {
      const conds = plan.status({ phase: 'Ready', conditions }).conditions ?? [];
      const cond = conds.find((c) => c.type === 'SourceAvailable');
      const want = sourceAvailable(['up'], wholeReads);
      assert.deepEqual([cond?.reason, cond?.message], [want.reason, want.message], what);
    }
  }
});

test('the success status carries the fallback on SourceAvailable, Ready stays True', () => {
  const s = statusAfterSuccess(
    undefined,
    {
      kind: 'success',
      hash: 'h',
      filterHash: 'f',
      serverCount: 1,
      invalidCount: 0,
      conflicts: 0,
      storage: { configMaps: [], bytes: 0, compressed: false },
      stored: true,
      sourceNames: ['up'],
      wholeReads: NOTE,
    },
    {
      generation: 1,
      now: 'n',
      api: {
        readyReplicas: 0,
        condition: { type: 'APIReady', status: 'Unknown', reason: 'NotDeployed', message: 'off' },
      },
    },
  );
  const by = Object.fromEntries((s.conditions ?? []).map((c) => [c.type, `${c.status}/${c.reason}`]));
  assert.equal(by.SourceAvailable, 'True/WholeSyncFallback');
  assert.equal(by.Ready, 'True/Synced');
  assert.equal(s.phase, 'Ready');
});
