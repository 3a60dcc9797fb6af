/**
 * `npm run bench` runs every benchmark; `npm run bench -- NAME [NAME…]` runs some. Each prints its
 * figures next to a baseline measured in the same run, writes bench/results/<name>.json, and a
 * benchmark whose subject is missing prints "not available: <why>" and makes the exit code non-zero.
 *
 * Options: --quick (short runs for a smoke test), --reps N, --warmup-ms N, --measure-ms N,
 * --max-requests N. Environment equivalents: MCPR_BENCH_REPS, MCPR_BENCH_WARMUP_MS, MCPR_BENCH_MEASURE_MS.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { BENCHMARKS } from './benchmarks/index.ts';
import { repoRoot } from './lib/procs.ts';
import type { BenchSettings } from './lib/bench.ts';
import { machine, machineLine, markdown, NotAvailable, writeResult, type BenchResult } from './lib/report.ts';
import { evaluateGates, gatesMarkdown, noiseBand } from './lib/gates.ts';

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    quick: { type: 'boolean' },
    reps: { type: 'string' },
    'warmup-ms': { type: 'string' },
    'measure-ms': { type: 'string' },
    'max-requests': { type: 'string' },
    list: { type: 'boolean' },
  },
});

if (values.list) {
  for (const b of BENCHMARKS) console.log(`${b.name.padEnd(12)} ${b.subject} vs ${b.baseline}`);
  process.exit(0);
}

const num = (flag: string | undefined, env: string | undefined, def: number) => {
  const v = flag ?? env;
  if (v === undefined) return def;
  const n = Number(v);
  if (!Number.isFinite(n) || n <= 0) throw new Error(`invalid number "${v}"`);
  return n;
};
const quick = values.quick === true || process.env.MCPR_BENCH_QUICK === '1';
const settings: BenchSettings = {
  quick,
  reps: num(values.reps, process.env.MCPR_BENCH_REPS, quick ? 1 : 3),
  warmupMs: num(values['warmup-ms'], process.env.MCPR_BENCH_WARMUP_MS, quick ? 300 : 1000),
  measureMs: num(values['measure-ms'], process.env.MCPR_BENCH_MEASURE_MS, quick ? 1000 : 3000),
  maxRequests: num(values['max-requests'], process.env.MCPR_BENCH_MAX_REQUESTS, 200_000),
};

const unknown = positionals.filter((p) => !BENCHMARKS.some((b) => b.name === p));
if (unknown.length) {
  console.error(
    `unknown benchmark(s): ${unknown.join(', ')}; known: ${BENCHMARKS.map((b) => b.name).join(', ')}`,
  );
  process.exit(2);
}
const selected = positionals.length ? BENCHMARKS.filter((b) => positionals.includes(b.name)) : BENCHMARKS;

const m = machine();
console.log(`# Benchmarks, ${new Date().toISOString()}`);
console.log(`machine: ${machineLine(m)}`);
console.log(
  `settings: ${settings.reps} repetition(s) (median reported), warm-up ${settings.warmupMs} ms, measure ${settings.measureMs} ms, at most ${settings.maxRequests} requests per measurement\n`,
);

let failures = 0;
const results: BenchResult[] = [];
const summary: string[] = [
  `Run ${new Date().toISOString()} on ${machineLine(m)}; ${settings.reps} repetition(s), warm-up ${settings.warmupMs} ms, measure ${settings.measureMs} ms.`,
  '',
];
for (const b of selected) {
  const workDir = mkdtempSync(join(tmpdir(), `mcpr-bench-${b.name}-`));
  const startedAt = new Date();
  const t0 = performance.now();
  const log = (msg: string) => process.stderr.write(`[${b.name}] ${msg}\n`);
  log('running…');
  const result: BenchResult = {
    name: b.name,
    status: 'ok',
    subject: b.subject,
    baseline: b.baseline,
    metrics: [],
    details: {},
    settings: { ...settings },
    machine: m,
    startedAt: startedAt.toISOString(),
    durationMs: 0,
  };
  try {
    const out = await b.run({ settings, log, workDir });
    result.metrics = out.metrics;
    result.details = out.details;
    if (out.unavailable?.length) {
      result.status = 'not-available';
      result.reason = out.unavailable.join('; ');
    }
  } catch (e) {
    result.status = e instanceof NotAvailable ? 'not-available' : 'failed';
    result.reason = e instanceof NotAvailable ? e.message : ((e as Error).stack ?? String(e));
  } finally {
    rmSync(workDir, { recursive: true, force: true });
  }
  result.durationMs = Math.round(performance.now() - t0);
  const file = writeResult(result);
  results.push(result);
  console.log(markdown(result));
  if (result.status === 'not-available') {
    for (const r of (result.reason ?? '').split('; ')) console.log(`not available: ${b.name}: ${r}`);
  } else if (result.status === 'failed') console.log(`FAILED: ${b.name}: ${result.reason}`);
  console.log(`\n(${(result.durationMs / 1000).toFixed(1)} s; ${file})\n`);
  if (result.status !== 'ok') failures++;
  summary.push(markdown(result), '');
  if (result.status === 'not-available')
    for (const r of (result.reason ?? '').split('; ')) summary.push(`not available: ${b.name}: ${r}`, '');
}
// The gates (issue #34 targets, bench/lib/gate-list.ts) over this run's ratios; they never change the exit code, which
// says only whether every benchmark could run.
summary.push(
  `Load average at the end of the run: ${loadavg()
    .map((x) => x.toFixed(2))
    .join(' / ')}.`,
  '',
);
const band = noiseBand(results.find((r) => r.name === 'aa'));
const gates = evaluateGates(results, undefined, band);
const gatesText = gatesMarkdown(gates, band);
console.log(gatesText);
summary.push(gatesText, '');
mkdirSync(join(repoRoot, 'bench/results'), { recursive: true });
writeFileSync(
  join(repoRoot, 'bench/results/gates.json'),
  `${JSON.stringify({ generatedAt: new Date().toISOString(), machine: m, settings, noiseBand: band, gates }, null, 2)}\n`,
);
// All tables of this run in one file, ready to paste into docs/performance.md.
writeFileSync(join(repoRoot, 'bench/results/latest.md'), `${summary.join('\n')}\n`);
process.exit(failures ? 1 : 0);
