/**
 * A/A check of the harness: the bare HTTPS baseline server against a second copy of itself, with the
 * webhook benchmark's loads, interleaved the same way. Every ratio here "should" be 1.0; how far they
 * stray is the noise band of this machine at this moment, printed next to the gates (bench/lib/gates.ts).
 * Both copies on core 0, load generator on core 1, exactly as in `webhook`.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { measureInterleaved, type Benchmark } from '../lib/bench.ts';
import { makeCertDir } from '../lib/certs.ts';
import { admissionCorpus } from '../lib/corpus.ts';
import type { LoadConfig } from '../lib/load.ts';
import { metric, type Metric } from '../lib/report.ts';
import { PATHS, startBaselineServer } from '../lib/webhook-proc.ts';

export const aa: Benchmark = {
  name: 'aa',
  subject: 'the bare HTTPS baseline server (copy A)',
  baseline: 'the same server (copy B): an A/A check of the harness, ratios should be 1.0',
  async run(ctx) {
    const certDir = join(ctx.workDir, 'certs');
    mkdirSync(certDir, { recursive: true });
    const certs = await makeCertDir(certDir);
    const a = await startBaselineServer(certDir);
    const b = await startBaselineServer(certDir);
    const metrics: Metric[] = [];
    const details: Record<string, unknown> = {};
    const rate = ctx.settings.quick ? 500 : 2000;
    const scenarios: {
      name: string;
      load: Pick<LoadConfig, 'keepAlive' | 'mode' | 'concurrency' | 'rate'>;
    }[] = [
      { name: 'closed, keep-alive, c=8', load: { keepAlive: true, mode: 'closed', concurrency: 8 } },
      { name: 'closed, new connection, c=8', load: { keepAlive: false, mode: 'closed', concurrency: 8 } },
      {
        name: `open, keep-alive, ${rate} req/s`,
        load: { keepAlive: true, mode: 'open', concurrency: 64, rate },
      },
    ];
    try {
      const common = {
        bodies: admissionCorpus(),
        ca: certs.caPem,
        maxRequests: ctx.settings.maxRequests,
        check: 'review-uid' as const,
      };
      for (const sc of scenarios) {
        ctx.log(sc.name);
        const r = await measureInterleaved(
          ctx,
          {
            a: { ...common, ...sc.load, url: `https://127.0.0.1:${a.port}${PATHS.validate}` },
            b: { ...common, ...sc.load, url: `https://127.0.0.1:${b.port}${PATHS.validate}` },
          },
          { a: a.proc, b: b.proc },
        );
        if (sc.load.mode === 'closed')
          metrics.push(metric(sc.name, 'throughput', 'req/s', r.a.throughput, r.b.throughput, 'higher'));
        metrics.push(metric(sc.name, 'p50', 'ms', r.a.latencyMs.p50, r.b.latencyMs.p50, 'lower'));
        metrics.push(metric(sc.name, 'p99', 'ms', r.a.latencyMs.p99, r.b.latencyMs.p99, 'lower'));
        metrics.push(
          metric(
            sc.name,
            'event-loop delay p99',
            'ms',
            r.a.probe?.eldP99Ms ?? NaN,
            r.b.probe?.eldP99Ms ?? NaN,
            'lower',
          ),
        );
        details[sc.name] = r;
      }
    } finally {
      await a.proc.stop();
      await b.proc.stop();
    }
    return { metrics, details };
  },
};
