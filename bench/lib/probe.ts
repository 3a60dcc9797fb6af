/**
 * Preloaded (`node --import bench/lib/probe.ts …`) into every server process a benchmark starts, ours
 * and the baselines alike, so both sides are observed the same way without touching the product:
 * event-loop delay (perf_hooks.monitorEventLoopDelay), the event loop's busy time
 * (performance.eventLoopUtilization) and memory. On SIGUSR2 the process prints one
 * `MCPR_PROBE {json}` line to stderr with the figures since the previous SIGUSR2, then starts afresh;
 * bench/lib/procs.ts (`probe()`) sends the signal and reads the line.
 *
 * The histogram records the interval between timer callbacks, i.e. RESOLUTION_MS plus the delay: the
 * delay reported is that minus RESOLUTION_MS (never below 0).
 */
import { monitorEventLoopDelay, performance, PerformanceObserver } from 'node:perf_hooks';

export const RESOLUTION_MS = 5;
const h = monitorEventLoopDelay({ resolution: RESOLUTION_MS });
h.enable();
let gcMs = 0;
let gcCount = 0;
let gcMaxMs = 0;
// GC pauses, from the performance timeline (cheap: one entry per collection).
new PerformanceObserver((list) => {
  for (const e of list.getEntries()) {
    gcMs += e.duration;
    gcCount++;
    if (e.duration > gcMaxMs) gcMaxMs = e.duration;
  }
}).observe({ entryTypes: ['gc'] });

const delay = (ns: number) => Math.max(0, ns / 1e6 - RESOLUTION_MS);
let elu = performance.eventLoopUtilization();

function report(): void {
  const m = process.memoryUsage();
  // Time the event loop spent running callbacks since the last report (not waiting for I/O).
  const busy = performance.eventLoopUtilization(elu);
  elu = performance.eventLoopUtilization();
  const out = {
    eluActiveMs: busy.active,
    eluIdleMs: busy.idle,
    at: performance.now(),
    eldP50Ms: delay(h.percentile(50)),
    eldP99Ms: delay(h.percentile(99)),
    eldMaxMs: delay(h.max),
    samples: h.count,
    gcMs,
    gcCount,
    gcMaxMs,
    rss: m.rss,
    heapUsed: m.heapUsed,
    heapTotal: m.heapTotal,
    external: m.external,
    arrayBuffers: m.arrayBuffers,
  };
  h.reset();
  gcMs = 0;
  gcCount = 0;
  gcMaxMs = 0;
  process.stderr.write(`\nMCPR_PROBE ${JSON.stringify(out)}\n`);
}

process.on('SIGUSR2', report);
// A short-lived process (a baseline that runs once) reports its whole life as it exits.
if (process.env.MCPR_PROBE_AT_EXIT === '1') process.on('exit', report);
