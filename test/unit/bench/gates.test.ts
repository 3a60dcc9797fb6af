/**
 * The gates at the end of `npm run bench`: which result rows a gate reads, PASS/FAIL on the ratio
 * (never on an absolute figure), the worst row deciding, missing or unrun benchmarks never passing,
 * the A/A noise band, and the printed table.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { evaluateGates, gatesMarkdown, GATES, noiseBand, re, type Gate } from '../../../bench/lib/gates.ts';
import { machine, metric, type BenchResult, type Metric } from '../../../bench/lib/report.ts';

function result(name: string, metrics: Metric[], status: BenchResult['status'] = 'ok'): BenchResult {
  return {
    name,
    status,
    subject: 'ours',
    baseline: 'theirs',
    metrics,
    details: {},
    settings: {},
    machine: machine(),
    startedAt: '2026-11-29T00:00:00Z',
    durationMs: 1,
  };
}

const throughputGate: Gate = {
  id: 't',
  bench: 'webhook',
  label: 'throughput',
  scenario: '/validate closed, keep-alive, c=8',
  metric: 'throughput',
  op: '>=',
  target: 0.9,
  on: 'ratio',
};
const p99Gate: Gate = {
  id: 'p',
  bench: 'webhook',
  label: 'open p99',
  scenario: re('/validate open, keep-alive, # req/s'),
  metric: 'p99',
  op: '<=',
  target: 1.5,
  on: 'ratio',
};

test('a higher-is-better gate passes at or above its ratio and fails below it', () => {
  const at = (ours: number) =>
    evaluateGates(
      [
        result('webhook', [
          metric(throughputGate.scenario as string, 'throughput', 'req/s', ours, 1000, 'higher'),
        ]),
      ],
      [throughputGate],
    )[0];
  assert.equal(at(900)?.status, 'PASS');
  assert.equal(at(900)?.value, 0.9);
  assert.equal(at(899)?.status, 'FAIL');
  assert.equal(at(5000)?.status, 'PASS');
});

test('a lower-is-better gate reads the ratio, not the absolute figure, and the pattern finds the rate', () => {
  const rows = (ours: number, base: number) =>
    evaluateGates(
      [
        result('webhook', [
          metric('/validate open, keep-alive, 2000 req/s', 'p99', 'ms', ours, base, 'lower'),
        ]),
      ],
      [p99Gate],
    )[0];
  assert.equal(rows(300, 200)?.status, 'PASS'); // 1.5× of a slow machine
  assert.equal(rows(3.1, 2)?.status, 'FAIL'); // 1.55× of a fast one
  assert.deepEqual(rows(3.1, 2)?.rows, [{ scenario: '/validate open, keep-alive, 2000 req/s', value: 1.55 }]);
  // A different path or metric is not this gate's row.
  const other = evaluateGates(
    [result('webhook', [metric('/mutate open, keep-alive, 2000 req/s', 'p99', 'ms', 1, 1, 'lower')])],
    [p99Gate],
  )[0];
  assert.equal(other?.status, 'MISSING');
});

test('when a gate matches several rows the worst decides', () => {
  const g: Gate = { ...throughputGate, scenario: /.*/ };
  const row = evaluateGates(
    [
      result('webhook', [
        metric('a', 'throughput', 'req/s', 100, 100, 'higher'),
        metric('b', 'throughput', 'req/s', 80, 100, 'higher'),
        metric('c', 'p50', 'ms', 1, 100, 'lower'),
      ]),
    ],
    [g],
  )[0];
  assert.equal(row?.status, 'FAIL');
  assert.equal(row?.value, 0.8);
  assert.equal(row?.rows.length, 2);
});

test('a benchmark not run, a failed one, or a ratio without a baseline never passes', () => {
  assert.equal(evaluateGates([], [throughputGate])[0]?.status, 'NOT RUN');
  const failed = evaluateGates(
    [{ ...result('webhook', []), status: 'failed', reason: 'boom' }],
    [throughputGate],
  )[0];
  assert.equal(failed?.status, 'MISSING');
  assert.match(failed?.note ?? '', /benchmark failed: boom/);
  const nan = evaluateGates(
    [result('webhook', [metric('/validate closed, keep-alive, c=8', 'throughput', 'req/s', 5, 0, 'higher')])],
    [throughputGate],
  )[0];
  assert.equal(nan?.status, 'MISSING');
});

test('an absolute target is shown as information, never PASS or FAIL', () => {
  const g: Gate = { ...p99Gate, id: 'abs', op: '<=', target: 25, on: 'ours' };
  const row = (ours: number) =>
    evaluateGates(
      [result('webhook', [metric('/validate open, keep-alive, 2000 req/s', 'p99', 'ms', ours, 1, 'lower')])],
      [g],
    )[0];
  assert.deepEqual([row(20)?.status, row(20)?.note, row(20)?.value], ['INFO', 'met', 20]);
  assert.equal(row(30)?.status, 'INFO');
  assert.match(row(30)?.note ?? '', /not met/);
});

test('the A/A band spans the ratios of each kind; a failure inside it says so', () => {
  const aa = result('aa', [
    metric('x', 'throughput', 'req/s', 95, 100, 'higher'),
    metric('y', 'throughput', 'req/s', 104, 100, 'higher'),
    metric('x', 'p99', 'ms', 1.2, 1, 'lower'),
    metric('x', 'p50', 'ms', 1, 1, 'lower'),
    metric('x', 'event-loop delay p99', 'ms', 9, 1, 'lower'), // not a harness figure: ignored
  ]);
  const band = noiseBand(aa);
  assert.deepEqual(band.throughput, [0.95, 1.04]);
  assert.deepEqual(band.p99, [1.2, 1.2]);
  assert.deepEqual(band.p50, [1, 1]);
  const web = (ours: number) =>
    result('webhook', [
      metric('/validate closed, keep-alive, c=8', 'throughput', 'req/s', ours, 100, 'higher'),
    ]);
  // 0.86 fails 0.9 but 0.86 / 0.95 = 0.905 would pass: within noise. 0.8 / 0.95 = 0.84 is not.
  assert.equal(evaluateGates([aa, web(86)], [throughputGate])[0]?.withinNoise, true);
  assert.equal(evaluateGates([aa, web(80)], [throughputGate])[0]?.withinNoise, false);
  assert.equal(evaluateGates([web(80)], [throughputGate])[0]?.withinNoise, undefined);
  assert.deepEqual(noiseBand(undefined), {});
  // A memory or wall-time gate has no A/A band: it never says "within noise".
  const rss: Gate = { ...throughputGate, metric: 'server RSS', op: '<=', target: 1.3 };
  const mem = result('webhook', [
    metric('/validate closed, keep-alive, c=8', 'server RSS', 'MiB', 2, 1, 'lower'),
  ]);
  const row = evaluateGates([aa, mem], [rss])[0];
  assert.deepEqual([row?.status, row?.withinNoise], ['FAIL', undefined]);
});

test('the table has one row per gate and states the band', () => {
  const aa = result('aa', [metric('x', 'p99', 'ms', 0.9, 1, 'lower')]);
  const rows = evaluateGates([aa], GATES);
  const text = gatesMarkdown(rows, noiseBand(aa));
  const tableRows = text.split('\n').filter((l) => l.startsWith('| ') && !l.startsWith('| gate'));
  assert.equal(tableRows.length, GATES.length);
  assert.ok(tableRows.every((l) => l.endsWith('| NOT RUN |')));
  assert.match(text, /A\/A noise band of this run \(the baseline against itself\): p99 0\.90–0\.90×\./);
  assert.match(gatesMarkdown([], {}), /No A\/A run in this invocation/);
  const pass = gatesMarkdown(
    evaluateGates(
      [result('webhook', [metric('/validate closed, keep-alive, c=8', 'throughput', '', 95, 100, 'higher')])],
      [throughputGate],
    ),
    {},
  );
  assert.match(pass, /\| throughput \| ≥ 0\.9× \| 0\.95× \| PASS \|/);
});

test('every gate of the issues is there at its target, gated ratios, gated absolutes and information apart', () => {
  const ids = GATES.map((g) => g.id);
  assert.equal(new Set(ids).size, ids.length);
  const gated = (g: Gate) => !(g.info ?? g.on === 'ours');
  const table: [string, '<=' | '>=', number][] = [
    ['webhook-throughput-validate', '>=', 0.95],
    ['webhook-throughput-mutate', '>=', 0.95],
    ['webhook-open-p99-validate', '<=', 1.2],
    ['webhook-open-p99-mutate', '<=', 1.2],
    ['webhook-rss', '<=', 1.3],
    ['apiserver-bare-keepalive-p50', '<=', 1.05],
    ['apiserver-bare-newconn-p50', '<=', 1.05],
    ['conversion-500-p50', '<=', 1.15],
    ['conversion-500-p99', '<=', 1.1],
    ['sync-peak-rss', '<=', 1.3],
    ['sync-wall', '<=', 1.3],
    ['mirror-full-peak-rss', '<=', 1.5],
    ['mirror-full-wall', '<=', 1.5],
    ['mirror-incremental-wall', '<=', 0.1],
    ['isolation-admission-p99', '<=', 1.5],
    ['reconcile-time', '<=', 1.3],
    ['reconcile-rss', '<=', 1.5],
    ['api-throughput', '>=', 0.95],
    ['api-auth-throughput', '>=', 0.9],
    ['api-auth-cpu-per-request', '<=', 1.11],
    ['api-authz-throughput', '>=', 0.8],
    ['api-first-request-after-reload', '<=', 1.05],
  ];
  for (const [id, op, target] of table) {
    const g = GATES.find((x) => x.id === id);
    assert.deepEqual([g?.on, g && gated(g), g?.op, g?.target], ['ratio', true, op, target], id);
  }
  assert.deepEqual(
    GATES.filter((g) => g.on === 'ours' && gated(g)).map((g) => [g.id, g.target]),
    [
      ['mirror-incremental-writes', 0],
      ['shards-idle-kib-per-registry', 20],
    ],
  );
  assert.deepEqual(
    GATES.filter((g) => !gated(g)).map((g) => g.id),
    [
      'apiserver-vap-keepalive-p50',
      'apiserver-vap-newconn-p50',
      'apiserver-plugin-ms',
      'conversion-500-p99-ms',
      'shards-takeover-s',
    ],
  );
});

test('a ratio kept as information is INFO; an absolute figure marked gated is PASS/FAIL', () => {
  const vap = GATES.find((g) => g.id === 'apiserver-vap-keepalive-p50')!;
  const bare = GATES.find((g) => g.id === 'apiserver-bare-keepalive-p50')!;
  const apiserver = (vapRatio: number, bareRatio: number) =>
    result('apiserver', [
      metric('webhooks vs VAP, closed, keep-alive, c=10', 'p50', 'ms', vapRatio * 10, 10, 'lower'),
      metric(
        'webhooks vs bare webhooks (the floor), closed, keep-alive, c=10',
        'p50',
        'ms',
        bareRatio * 10,
        10,
        'lower',
      ),
      metric('webhooks vs no admission, closed, keep-alive, c=10', 'p50', 'ms', 99, 10, 'lower'),
    ]);
  const rows = (v: number, b: number) =>
    evaluateGates([apiserver(v, b)], [vap, bare]).map((r) => [r.status, r.value, r.note]);
  assert.deepEqual(rows(1.1, 1.05), [
    ['INFO', 1.1, 'met'],
    ['PASS', 1.05, undefined],
  ]);
  assert.deepEqual(rows(1.6, 1.06), [
    ['INFO', 1.6, 'not met; information, not gated'],
    ['FAIL', 1.06, undefined],
  ]);
  const kib = GATES.find((g) => g.id === 'shards-idle-kib-per-registry')!;
  const shards = (ours: number, n = 10000) =>
    evaluateGates(
      [
        result('shards', [
          metric(
            `${n} MCPRegistries on 2 replicas, 4 shards`,
            'idle RSS per registry above the empty operator',
            'KiB',
            ours,
            NaN,
            'lower',
          ),
        ]),
      ],
      [kib],
    )[0];
  assert.deepEqual([shards(19.9)?.status, shards(19.9)?.target], ['PASS', '≤ 20 (absolute)']);
  assert.equal(shards(20.1, 200)?.status, 'FAIL');
  assert.equal(shards(NaN)?.status, 'MISSING');
});

test('the sync gates and the mirror gates read their own scenario of the sync benchmark', () => {
  const ids = ['sync-wall', 'mirror-full-wall', 'mirror-incremental-wall', 'mirror-incremental-writes'];
  const gates = GATES.filter((g) => ids.includes(g.id));
  const rows = evaluateGates(
    [
      result('sync', [
        metric('10000 servers, 100 pages', 'full sync wall time', 's', 12, 10, 'lower'),
        metric('20000 servers × 3 versions, 600 pages', 'full sync wall time', 's', 28, 20, 'lower'),
        metric(
          '20000 servers × 3 versions, 600 pages',
          'incremental resync wall, 1% of servers changed',
          's',
          2.1,
          28,
          'lower',
        ),
        metric(
          '20000 servers × 3 versions, 600 pages',
          'incremental resync: ConfigMap writes beyond the changed ones',
          'count',
          1,
          0,
          'lower',
        ),
      ]),
      // The in-process figure of the mirror benchmark is not what the gate reads.
      result('mirror', [
        metric('20000 servers × 3 versions, 600 changed', 'resync wall', 'ms', 900, 400, 'lower'),
      ]),
    ],
    gates,
  );
  assert.deepEqual(
    rows.map((r) => [r.id, r.status, r.rows.map((x) => x.scenario)]),
    [
      ['sync-wall', 'PASS', ['10000 servers, 100 pages']],
      ['mirror-full-wall', 'PASS', ['20000 servers × 3 versions, 600 pages']],
      ['mirror-incremental-wall', 'PASS', ['20000 servers × 3 versions, 600 pages']],
      ['mirror-incremental-writes', 'FAIL', ['20000 servers × 3 versions, 600 pages']],
    ],
  );
  assert.deepEqual(
    rows.map((r) => r.value),
    [1.2, 1.4, 0.075, 1],
  );
});

test('the first request after a reload: every path kind is read, the worst p50 ratio decides, throughput rows are not', () => {
  const gate = GATES.find((g) => g.id === 'api-first-request-after-reload')!;
  const throughput = GATES.find((g) => g.id === 'api-throughput')!;
  const rows = (firstPage: number) =>
    result('api', [
      metric('first request after a reload, list limit=100, first page', 'p50', 'ms', firstPage, 2, 'lower'),
      metric('first request after a reload, search', 'p50', 'ms', 2.06, 2, 'lower'),
      metric('first request after a reload, search', 'max', 'ms', 9, 2, 'lower'),
      metric('list limit=30, c=16', 'p50', 'ms', 9, 1, 'lower'),
      metric('list limit=30, c=16', 'throughput', 'req/s', 96, 100, 'higher'),
    ]);
  const pass = evaluateGates([rows(2.02)], [gate, throughput]);
  assert.deepEqual(
    pass.map((r) => [r.status, r.rows.map((x) => x.scenario)]),
    [
      [
        'PASS',
        ['first request after a reload, list limit=100, first page', 'first request after a reload, search'],
      ],
      ['PASS', ['list limit=30, c=16']],
    ],
  );
  assert.equal(pass[0]?.value, 1.03);
  const fail = evaluateGates([rows(4)], [gate])[0];
  assert.deepEqual([fail?.status, fail?.value, fail?.target], ['FAIL', 2, '≤ 1.05×']);
  assert.equal(evaluateGates([result('api', [])], [gate])[0]?.status, 'MISSING');
});
