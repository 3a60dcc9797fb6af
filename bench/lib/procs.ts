/**
 * Processes for the benchmarks: pinned to a core with taskset when the machine has two or more
 * (server on core 0, load generator on core 1), stopped by PID, and the load generator run as a child.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { resolve } from 'node:path';
import type { LoadConfig, LoadResult } from './load.ts';
import { parseAllDocuments } from 'yaml';
import { pollUntil } from '../../src/local/poll.ts';

export const repoRoot = resolve(import.meta.dirname, '../..');
export const nodeBin = process.execPath;

/**
 * The environment of the operator container in manifests/base/deployment.yaml that changes how Node
 * runs it (NODE_OPTIONS): the benchmarks run our operator as it is deployed. Baselines get none.
 */
export function deployedOperatorEnv(): Record<string, string> {
  const docs = parseAllDocuments(readFileSync(resolve(repoRoot, 'manifests/base/deployment.yaml'), 'utf8'));
  for (const doc of docs) {
    const d = doc.toJS() as {
      kind?: string;
      spec?: {
        template?: { spec?: { containers?: { name: string; env?: { name: string; value?: string }[] }[] } };
      };
    };
    if (d?.kind !== 'Deployment') continue;
    const c = d.spec?.template?.spec?.containers?.find((x) => x.name === 'operator');
    const v = c?.env?.find((e) => e.name === 'NODE_OPTIONS')?.value;
    return v ? { NODE_OPTIONS: v } : {};
  }
  return {};
}

const hasTaskset = spawnSync('taskset', ['--version']).status === 0;

/** Whether processes are pinned in this run (2+ cores and taskset present). */
export const pinning = hasTaskset && availableParallelism() >= 2;

export const SERVER_CORE = 0;
export const CLIENT_CORE = 1;

export function pinnedArgv(core: number, argv: string[]): string[] {
  return pinning ? ['taskset', '-c', String(core), ...argv] : argv;
}

/** Pins an already running process (and its threads) to a core, e.g. the apiserver and etcd. */
export function pinPid(pid: number, core: number | 'all'): void {
  const cores = core === 'all' ? `0-${availableParallelism() - 1}` : String(core);
  if (pinning) spawnSync('taskset', ['-a', '-p', '-c', cores, String(pid)], { stdio: 'ignore' });
}

/** What bench/lib/probe.ts reports for the interval since the previous probe. */
export interface ProbeSample {
  at: number;
  /** Event-loop delay beyond the sampling timer's resolution, ms. */
  eldP50Ms: number;
  eldP99Ms: number;
  eldMaxMs: number;
  samples: number;
  /** The event loop's busy and idle time over the interval (performance.eventLoopUtilization), ms. */
  eluActiveMs?: number;
  eluIdleMs?: number;
  /** Time spent in GC pauses, their count and the longest, ms. */
  gcMs: number;
  gcCount: number;
  gcMaxMs: number;
  rss: number;
  heapUsed: number;
  heapTotal: number;
  external: number;
  arrayBuffers: number;
}

export interface Spawned {
  child: ChildProcess;
  output: () => string;
  stop(signal?: NodeJS.Signals, timeoutMs?: number): Promise<void>;
  /**
   * Asks the process (a Node process started with the probe preloaded) for its figures since the last
   * call, and starts a new interval: call once before a scenario, once after.
   */
  probe(timeoutMs?: number): Promise<ProbeSample>;
  /** Every probe line printed so far (one at exit with MCPR_PROBE_AT_EXIT=1). */
  probes: ProbeSample[];
}

const PROBE = resolve(repoRoot, 'bench/lib/probe.ts');

/**
 * Node processes get the probe preloaded (every side alike); other programs run as given. With
 * MCPR_BENCH_CPU_PROF=DIR (or MCPR_BENCH_HEAP_PROF=DIR) every server process also writes a V8 CPU
 * (sampling heap) profile there when it exits, for finding where a figure comes from.
 */
function withProbe(argv: string[]): string[] {
  if (argv[0] !== nodeBin) return argv;
  const cpu = process.env.MCPR_BENCH_CPU_PROF;
  const heap = process.env.MCPR_BENCH_HEAP_PROF;
  return [
    nodeBin,
    '--import',
    PROBE,
    ...(cpu ? ['--cpu-prof', `--cpu-prof-dir=${cpu}`] : []),
    ...(heap ? ['--heap-prof', `--heap-prof-dir=${heap}`] : []),
    ...argv.slice(1),
  ];
}

export function spawnPinned(
  core: number,
  argv: string[],
  opts: { env?: NodeJS.ProcessEnv; cwd?: string } = {},
): Spawned {
  const [cmd, ...args] = pinnedArgv(core, withProbe(argv));
  const child = spawn(cmd as string, args, {
    cwd: opts.cwd ?? repoRoot,
    env: { ...process.env, ...opts.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let partial = '';
  const probes: ProbeSample[] = [];
  const keep = (b: Buffer) => {
    const text = b.toString('utf8');
    out += text;
    if (out.length > 200_000) out = out.slice(-100_000);
    const lines = (partial + text).split('\n');
    partial = lines.pop() ?? '';
    for (const l of lines)
      if (l.startsWith('MCPR_PROBE ')) probes.push(JSON.parse(l.slice('MCPR_PROBE '.length)) as ProbeSample);
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  return {
    child,
    output: () => out,
    probes,
    async probe(timeoutMs = 10_000) {
      const seen = probes.length;
      child.kill('SIGUSR2');
      await pollUntil('the probe to answer', async () => probes.length > seen, timeoutMs, 20);
      return probes[seen] as ProbeSample;
    },
    stop: (signal = 'SIGTERM', timeoutMs = 20_000) =>
      new Promise<void>((res) => {
        if (child.exitCode !== null || child.signalCode !== null) return res();
        const t = setTimeout(() => {
          child.kill('SIGKILL');
        }, timeoutMs);
        child.once('exit', () => {
          clearTimeout(t);
          res();
        });
        child.kill(signal);
      }),
  };
}

/** Runs the load generator in a child pinned to the client core and returns its result. */
export function runLoadPinned(cfg: LoadConfig): Promise<LoadResult> {
  return new Promise((res, rej) => {
    const argv = pinnedArgv(CLIENT_CORE, [nodeBin, resolve(repoRoot, 'bench/lib/loadgen.ts')]);
    const child = spawn(argv[0] as string, argv.slice(1), { stdio: ['pipe', 'pipe', 'pipe'] });
    child.stdin.end(JSON.stringify(cfg));
    let out = '';
    let err = '';
    child.stdout.on('data', (b: Buffer) => (out += b.toString('utf8')));
    child.stderr.on('data', (b: Buffer) => (err += b.toString('utf8')));
    child.on('error', rej);
    child.on('exit', (code) => {
      if (code !== 0) return rej(new Error(`load generator exited ${code}: ${err.slice(-2000)}`));
      try {
        res(JSON.parse(out) as LoadResult);
      } catch (e) {
        rej(new Error(`load generator output unreadable: ${(e as Error).message}: ${out.slice(0, 500)}`));
      }
    });
  });
}

/** Polls until fn() resolves true, bounded by a deadline. */
export async function waitUntil(what: string, fn: () => Promise<boolean>, timeoutMs = 30_000): Promise<void> {
  await pollUntil(what, fn, timeoutMs);
}

/** Waits until `url` answers 2xx, failing at once (with its output) if the process exits first. */
export async function waitServing(
  proc: Spawned,
  url: string,
  what: string,
  timeoutMs: number,
): Promise<void> {
  await waitUntil(
    what,
    async () => {
      if (proc.child.exitCode !== null)
        throw new Error(`exited ${proc.child.exitCode}: ${proc.output().slice(-2000)}`);
      return (await fetch(url)).ok;
    },
    timeoutMs,
  );
}

/** Resident set size of a process in bytes, from /proc (0 when unavailable). */
export function rssOf(pid: number): number {
  return procStatusBytes(pid, 'VmRSS');
}

/** Peak resident set size (VmHWM) of a process in bytes, from /proc (0 when unavailable). */
export function peakRssOf(pid: number): number {
  return procStatusBytes(pid, 'VmHWM');
}

function procStatusBytes(pid: number, field: string): number {
  try {
    const m = new RegExp(`${field}:\\s+(\\d+) kB`).exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) * 1024 : 0;
  } catch {
    return 0;
  }
}
