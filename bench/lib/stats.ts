/**
 * Latency statistics for the benchmarks and reliability tests: nearest-rank percentiles over raw samples
 * (no histogram bucketing, so p99 of a few thousand samples is exact), medians across repetitions.
 */

export interface LatencySummary {
  count: number;
  mean: number;
  p50: number;
  p90: number;
  p99: number;
  p999: number;
  max: number;
}

/** Nearest-rank percentile of an ascending array; NaN when empty. */
export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return NaN;
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1] as number;
}

export function summarize(samples: readonly number[]): LatencySummary {
  const s = Float64Array.from(samples).sort();
  const arr = Array.from(s);
  const sum = arr.reduce((a, b) => a + b, 0);
  return {
    count: arr.length,
    mean: arr.length ? sum / arr.length : NaN,
    p50: percentile(arr, 50),
    p90: percentile(arr, 90),
    p99: percentile(arr, 99),
    p999: percentile(arr, 99.9),
    max: arr.length ? (arr[arr.length - 1] as number) : NaN,
  };
}

export function median(values: readonly number[]): number {
  const finite = values.filter((v) => Number.isFinite(v));
  if (finite.length === 0) return NaN;
  const s = [...finite].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? (s[mid] as number) : ((s[mid - 1] as number) + (s[mid] as number)) / 2;
}

/** The median repetition of a set, by one key (so all figures in a row come from one real run). */
export function medianBy<T>(runs: readonly T[], key: (r: T) => number): T {
  if (runs.length === 0) throw new Error('medianBy: no runs');
  const s = [...runs].sort((a, b) => key(a) - key(b));
  return s[Math.floor((s.length - 1) / 2)] as T;
}

/** a/b, or NaN when either side is missing: a ratio is never invented. */
export function ratio(a: number, b: number): number {
  return Number.isFinite(a) && Number.isFinite(b) && b !== 0 ? a / b : NaN;
}
