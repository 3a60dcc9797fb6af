/**
 * In-process timing of a synchronous function: warm-up, then repetitions bounded by an iteration count
 * and a time budget, each sample one call (so p99 is a real call's time, GC pauses included).
 */
import { summarize, type LatencySummary } from './stats.ts';

export interface MicroResult {
  iterations: number;
  latencyMs: LatencySummary;
  opsPerSec: number;
}

export function timeCalls(fn: () => unknown, opts: { maxIterations: number; budgetMs: number }): MicroResult {
  const samples: number[] = [];
  const t0 = performance.now();
  const deadline = t0 + opts.budgetMs;
  let sink = 0;
  while (samples.length < opts.maxIterations && performance.now() < deadline) {
    const s = performance.now();
    const v = fn();
    samples.push(performance.now() - s);
    if (v !== undefined) sink++;
  }
  const elapsed = performance.now() - t0;
  if (sink < 0) throw new Error('unreachable');
  return {
    iterations: samples.length,
    latencyMs: summarize(samples),
    opsPerSec: (samples.length * 1000) / elapsed,
  };
}
