/**
 * B3: ConversionReviews of 1, 10, 100 and 500 MCPRegistry objects (v1beta1 → v1alpha1, the direction
 * that builds the stash annotation, and back) against an identity converter that does the same parse
 * and serialization but only rewrites apiVersion. In process (the conversion core alone) and, when the
 * webhook server is in the tree, over HTTPS against the baseline server's identity /convert.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { handleConversionReview } from '../../src/api/conversion/index.ts';
import { API_VERSION_V1ALPHA1, API_VERSION_V1BETA1 } from '../../src/api/constants.ts';
import { measureInterleaved, type Benchmark, type BenchContext, type BenchOutput } from '../lib/bench.ts';
import { makeCertDir } from '../lib/certs.ts';
import { conversionReview } from '../lib/corpus.ts';
import { timeCalls, type MicroResult } from '../lib/micro.ts';
import { SERVER_CORE, pinPid } from '../lib/procs.ts';
import { metric, type Metric } from '../lib/report.ts';
import { medianBy } from '../lib/stats.ts';
import { PATHS, startBaselineServer, startWebhook, webhookUnavailable } from '../lib/webhook-proc.ts';

const SIZES = [1, 10, 100, 500];

interface Review {
  request: { uid: string; desiredAPIVersion: string; objects: Record<string, unknown>[] };
}

function identity(body: string): string {
  const r = JSON.parse(body) as Review;
  return JSON.stringify({
    apiVersion: 'apiextensions.k8s.io/v1',
    kind: 'ConversionReview',
    response: {
      uid: r.request.uid,
      convertedObjects: r.request.objects.map((o) => ({ ...o, apiVersion: r.request.desiredAPIVersion })),
      result: { status: 'Success' },
    },
  });
}

function real(body: string): string {
  return JSON.stringify(handleConversionReview(JSON.parse(body)));
}

function micro(ctx: BenchContext, fn: () => unknown, n: number): MicroResult[] {
  const { reps, measureMs, warmupMs } = ctx.settings;
  const maxIterations = Math.max(50, Math.floor(200_000 / n));
  timeCalls(fn, { maxIterations, budgetMs: warmupMs });
  return Array.from({ length: reps }, () => timeCalls(fn, { maxIterations, budgetMs: measureMs / 2 }));
}

async function inProcess(ctx: BenchContext, metrics: Metric[], details: Record<string, unknown>) {
  pinPid(process.pid, SERVER_CORE);
  try {
    for (const n of SIZES) {
      for (const [dir, desired] of [
        ['v1beta1→v1alpha1', API_VERSION_V1ALPHA1],
        ['v1alpha1→v1beta1', API_VERSION_V1BETA1],
      ] as const) {
        // The v1alpha1 input for the reverse direction is our own conversion output (stash included).
        const down = JSON.stringify(conversionReview(n));
        const body =
          desired === API_VERSION_V1ALPHA1
            ? down
            : JSON.stringify({
                ...conversionReview(n),
                request: {
                  uid: `conv-up-${n}`,
                  desiredAPIVersion: API_VERSION_V1BETA1,
                  objects: handleConversionReview(JSON.parse(down)).response.convertedObjects,
                },
              });
        const ours = medianBy(
          micro(ctx, () => real(body), n),
          (r) => r.latencyMs.p50,
        );
        const base = medianBy(
          micro(ctx, () => identity(body), n),
          (r) => r.latencyMs.p50,
        );
        const sc = `in-process ${dir}, N=${n}`;
        metrics.push(metric(sc, 'p50 per review', 'ms', ours.latencyMs.p50, base.latencyMs.p50, 'lower'));
        metrics.push(
          metric(
            sc,
            'p99 per review',
            'ms',
            ours.latencyMs.p99,
            base.latencyMs.p99,
            'lower',
            `SLO 4 ms × N = ${4 * n} ms`,
          ),
        );
        metrics.push(
          metric(
            sc,
            'p50 per object',
            'µs',
            (ours.latencyMs.p50 * 1000) / n,
            (base.latencyMs.p50 * 1000) / n,
            'lower',
          ),
        );
        details[sc] = { ours, baseline: base, bodyBytes: body.length };
      }
    }
  } finally {
    pinPid(process.pid, 'all');
  }
}

async function overHttps(
  ctx: BenchContext,
  metrics: Metric[],
  details: Record<string, unknown>,
  unavailable: string[],
) {
  const why = webhookUnavailable();
  if (why) {
    unavailable.push(`HTTPS /convert: ${why}`);
    return;
  }
  const certDir = join(ctx.workDir, 'certs');
  mkdirSync(certDir, { recursive: true });
  const certs = await makeCertDir(certDir);
  const { proc: base, port: basePort } = await startBaselineServer(certDir);
  const hook = await startWebhook({ certDir, core: SERVER_CORE });
  try {
    const { maxRequests } = ctx.settings;
    for (const n of SIZES) {
      const body = JSON.stringify(conversionReview(n));
      const side = (url: string) => ({
        url: `${url}${PATHS.convert}`,
        bodies: [body],
        ca: certs.caPem,
        keepAlive: true,
        mode: 'closed' as const,
        concurrency: 1,
        maxRequests,
        check: 'review-uid' as const,
      });
      // Closed loop at c=1: the median repetition by throughput is the one by median latency.
      const r = await measureInterleaved(
        ctx,
        { ours: side(hook.url), base: side(`https://127.0.0.1:${basePort}`) },
        { ours: hook.proc, base },
      );
      const ours = r.ours;
      const baseline = r.base;
      const sc = `HTTPS /convert keep-alive c=1, N=${n}`;
      metrics.push(metric(sc, 'p50', 'ms', ours.latencyMs.p50, baseline.latencyMs.p50, 'lower'));
      metrics.push(
        metric(
          sc,
          'p99',
          'ms',
          ours.latencyMs.p99,
          baseline.latencyMs.p99,
          'lower',
          `trace line ${50 + 8 * n} ms`,
        ),
      );
      metrics.push(metric(sc, 'failed requests', '', ours.failed, baseline.failed, 'lower'));
      metrics.push(
        metric(
          sc,
          'event-loop delay p99',
          'ms',
          ours.probe?.eldP99Ms ?? NaN,
          baseline.probe?.eldP99Ms ?? NaN,
          'lower',
          'server process, warm-up included',
        ),
      );
      details[sc] = { ours, baseline };
    }
  } finally {
    await hook.proc.stop();
    await base.stop();
  }
}

export const conversion: Benchmark = {
  name: 'conversion',
  subject: 'handleConversionReview (and the webhook /convert)',
  baseline: 'an identity converter (same parse/serialize, apiVersion only)',
  async run(ctx): Promise<BenchOutput> {
    const metrics: Metric[] = [];
    const details: Record<string, unknown> = {};
    await inProcess(ctx, metrics, details);
    const unavailable: string[] = [];
    await overHttps(ctx, metrics, details, unavailable);
    return { metrics, details, unavailable };
  },
};
