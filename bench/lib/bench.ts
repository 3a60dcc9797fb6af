/**
 * What a benchmark is, and the settings every benchmark shares. A benchmark returns metrics (ours vs
 * a baseline measured in the same run); run.ts adds the machine, timing and output.
 */
import type { Metric } from './report.ts';

export interface BenchSettings {
  /** Repetitions per scenario; the median repetition is reported. */
  reps: number;
  warmupMs: number;
  measureMs: number;
  /** Upper bound on requests per measurement (every loop is bounded by count and time). */
  maxRequests: number;
  quick: boolean;
}

export interface BenchContext {
  settings: BenchSettings;
  log(msg: string): void;
  /** Scratch directory for this benchmark (certs, logs). */
  workDir: string;
}

export interface BenchOutput {
  metrics: Metric[];
  details: Record<string, unknown>;
  /** Parts whose subject is not in the tree, each with why: printed as "not available", exit non-zero. */
  unavailable?: string[];
}

export interface Benchmark {
  name: string;
  subject: string;
  baseline: string;
  run(ctx: BenchContext): Promise<BenchOutput>;
}

/** Runs fn `reps` times after one warm-up call and returns every repetition. */
export async function repeat<T>(
  reps: number,
  warmup: () => Promise<unknown>,
  fn: () => Promise<T>,
): Promise<T[]> {
  await warmup();
  const out: T[] = [];
  for (let i = 0; i < reps; i++) out.push(await fn());
  return out;
}
