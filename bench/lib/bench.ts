/**
 * What a benchmark is, and the settings every benchmark shares. A benchmark returns metrics (ours vs
 * a baseline measured in the same run); run.ts adds the machine, timing and output.
 */
import type { LoadConfig, LoadResult } from './load.ts';
import { runLoadPinned, type ProbeSample, type Spawned } from './procs.ts';
import type { Metric } from './report.ts';
import { medianBy } from './stats.ts';

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

/**
 * Runs several load configurations round robin, one repetition of each in turn, so slow drifts of a
 * shared machine hit every side alike; returns each side's median repetition (by throughput for closed
 * loops, by p99 for open loops, where the rate is fixed).
 */
/** A load run, with what the server process's probe saw during it (event loop, GC, memory). */
export type ProbedResult = LoadResult & { probe?: ProbeSample };

export async function measureInterleaved<K extends string>(
  ctx: BenchContext,
  sides: Record<K, Omit<LoadConfig, 'durationMs' | 'warmupMs'>>,
  /** The server process behind each side, probed around each of its runs (warm-up included). */
  servers: Partial<Record<K, Spawned>> = {},
): Promise<Record<K, ProbedResult>> {
  const keys = Object.keys(sides) as K[];
  const runs = new Map<K, ProbedResult[]>(keys.map((k) => [k, []]));
  for (let r = 0; r < ctx.settings.reps; r++)
    for (const k of keys) {
      const server = servers[k];
      await server?.probe();
      const load: ProbedResult = await runLoadPinned({
        ...sides[k],
        warmupMs: ctx.settings.warmupMs,
        durationMs: ctx.settings.measureMs,
      });
      if (server) load.probe = await server.probe();
      runs.get(k)?.push(load);
    }
  const out = {} as Record<K, ProbedResult>;
  for (const k of keys) {
    const rs = runs.get(k) ?? [];
    out[k] =
      sides[k].mode === 'closed' ? medianBy(rs, (x) => x.throughput) : medianBy(rs, (x) => x.latencyMs.p99);
  }
  return out;
}
