/**
 * Incremental resync (src/registry/mirror/incremental.ts): the next read, the verdict on an answer to
 * updated_since with the exact reasons the status shows, and — as a property over random change
 * sequences — the last read with the changes applied equals a whole read of the same registry.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import {
  applyChanges,
  judgeDelta,
  latestUpdate,
  nextRead,
  updatedAtOf,
  type Entry,
} from '../../../src/registry/mirror/incremental.ts';

const OFFICIAL = 'io.modelcontextprotocol.registry/official';
const entry = (
  name: string,
  version: string,
  updatedAt?: string,
  extra: Record<string, unknown> = {},
): Entry => ({
  server: { name, version, description: `${name} ${version}`, ...extra },
  _meta: updatedAt === undefined ? {} : { [OFFICIAL]: { status: 'active', updatedAt, isLatest: true } },
});

test('the next read: whole without a time, when ignored, and every fullSyncEvery-th sync', () => {
  const cases: [string, Parameters<typeof nextRead>[0], number, { since?: string }][] = [
    ['nothing held', undefined, 10, {}],
    ['held without a time', { incrementals: 0 }, 10, {}],
    ['ignored', { latest: 't', incrementals: 0, ignored: 'why' }, 10, {}],
    ['first after a whole read', { latest: 't', incrementals: 0 }, 10, { since: 't' }],
    ['eighth incremental', { latest: 't', incrementals: 8 }, 10, { since: 't' }],
    ['tenth sync is whole', { latest: 't', incrementals: 9 }, 10, {}],
    ['fullSyncEvery 1: always whole', { latest: 't', incrementals: 0 }, 1, {}],
    ['fullSyncEvery 2', { latest: 't', incrementals: 0 }, 2, { since: 't' }],
    ['fullSyncEvery 2, after one', { latest: 't', incrementals: 1 }, 2, {}],
  ];
  for (const [what, state, every, want] of cases) assert.deepEqual(nextRead(state, every), want, what);
});

test("the source's own latest updatedAt, exact to the nanosecond, whatever the offset", () => {
  const es = [
    entry('a', '1', '2026-03-04T05:00:00.000000001Z'),
    entry('b', '1', '2026-03-04T05:00:00Z'),
    // 06:00+01:00 is 05:00Z: one nanosecond earlier than the first.
    entry('c', '1', '2026-03-04T06:00:00+01:00'),
    entry('d', '1'),
    entry('e', '1', 'yesterday'),
  ];
  assert.deepEqual(latestUpdate(es), { latest: '2026-03-04T05:00:00.000000001Z', undated: 2 });
  assert.deepEqual(latestUpdate([], '2026-01-01T00:00:00Z'), { latest: '2026-01-01T00:00:00Z', undated: 0 });
  assert.deepEqual(latestUpdate([entry('a', '1', '2026-01-01T00:00:00.5Z')], '2026-01-01T00:00:00.4999Z'), {
    latest: '2026-01-01T00:00:00.5Z',
    undated: 0,
  });
  assert.equal(updatedAtOf(entry('a', '1', '2026-03-04T05:00:00.089802Z')), '2026-03-04T05:00:00.089802Z');
});

test('an answer to updated_since is judged by its entries, with the message the status shows', () => {
  const since = '2026-03-04T05:00:00.5Z';
  assert.deepEqual(judgeDelta([], since), { honoured: true });
  assert.deepEqual(judgeDelta([entry('a', '1', '2026-03-04T05:00:00.500000001Z')], since), {
    honoured: true,
  });
  assert.deepEqual(
    judgeDelta(
      [
        entry('a', '1', since),
        entry('b', '1', '2026-01-01T00:00:00Z'),
        entry('c', '1', '2027-01-01T00:00:00Z'),
      ],
      since,
    ),
    {
      honoured: false,
      reason:
        'the registry ignores updated_since: asked for entries updated after 2026-03-04T05:00:00.5Z, it listed 2 updated at or before it',
    },
  );
  assert.deepEqual(judgeDelta([entry('a', '1')], since), {
    honoured: false,
    reason: 'the registry listed 1 entry without an updatedAt for updated_since=2026-03-04T05:00:00.5Z',
  });
});

test('changes take the place of what they change; new entries go where the registry lists them', () => {
  const held = [entry('a', '1.0.0', 't1'), entry('a', '1.0.1', 't1'), entry('c', '1.0.0', 't1')];
  const r = applyChanges(held, [
    entry('c', '1.0.0', 't2', { description: 'changed' }),
    entry('b', '1.0.0', 't2'),
    entry('a', '1.0.10', 't2'),
    entry('d', '0.1.0', 't2'),
  ]);
  assert.ok('entries' in r);
  assert.deepEqual(
    r.entries.map((e) => `${(e.server as Entry).name}@${(e.server as Entry).version}`),
    ['a@1.0.0', 'a@1.0.1', 'a@1.0.10', 'b@1.0.0', 'c@1.0.0', 'd@0.1.0'],
  );
  assert.equal((r.entries[4]?.server as Entry).description, 'changed');
  // A source read for its latest versions holds one entry per server: a new latest replaces it.
  const latest = applyChanges([entry('a', '1.0.0', 't1')], [entry('a', '2.0.0', 't2')], true);
  assert.deepEqual(latest, { entries: [entry('a', '2.0.0', 't2')] });
});

test('when the place of a new entry cannot be known, the answer is a whole read, saying why', () => {
  assert.deepEqual(applyChanges([entry('b', '1', 't'), entry('a', '1', 't')], []), {
    whole: 'the registry does not list its servers in name and version order',
  });
  assert.deepEqual(applyChanges([{ server: { version: '1' } }], []), {
    whole: 'the last read holds an entry without a name',
  });
  assert.deepEqual(applyChanges([entry('a', '1', 't')], [{ server: {} }]), {
    whole: 'the registry listed a changed entry without a name',
  });
});

/**
 * A registry as the official one keeps it: rows by (name, version), each with its update time; a
 * new version becomes the latest without the former latest's time changing; a latest-only listing
 * leaves out a server whose latest version is deleted, but updated_since lists deleted versions.
 */
type Row = { name: string; version: string; status: string; rev: number; at: number; latest: boolean };
const stamp = (at: number) => new Date(Date.UTC(2026, 0, 1) + at).toISOString().replace('Z', '123Z');
const order = (a: Row, b: Row) =>
  a.name !== b.name ? (a.name < b.name ? -1 : 1) : a.version < b.version ? -1 : a.version > b.version ? 1 : 0;
const listing = (rows: Map<string, Row>, latestOnly: boolean, since?: number): Entry[] =>
  [...rows.values()]
    .filter(
      (r) =>
        (!latestOnly || r.latest) &&
        (since === undefined ? !latestOnly || r.status !== 'deleted' : r.at > since),
    )
    .sort(order)
    .map((r) => ({
      server: { name: r.name, version: r.version, description: `rev ${r.rev}` },
      _meta: { [OFFICIAL]: { status: r.status, updatedAt: stamp(r.at), isLatest: r.latest } },
    }));

test('property: the last read with the changes since its latest updatedAt equals a whole read', () => {
  const op = fc.record({
    kind: fc.constantFrom('publish', 'deprecate', 'delete', 'activate', 'edit'),
    name: fc.constantFrom('io.x/a', 'io.x/b', 'io.x/c-d', 'io.x/cd', 'io.y/z'),
    version: fc.constantFrom('1.0.0', '1.0.1', '1.0.10', '1.0.9', '2.0.0'),
  });
  fc.assert(
    fc.property(
      fc.array(fc.array(op, { maxLength: 6 }), { minLength: 1, maxLength: 6 }),
      fc.boolean(),
      (syncs, latestOnly) => {
        const rows = new Map<string, Row>();
        let clock = 0;
        let held = listing(rows, latestOnly);
        let since: number | undefined;
        for (const ops of syncs) {
          for (const o of ops) {
            const key = `${o.name}@${o.version}`;
            const row = rows.get(key);
            clock++;
            if (o.kind === 'publish' && !row) {
              for (const r of rows.values()) if (r.name === o.name) r.latest = false;
              rows.set(key, {
                name: o.name,
                version: o.version,
                status: 'active',
                rev: 0,
                at: clock,
                latest: true,
              });
            } else if (row && o.kind !== 'publish')
              rows.set(key, {
                ...row,
                status: o.kind === 'edit' ? row.status : o.kind === 'activate' ? 'active' : `${o.kind}d`,
                rev: row.rev + 1,
                at: clock,
              });
          }
          const whole = listing(rows, latestOnly);
          if (since === undefined) held = whole;
          else {
            const delta = listing(rows, latestOnly, since);
            assert.deepEqual(judgeDelta(delta, stamp(since)), { honoured: true });
            const r = applyChanges(held, delta, latestOnly);
            assert.ok('entries' in r);
            assert.deepEqual(r.entries, whole);
            held = r.entries;
          }
          since = clock;
        }
      },
    ),
    { numRuns: 300 },
  );
});
