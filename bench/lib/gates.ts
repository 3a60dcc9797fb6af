/**
 * The targets of issue #34 (SPEC §16), with those of issue #15 it kept, as gates over one run's
 * results (the list: gate-list.ts): each gate names a benchmark, the rows it reads (scenario and
 * metric) and a bound on their ratio ours/baseline, so a gate never depends on how fast this machine
 * is. Absolute times (milliseconds, seconds) are shown next to the gates as information, never as
 * PASS/FAIL, because on a shared 2-core machine an absolute time says more about the other tenants
 * than about us; a ratio the issue keeps only as information (the CEL policy) is shown the same way.
 * An absolute figure that does not depend on the machine's speed (memory per registry above the same
 * process measured empty in the same run) is gated (`info: false`).
 *
 * The A/A benchmark (`aa`: the baseline against itself) gives the harness's noise band; a gate that
 * fails by less than that band says so.
 */
import { GATES } from './gate-list.ts';
import type { BenchResult, Metric } from './report.ts';

export { GATES, re } from './gate-list.ts';

export interface Gate {
  id: string;
  bench: string;
  /** What the issue calls it. */
  label: string;
  /** Exact scenario name, or a pattern (re()) when the name carries a run-dependent number. */
  scenario: string | RegExp;
  metric: string;
  op: '<=' | '>=';
  target: number;
  /** The ratio ours/baseline, or ours alone (an absolute figure). */
  on: 'ratio' | 'ours';
  /** Shown as INFO, never PASS/FAIL. Default: a ratio is gated, an absolute figure is information. */
  info?: boolean;
}

export type GateStatus = 'PASS' | 'FAIL' | 'INFO' | 'NOT RUN' | 'MISSING';

export interface GateRow {
  id: string;
  label: string;
  target: string;
  /** The deciding figure: the worst of the matched rows (max for <=, min for >=). */
  value: number;
  status: GateStatus;
  /** Failing by less than the A/A noise band of this kind of figure. */
  withinNoise?: boolean;
  /** Every matched row, for the record. */
  rows: { scenario: string; value: number }[];
  note?: string;
}

/** Ratio bands seen when the harness compares a server with itself, by kind of figure. */
export type NoiseBand = Partial<Record<'throughput' | 'p50' | 'p99', [number, number]>>;

function matches(g: Gate, m: Metric): boolean {
  if (m.metric !== g.metric) return false;
  return typeof g.scenario === 'string' ? m.scenario === g.scenario : g.scenario.test(m.scenario);
}

/** The A/A band applies to the harness's own kinds of figure only (not to memory or wall times). */
function kindOf(metric: string): keyof NoiseBand | undefined {
  return metric === 'throughput' || metric === 'p50' || metric === 'p99' ? metric : undefined;
}

/** The A/A band: the lowest and highest ratio of each kind of figure in the `aa` benchmark's rows. */
export function noiseBand(aa: BenchResult | undefined): NoiseBand {
  const band: NoiseBand = {};
  if (!aa || aa.status !== 'ok') return band;
  for (const m of aa.metrics) {
    const k = kindOf(m.metric);
    if (!Number.isFinite(m.ratio) || !k) continue;
    const cur = band[k];
    band[k] = cur ? [Math.min(cur[0], m.ratio), Math.max(cur[1], m.ratio)] : [m.ratio, m.ratio];
  }
  return band;
}

export function evaluateGates(
  results: readonly BenchResult[],
  gates: readonly Gate[] = GATES,
  band: NoiseBand = noiseBand(results.find((r) => r.name === 'aa')),
): GateRow[] {
  return gates.map((g) => {
    const target = `${g.op === '<=' ? '≤' : '≥'} ${g.target}${g.on === 'ratio' ? '×' : ' (absolute)'}`;
    const base = { id: g.id, label: g.label, target };
    const r = results.find((x) => x.name === g.bench);
    if (!r) return { ...base, value: NaN, status: 'NOT RUN', rows: [] };
    const rows = r.metrics
      .filter((m) => matches(g, m))
      .map((m) => ({ scenario: m.scenario, value: g.on === 'ratio' ? m.ratio : m.ours }));
    if (rows.length === 0 || rows.some((x) => !Number.isFinite(x.value)))
      return {
        ...base,
        value: NaN,
        status: 'MISSING',
        rows,
        note:
          r.status === 'ok' ? 'no such figure in the results' : `benchmark ${r.status}: ${r.reason ?? ''}`,
      };
    const values = rows.map((x) => x.value);
    const value = g.op === '<=' ? Math.max(...values) : Math.min(...values);
    const met = g.op === '<=' ? value <= g.target : value >= g.target;
    if (g.info ?? g.on === 'ours')
      return {
        ...base,
        value,
        status: 'INFO',
        rows,
        note: met
          ? 'met'
          : g.on === 'ours'
            ? 'not met; an absolute figure, not gated'
            : 'not met; information, not gated',
      };
    const row: GateRow = { ...base, value, status: met ? 'PASS' : 'FAIL', rows };
    const kind = kindOf(g.metric);
    const b = kind ? band[kind] : undefined;
    if (!met && b) row.withinNoise = g.op === '<=' ? value / b[1] <= g.target : value / b[0] >= g.target;
    return row;
  });
}

function fmtValue(row: GateRow): string {
  if (!Number.isFinite(row.value)) return '–';
  return row.target.endsWith('×') ? `${row.value.toFixed(2)}×` : row.value.toPrecision(3);
}

export function gatesMarkdown(rows: readonly GateRow[], band: NoiseBand): string {
  const lines = [
    '### gates (issue #34 targets, and issue #15 targets it kept; ratios ours/baseline from this run)',
    '',
  ];
  lines.push('| gate | target | this run | result |', '|---|---|---:|---|');
  for (const r of rows) {
    const extra = r.withinNoise ? ' (within the A/A noise band)' : r.note ? ` (${r.note})` : '';
    lines.push(`| ${r.label} | ${r.target} | ${fmtValue(r)} | ${r.status}${extra} |`);
  }
  const kinds = Object.entries(band) as [string, [number, number]][];
  lines.push(
    '',
    kinds.length
      ? `A/A noise band of this run (the baseline against itself): ${kinds
          .map(([k, [lo, hi]]) => `${k} ${lo.toFixed(2)}–${hi.toFixed(2)}×`)
          .join(', ')}.`
      : 'No A/A run in this invocation (`npm run bench -- aa` measures the noise band).',
  );
  return lines.join('\n');
}
