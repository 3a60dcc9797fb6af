/**
 * Benchmark results: one row per (scenario, metric) with our figure, the baseline's from the same run,
 * and their ratio; printed as Markdown and written as JSON to bench/results/<name>.json.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, totalmem, availableParallelism, loadavg } from 'node:os';
import { resolve } from 'node:path';
import { ratio } from './stats.ts';
import { pinning, repoRoot } from './procs.ts';

export interface Metric {
  scenario: string;
  metric: string;
  unit: string;
  ours: number;
  baseline: number;
  /** ours / baseline (NaN when either is missing). */
  ratio: number;
  /** Which direction is good, so a reader knows whether a ratio above 1 is a win. */
  better: 'higher' | 'lower';
  note?: string;
}

export interface BenchResult {
  name: string;
  status: 'ok' | 'not-available' | 'failed';
  reason?: string;
  subject: string;
  baseline: string;
  metrics: Metric[];
  /** Anything else worth keeping (raw repetitions, counts, sizes). */
  details: Record<string, unknown>;
  settings: Record<string, unknown>;
  machine: Machine;
  startedAt: string;
  durationMs: number;
}

export interface Machine {
  nproc: number;
  cpuModel: string;
  memoryGiB: number;
  node: string;
  openssl: string;
  pinned: boolean;
  /** 1, 5 and 15 minute load averages when the figures were taken (other tenants of a shared machine). */
  loadAvg: number[];
}

export function machine(): Machine {
  return {
    nproc: availableParallelism(),
    cpuModel: cpus()[0]?.model ?? 'unknown',
    memoryGiB: Math.round((totalmem() / 2 ** 30) * 10) / 10,
    node: process.version,
    openssl: process.versions.openssl ?? 'unknown',
    pinned: pinning,
    loadAvg: loadavg().map((x) => Math.round(x * 100) / 100),
  };
}

/** Builds a metric row; the ratio is computed here so no caller can invent one. */
export function metric(
  scenario: string,
  name: string,
  unit: string,
  ours: number,
  baseline: number,
  better: 'higher' | 'lower',
  note?: string,
): Metric {
  return { scenario, metric: name, unit, ours, baseline, ratio: ratio(ours, baseline), better, note };
}

/** Thrown by a benchmark whose subject is not in the tree (yet): reported, never faked. */
export class NotAvailable extends Error {}

function fmt(v: number): string {
  if (!Number.isFinite(v)) return '–';
  if (v === 0) return '0';
  const a = Math.abs(v);
  if (a >= 1000) return Math.round(v).toLocaleString('en-US');
  if (a >= 100) return v.toFixed(0);
  if (a >= 10) return v.toFixed(1);
  if (a >= 1) return v.toFixed(2);
  return v.toPrecision(2);
}

export function markdown(r: BenchResult): string {
  const lines = [`### ${r.name}: ${r.subject} vs ${r.baseline}`, ''];
  if (r.status !== 'ok') {
    lines.push(`**${r.status === 'not-available' ? 'not available' : 'failed'}: ${r.reason ?? ''}**`, '');
    if (r.metrics.length === 0) return lines.join('\n');
  }
  lines.push('| scenario | metric | ours | baseline | ratio (ours/baseline) | better |');
  lines.push('|---|---|---:|---:|---:|---|');
  for (const m of r.metrics) {
    const unit = m.unit ? ` ${m.unit}` : '';
    lines.push(
      `| ${m.scenario} | ${m.metric} | ${fmt(m.ours)}${unit} | ${fmt(m.baseline)}${unit} | ${
        Number.isFinite(m.ratio) ? `${m.ratio.toFixed(2)}×` : '–'
      } | ${m.better}${m.note ? ` (${m.note})` : ''} |`,
    );
  }
  return lines.join('\n');
}

export function writeResult(r: BenchResult): string {
  const dir = resolve(repoRoot, 'bench/results');
  mkdirSync(dir, { recursive: true });
  const file = resolve(dir, `${r.name}.json`);
  writeFileSync(file, `${JSON.stringify(r, null, 2)}\n`);
  return file;
}

export function machineLine(m: Machine): string {
  return `${m.nproc} cores (${m.cpuModel}), ${m.memoryGiB} GiB, Node ${m.node}, OpenSSL ${m.openssl}, ${
    m.pinned ? 'server pinned to core 0 and load generator to core 1 (taskset)' : 'NOT pinned'
  }, load average ${m.loadAvg.join(' / ')}`;
}
