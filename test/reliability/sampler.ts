/**
 * Samples a server process's memory and event-loop delay while it runs: RSS from /proc, heap and
 * event-loop lag p99 from its Prometheus /metrics (prom-client default metrics).
 */
import { rssOf } from '../../bench/lib/procs.ts';

export interface Sample {
  atMs: number;
  rssBytes: number;
  heapUsedBytes: number;
  eventLoopLagP99Ms: number;
}

function gauge(text: string, name: string): number {
  const line = text.split('\n').find((l) => l.startsWith(`${name} `) || l.startsWith(`${name}{`));
  return line ? Number(line.split(' ').pop()) : NaN;
}

export async function sample(pid: number, metricsUrl: string, t0: number): Promise<Sample> {
  const text = await fetch(metricsUrl)
    .then((r) => r.text())
    .catch(() => '');
  return {
    atMs: Math.round(performance.now() - t0),
    rssBytes: rssOf(pid),
    heapUsedBytes: gauge(text, 'nodejs_heap_size_used_bytes'),
    eventLoopLagP99Ms: gauge(text, 'nodejs_eventloop_lag_p99_seconds') * 1000,
  };
}

export function medianOf(xs: number[]): number {
  const s = xs.filter(Number.isFinite).sort((a, b) => a - b);
  return s.length ? (s[Math.floor(s.length / 2)] as number) : NaN;
}
