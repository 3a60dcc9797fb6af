/**
 * What the controller holds of a registry source between syncs (src/registry/mirror/mirror-read.ts): after
 * a whole read, after an updated_since read (held, or the fallback to whole reads with the reason
 * the status shows), the changes replayed onto the whole read, and which spec changes make the held
 * pages another source's.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Entry } from '../../../src/registry/mirror/incremental.ts';
import {
  afterDelta,
  afterWholeRead,
  nextHeldRead,
  readFingerprint,
  refusedUpdatedSince,
  replayChanges,
  undatedReason,
  type HeldRead,
} from '../../../src/registry/mirror/mirror-read.ts';

const OFFICIAL = 'io.modelcontextprotocol.registry/official';
const entry = (
  name: string,
  version: string,
  updatedAt?: string,
  isLatest = true,
  status = 'active',
): Entry => ({
  server: { name, version },
  _meta: updatedAt === undefined ? {} : { [OFFICIAL]: { status, updatedAt, isLatest } },
});
const T1 = '2026-12-01T00:00:00Z';
const T2 = '2026-12-02T00:00:00.000000001Z';
const T3 = '2026-12-03T00:00:00Z';
const PAGES = ['p1', 'p2'];
const base = { fingerprint: 'fp', textBytes: 42, deltas: [], deltaBytes: 0 };

test('after a whole read: what is held, by fullSyncEvery and the entries', () => {
  const dated = [entry('a', '1', T1), entry('b', '1', T2)];
  type O = { ignored?: string; fullSyncEvery: number; latestOnly?: boolean };
  const cases: [string, Entry[], O, HeldRead<string>][] = [
    [
      'dated entries, fullSyncEvery 10: the pages held with the latest time',
      dated,
      { fullSyncEvery: 10 },
      { ...base, state: { latest: T2, incrementals: 0 }, pages: PAGES },
    ],
    [
      'fullSyncEvery 1: no pages held (every read is whole)',
      dated,
      { fullSyncEvery: 1 },
      { ...base, state: { latest: T2, incrementals: 0 }, pages: [] },
    ],
    [
      'an entry without updatedAt: the fallback, nothing held',
      [entry('a', '1', T1), entry('b', '1')],
      { fullSyncEvery: 10 },
      { ...base, state: { latest: T1, incrementals: 0, ignored: undatedReason(1) }, pages: [] },
    ],
    [
      'no entry dated: no time, the fallback',
      [entry('a', '1'), entry('b', '1')],
      { fullSyncEvery: 10 },
      { ...base, state: { incrementals: 0, ignored: undatedReason(2) }, pages: [] },
    ],
    [
      'out of name and version order: the fallback (a new entry has no known place)',
      [entry('b', '1', T1), entry('a', '1', T2)],
      { fullSyncEvery: 10 },
      {
        ...base,
        state: {
          latest: T2,
          incrementals: 0,
          ignored: 'the registry does not list its servers in name and version order',
        },
        pages: [],
      },
    ],
    [
      'an entry without a name: the fallback',
      [entry('a', '1', T1), { server: { version: '1' }, _meta: { [OFFICIAL]: { updatedAt: T2 } } }],
      { fullSyncEvery: 10 },
      {
        ...base,
        state: { latest: T2, incrementals: 0, ignored: 'the last read holds an entry without a name' },
        pages: [],
      },
    ],
    [
      'an empty registry: nothing to ask after, read whole again (no fallback)',
      [],
      { fullSyncEvery: 10 },
      { ...base, state: { incrementals: 0 }, pages: [] },
    ],
    [
      'found ignoring updated_since before: stays the fallback',
      dated,
      { fullSyncEvery: 10, ignored: 'why' },
      { ...base, state: { latest: T2, incrementals: 0, ignored: 'why' }, pages: [] },
    ],
  ];
  for (const [what, entries, o, want] of cases)
    assert.deepEqual(afterWholeRead(entries, { ...base, pages: PAGES, latestOnly: false, ...o }), want, what);
});

test('the reason a registry listing undated entries is read whole', () => {
  assert.equal(
    undatedReason(1),
    'the registry lists 1 entry without an updatedAt, whose changes updated_since cannot find',
  );
  assert.equal(
    undatedReason(3),
    'the registry lists 3 entries without an updatedAt, whose changes updated_since cannot find',
  );
});

test('after an updated_since read: its pages held after the others, or the fallback with its reason', () => {
  const held: HeldRead<string> = {
    ...base,
    state: { latest: T2, incrementals: 2 },
    pages: PAGES,
    deltas: [['d1']],
    deltaBytes: 5,
  };
  const cases: [string, Entry[], ReturnType<typeof afterDelta<string>>][] = [
    [
      'nothing changed',
      [],
      {
        held: { ...held, state: { latest: T2, incrementals: 3 }, deltas: [['d1'], ['d2']], deltaBytes: 12 },
      },
    ],
    [
      'changes: the latest time moves',
      [entry('a', '2', T3), entry('c', '1', T3)],
      {
        held: { ...held, state: { latest: T3, incrementals: 3 }, deltas: [['d1'], ['d2']], deltaBytes: 12 },
      },
    ],
    [
      'everything listed again: the registry ignores updated_since',
      [entry('a', '1', T1), entry('b', '1', T2)],
      {
        fallback: `the registry ignores updated_since: asked for entries updated after ${T2}, it listed 2 updated at or before it`,
      },
    ],
    [
      'a changed entry without updatedAt',
      [entry('c', '1')],
      { fallback: `the registry listed 1 entry without an updatedAt for updated_since=${T2}` },
    ],
    [
      'a changed entry without a name',
      [{ server: { version: '2' }, _meta: { [OFFICIAL]: { updatedAt: T3 } } }],
      { fallback: 'the registry listed a changed entry without a name' },
    ],
  ];
  for (const [what, delta, want] of cases)
    assert.deepEqual(afterDelta(held, T2, delta, { pages: ['d2'], bytes: 7, latestOnly: false }), want, what);
});

test('changes replayed onto the whole read, in turn', () => {
  const whole = [entry('a', '1', T1), entry('b', '1', T2)];
  const cases: [string, Entry[][], boolean, Entry[]][] = [
    ['no changes', [], false, whole],
    [
      'a new version, then a new server',
      [[entry('a', '2', T3)], [entry('c', '1', T3)]],
      false,
      [entry('a', '1', T1, false), entry('a', '2', T3), entry('b', '1', T2), entry('c', '1', T3)],
    ],
    [
      'latest only: a new version replaces its server, a deleted latest takes its server out',
      [[entry('a', '2', T3)], [entry('b', '1', T3, true, 'deleted')]],
      true,
      [entry('a', '2', T3)],
    ],
    [
      'the same entry changed twice: the later wins',
      [[entry('b', '1', T3, true, 'deprecated')], [entry('b', '1', T3, true, 'active')]],
      false,
      [entry('a', '1', T1), entry('b', '1', T3)],
    ],
  ];
  for (const [what, deltas, latestOnly, want] of cases)
    assert.deepEqual(replayChanges(whole, deltas, latestOnly), want, what);
  assert.throws(
    () => replayChanges([entry('b', '1', T1), entry('a', '1', T1)], [[entry('c', '1', T2)]], false),
    {
      message:
        "cannot apply a registry's changes: the registry does not list its servers in name and version order",
    },
  );
});

test('the fingerprint: where a read points and whether it asks for every version', () => {
  type F = Parameters<typeof readFingerprint>[0];
  const cases: [string, F, F, boolean][] = [
    ['same', { baseURL: 'https://r' }, { baseURL: 'https://r' }, true],
    ['another URL', { baseURL: 'https://r' }, { baseURL: 'https://s' }, false],
    [
      'latest only vs every version',
      { baseURL: 'https://r' },
      { baseURL: 'https://r', maxVersionsPerServer: 1 },
      false,
    ],
    [
      'another bound above 1 lists the same',
      { baseURL: 'https://r', maxVersionsPerServer: 5 },
      { baseURL: 'https://r' },
      true,
    ],
  ];
  for (const [what, a, b, same] of cases) assert.equal(readFingerprint(a) === readFingerprint(b), same, what);
});

test('a failed updated_since read: the registry refuses the parameter, or a failure to report', () => {
  const W = 'https://r.example/v0.1/servers';
  const cases: [string, { reason: string; message: string }, string | undefined][] = [
    [
      '400',
      { reason: 'HTTPError', message: `${W} answered HTTP 400` },
      'the registry refuses updated_since (HTTP 400)',
    ],
    [
      '422',
      { reason: 'HTTPError', message: `${W} answered HTTP 422` },
      'the registry refuses updated_since (HTTP 422)',
    ],
    [
      '500: a whole read would fail too',
      { reason: 'HTTPError', message: `${W} answered HTTP 500` },
      undefined,
    ],
    [
      '401',
      {
        reason: 'HTTPError',
        message: `${W} answered HTTP 401; check the credentials in authSecretRef or headersSecretRef`,
      },
      undefined,
    ],
    [
      '404',
      {
        reason: 'NotFound',
        message: `${W} answered HTTP 404; baseURL must be the registry's root, without /v0.1`,
      },
      undefined,
    ],
    [
      'a timeout',
      { reason: 'FetchTimeout', message: `${W}: paging did not finish within 600 s (stopped before page 2)` },
      undefined,
    ],
    [
      'a bad page',
      { reason: 'InvalidResponse', message: `${W} page 1: servers must be a list, answered HTTP 400` },
      undefined,
    ],
  ];
  for (const [what, e, want] of cases) assert.equal(refusedUpdatedSince(e), want, what);
});

test('the next read: whole once the changes held weigh as much as the whole read, else as nextRead says', () => {
  const held = (deltaBytes: number, deltas: string[][], incrementals = 1): HeldRead<string> => ({
    ...base,
    state: { latest: T2, incrementals },
    pages: PAGES,
    deltas,
    deltaBytes,
  });
  const cases: [string, HeldRead<string> | undefined, number, { since?: string }][] = [
    ['nothing held', undefined, 10, {}],
    ['changes lighter than the whole read', held(41, [['d']]), 10, { since: T2 }],
    ['changes as heavy as the whole read', held(42, [['d']]), 10, {}],
    ['changes heavier', held(100, [['d'], ['e']]), 1000, {}],
    [
      'no changes held yet (an empty whole read weighs 0)',
      { ...held(0, []), textBytes: 0 },
      10,
      { since: T2 },
    ],
    ['light changes, but the fullSyncEvery-th sync', held(1, [['d']], 9), 10, {}],
  ];
  for (const [what, h, every, want] of cases) assert.deepEqual(nextHeldRead(h, every), want, what);
});
