/**
 * B1/B2: the validating and mutating webhooks against their physical ceiling, a bare node:https server
 * answering a fixed AdmissionReview with the same certificate and the same payloads. Closed loop
 * (keep-alive at c=8 and c=64, new TLS connection per request at c=8) and open loop at fixed rates.
 * Server on core 0, load generator on core 1.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { measureInterleaved, type Benchmark, type ProbedResult } from '../lib/bench.ts';
import { makeCertDir } from '../lib/certs.ts';
import { admissionCorpus } from '../lib/corpus.ts';
import type { LoadConfig } from '../lib/load.ts';
import { timeCalls } from '../lib/micro.ts';
import { SERVER_CORE, pinPid, rssOf } from '../lib/procs.ts';
import { metric, NotAvailable, type Metric } from '../lib/report.ts';
import { PATHS, startBaselineServer, startWebhook, webhookUnavailable } from '../lib/webhook-proc.ts';

interface AdmissionCore {
  decodeAdmissionReview(body: unknown): unknown;
  validateReview(req: unknown, policy: unknown): { review: unknown };
  mutate(req: unknown, policy: unknown): { review: unknown };
  DEFAULT_POLICY: unknown;
}

/**
 * The handler alone, in process (no TLS, no HTTP): what one request of the corpus costs on average in
 * the admission core, next to the baseline's parse + fixed answer. Explains the HTTP figures.
 */
async function inProcess(bodies: string[], metrics: Metric[], budgetMs: number): Promise<void> {
  const core = (await import('../../src/admission/index.ts')) as unknown as AdmissionCore;
  let i = 0;
  const next = () => bodies[i++ % bodies.length] as string;
  const baseline = () => {
    const r = JSON.parse(next()) as { request: { uid: string } };
    return JSON.stringify({ response: { uid: r.request.uid, allowed: true } });
  };
  const run = (fn: (req: unknown, p: unknown) => { review: unknown }) => () =>
    JSON.stringify(fn(core.decodeAdmissionReview(JSON.parse(next())), core.DEFAULT_POLICY).review);
  pinPid(process.pid, SERVER_CORE);
  try {
    const opts = { maxIterations: 200_000, budgetMs };
    timeCalls(run(core.validateReview), opts);
    const b = timeCalls(baseline, opts);
    const v = timeCalls(run(core.validateReview), opts);
    const m = timeCalls(run(core.mutate), opts);
    for (const [label, r] of [
      ['/validate', v],
      ['/mutate', m],
    ] as const)
      metrics.push(
        metric(
          `${label} handler in process (corpus mean)`,
          'mean per request',
          'µs',
          r.latencyMs.mean * 1000,
          b.latencyMs.mean * 1000,
          'lower',
        ),
      );
  } finally {
    pinPid(process.pid, 'all');
  }
}

interface Scenario {
  name: string;
  load: Pick<LoadConfig, 'keepAlive' | 'mode' | 'concurrency' | 'rate'>;
}

function scenarios(quick: boolean): Scenario[] {
  return [
    { name: 'closed, keep-alive, c=8', load: { keepAlive: true, mode: 'closed', concurrency: 8 } },
    { name: 'closed, keep-alive, c=64', load: { keepAlive: true, mode: 'closed', concurrency: 64 } },
    { name: 'closed, new connection, c=8', load: { keepAlive: false, mode: 'closed', concurrency: 8 } },
    {
      name: `open, keep-alive, ${quick ? 500 : 2000} req/s`,
      load: { keepAlive: true, mode: 'open', concurrency: 64, rate: quick ? 500 : 2000 },
    },
    {
      name: 'open, new connection, 150 req/s',
      load: { keepAlive: false, mode: 'open', concurrency: 64, rate: 150 },
    },
  ];
}

export const webhook: Benchmark = {
  name: 'webhook',
  subject: 'the operator webhook server (/validate and /mutate)',
  baseline: 'a bare node:https server returning a fixed AdmissionReview (same cert, same payloads)',
  async run(ctx) {
    const why = webhookUnavailable();
    if (why) throw new NotAvailable(why);
    const certDir = join(ctx.workDir, 'certs');
    mkdirSync(certDir, { recursive: true });
    const certs = await makeCertDir(certDir);
    const bodies = admissionCorpus();
    const { proc: base, port: basePort } = await startBaselineServer(certDir);
    // The bare server running our admission core: splits a throughput gap into the work and the serving.
    const { proc: admitted, port: admittedPort } = await startBaselineServer(certDir, { admission: true });
    const hook = await startWebhook({ certDir, core: SERVER_CORE });
    const metrics: Metric[] = [];
    await inProcess(bodies, metrics, ctx.settings.measureMs);
    const details: Record<string, unknown> = { corpus: bodies.map((b) => b.length) };
    try {
      const common = {
        bodies,
        ca: certs.caPem,
        maxRequests: ctx.settings.maxRequests,
        check: 'review-uid' as const,
      };
      for (const sc of scenarios(ctx.settings.quick)) {
        ctx.log(sc.name);
        const split = sc.name === 'closed, keep-alive, c=8';
        const admittedUrl = `https://127.0.0.1:${admittedPort}`;
        const sides: Record<string, Omit<LoadConfig, 'durationMs' | 'warmupMs'>> = {
          baseline: { ...common, ...sc.load, url: `https://127.0.0.1:${basePort}${PATHS.validate}` },
          validate: { ...common, ...sc.load, url: `${hook.url}${PATHS.validate}` },
          mutate: { ...common, ...sc.load, url: `${hook.url}${PATHS.mutate}` },
        };
        if (split) {
          sides.bareValidate = { ...common, ...sc.load, url: `${admittedUrl}${PATHS.validate}` };
          sides.bareMutate = { ...common, ...sc.load, url: `${admittedUrl}${PATHS.mutate}` };
        }
        const r = await measureInterleaved(ctx, sides, {
          baseline: base,
          validate: hook.proc,
          mutate: hook.proc,
          bareValidate: admitted,
          bareMutate: admitted,
        });
        const baseline = r.baseline as ProbedResult;
        for (const [label, ours, bareDoingOurs] of [
          ['/validate', r.validate as ProbedResult, r.bareValidate],
          ['/mutate', r.mutate as ProbedResult, r.bareMutate],
        ] as const) {
          const s = `${label} ${sc.name}`;
          if (sc.load.mode === 'closed') {
            metrics.push(metric(s, 'throughput', 'req/s', ours.throughput, baseline.throughput, 'higher'));
            if (bareDoingOurs) {
              const work = 'INFO: the admission work itself';
              const around = 'INFO: what our server adds around the work';
              metrics.push(
                metric(
                  s,
                  'throughput, bare server running our admission core',
                  'req/s',
                  bareDoingOurs.throughput,
                  baseline.throughput,
                  'higher',
                  work,
                ),
                metric(
                  s,
                  'throughput vs the bare server running our admission core',
                  'req/s',
                  ours.throughput,
                  bareDoingOurs.throughput,
                  'higher',
                  around,
                ),
              );
            }
            // Near 1.0 the client, not the server, was the limit: the throughput ratio is then a lower bound.
            metrics.push(
              metric(
                s,
                'load generator CPU',
                'cores',
                ours.generatorCpu,
                baseline.generatorCpu,
                'lower',
                'client-bound near 1',
              ),
            );
          }
          metrics.push(metric(s, 'p50', 'ms', ours.latencyMs.p50, baseline.latencyMs.p50, 'lower'));
          metrics.push(metric(s, 'p99', 'ms', ours.latencyMs.p99, baseline.latencyMs.p99, 'lower'));
          metrics.push(metric(s, 'failed requests', '', ours.failed, baseline.failed, 'lower'));
          metrics.push(
            metric(
              s,
              'event-loop delay p99',
              'ms',
              ours.probe?.eldP99Ms ?? NaN,
              baseline.probe?.eldP99Ms ?? NaN,
              'lower',
              'server process, warm-up included',
            ),
          );
          details[s] = { ours, baseline };
        }
      }
      metrics.push(
        metric(
          'after all runs',
          'server RSS',
          'MiB',
          rssOf(hook.proc.child.pid ?? 0) / 2 ** 20,
          rssOf(base.child.pid ?? 0) / 2 ** 20,
          'lower',
        ),
      );
    } finally {
      await hook.proc.stop();
      await base.stop();
      await admitted.stop();
    }
    return { metrics, details };
  },
};
