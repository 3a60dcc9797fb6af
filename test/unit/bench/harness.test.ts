/**
 * The benchmark harness's arithmetic and reporting: nearest-rank percentiles, medians, ratios that are
 * never invented, and the "not available" rendering.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { median, medianBy, percentile, ratio, summarize } from '../../../bench/lib/stats.ts';
import { machine, markdown, metric, type BenchResult } from '../../../bench/lib/report.ts';

test('nearest-rank percentiles of 1..100 are the ranks themselves', () => {
  const xs = Array.from({ length: 100 }, (_, i) => i + 1);
  assert.equal(percentile(xs, 50), 50);
  assert.equal(percentile(xs, 99), 99);
  assert.equal(percentile(xs, 99.9), 100);
  assert.equal(percentile(xs, 0), 1);
  assert.ok(Number.isNaN(percentile([], 50)));
  const s = summarize([5, 1, 3, 2, 4]);
  assert.deepEqual([s.count, s.p50, s.max, s.mean], [5, 3, 5, 3]);
});

test('percentiles are samples, ordered, and bounded by min and max', () => {
  fc.assert(
    fc.property(fc.array(fc.double({ noNaN: true, noDefaultInfinity: true }), { minLength: 1 }), (xs) => {
      const s = summarize(xs);
      for (const p of [s.p50, s.p90, s.p99, s.p999]) assert.ok(xs.includes(p));
      assert.ok(s.p50 <= s.p90 && s.p90 <= s.p99 && s.p99 <= s.p999 && s.p999 <= s.max);
      assert.equal(s.max, Math.max(...xs));
    }),
  );
});

test('median and medianBy pick the middle repetition', () => {
  assert.equal(median([3, 1, 2]), 2);
  assert.equal(median([4, 1, 3, 2]), 2.5);
  assert.equal(median([NaN, 7]), 7);
  assert.ok(Number.isNaN(median([])));
  assert.deepEqual(
    medianBy([{ v: 9 }, { v: 1 }, { v: 5 }], (r) => r.v),
    { v: 5 },
  );
  assert.throws(() => medianBy([], () => 0), /no runs/);
});

test('a ratio needs both figures: a missing or zero baseline gives NaN, never a number', () => {
  assert.equal(ratio(6, 3), 2);
  assert.ok(Number.isNaN(ratio(1, 0)));
  assert.ok(Number.isNaN(ratio(NaN, 1)));
  assert.ok(Number.isNaN(metric('s', 'm', 'ms', 1, NaN, 'lower').ratio));
  assert.equal(metric('s', 'p99', 'ms', 3, 2, 'lower').ratio, 1.5);
});

test('the Markdown table shows the ratio, and an unavailable benchmark says why', () => {
  const base: BenchResult = {
    name: 'x',
    status: 'ok',
    subject: 'ours',
    baseline: 'theirs',
    metrics: [metric('closed c=8', 'throughput', 'req/s', 1500, 3000, 'higher')],
    details: {},
    settings: {},
    machine: machine(),
    startedAt: '2026-11-23T00:00:00Z',
    durationMs: 1,
  };
  assert.equal(
    markdown(base).split('\n').at(-1),
    '| closed c=8 | throughput | 1,500 req/s | 3,000 req/s | 0.50× | higher |',
  );
  const na = markdown({
    ...base,
    status: 'not-available',
    reason: 'src/x is not in the tree yet',
    metrics: [],
  });
  assert.equal(na, '### x: ours vs theirs\n\n**not available: src/x is not in the tree yet**\n');
});
