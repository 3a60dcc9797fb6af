/**
 * The mirror the sync and mirror benchmarks read: N servers × 3 versions in the order and with the
 * dates the controller's incremental read requires (or it would read whole and the benchmark would
 * time a whole read), and 1% of its servers changed so that an updated_since answer is honoured and
 * applying it gives the changed mirror.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { changeOnePercent, versionedEntries } from '../../../bench/lib/catalog.ts';
import {
  applyChanges,
  judgeDelta,
  latestUpdate,
  type Entry,
} from '../../../src/registry/mirror/incremental.ts';

const entries = (n: number) => versionedEntries(n) as unknown as Entry[];
const nameVersion = (e: Entry) => {
  const s = e.server as { name: string; version: string };
  return `${s.name}@${s.version}`;
};

test('a versioned mirror: 3 dated versions per server, the latest flagged, in name and version order', () => {
  for (const n of [1, 7, 300]) {
    const m = entries(n);
    assert.equal(m.length, n * 3);
    assert.equal(latestUpdate(m).undated, 0);
    const latest = m.filter(
      (e) =>
        (e._meta as Record<string, { isLatest: boolean }>)['io.modelcontextprotocol.registry/official']!
          .isLatest,
    );
    assert.deepEqual(
      latest.map((e) => (e.server as { version: string }).version),
      Array.from({ length: n }, () => '2.0.0'),
    );
    // applyChanges refuses (reads whole) a held list out of name and version order.
    assert.ok('entries' in applyChanges(m, []), `n=${n}`);
  }
});

test('1% of the servers changed: dated after everything, honoured as an updated_since answer, applied in place', () => {
  for (const [n, changedServers] of [
    [100, 1],
    [1000, 10],
    [5000, 50],
  ] as const) {
    const held = entries(n);
    const since = latestUpdate(held).latest as string;
    const now = [...held];
    const delta = changeOnePercent(now);
    assert.equal(delta.length, changedServers, `n=${n}`);
    assert.equal(new Set(delta.map((e) => (e.server as { name: string }).name)).size, changedServers);
    assert.deepEqual(judgeDelta(delta, since), { honoured: true });
    // What the fake upstream lists for updated_since=since is exactly the changes.
    assert.deepEqual(
      now.filter((e) => !held.includes(e)),
      delta,
    );
    const applied = applyChanges(held, delta);
    assert.ok('entries' in applied);
    assert.deepEqual(applied.entries.map(nameVersion), now.map(nameVersion));
    assert.deepEqual(applied.entries, now);
    // A second round is dated after the first.
    const second = changeOnePercent(now, 1);
    assert.deepEqual(judgeDelta(second, latestUpdate(delta).latest as string), { honoured: true });
  }
});
