/**
 * What a rolling restart of the operator costs, measured from the moment the process is spawned: until
 * its webhooks answer an AdmissionReview, until its first reconcile, until it has looked at every
 * existing registry; then its memory once idle. The baselines: the bare HTTPS server (start → first
 * answer) and the trivial reconciler (start → its list of every registry, then idle memory).
 */
import { request } from 'node:https';
import { admissionCorpus } from './corpus.ts';
import { spawnController, type ControllerOptions } from './controller-proc.ts';
import { nodeBin, rssOf, spawnPinned, SERVER_CORE, type ProbeSample } from './procs.ts';
import { metricSum, scrapeHttp } from './scrape.ts';
import { pollUntil } from '../../src/local/poll.ts';
import { PATHS } from './webhook-proc.ts';

const POLL_MS = 20;
const IDLE_MS = 3000;

/** Whether an HTTPS /validate answers a review with HTTP 200. */
export function admissionAnswers(port: number, caPem: string): Promise<boolean> {
  const body = admissionCorpus()[0] as string;
  return new Promise((resolve) => {
    const req = request(
      {
        host: '127.0.0.1',
        port,
        path: PATHS.validate,
        method: 'POST',
        ca: caPem,
        agent: false,
        headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) },
      },
      (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode === 200));
      },
    );
    req.setTimeout(2000, () => req.destroy());
    req.on('error', () => resolve(false));
    req.end(body);
  });
}

async function elapsedUntil(t0: number, what: string, fn: () => Promise<boolean>, timeoutMs: number) {
  await pollUntil(what, async () => (await fn()) || undefined, timeoutMs, POLL_MS);
  return performance.now() - t0;
}

export interface OperatorRestart {
  webhooksReadyMs: number;
  firstReconcileMs: number;
  /** Until every registry was reconciled once and the queue is empty. */
  allReconciledMs: number;
  idleRssBytes: number;
  idleProbe: ProbeSample;
}

export async function restartOperator(
  opts: ControllerOptions,
  caPem: string,
  registries: number,
): Promise<OperatorRestart> {
  const t0 = performance.now();
  const ctl = await spawnController(opts);
  const metrics = () => scrapeHttp(`http://127.0.0.1:${ctl.healthPort}/metrics`);
  try {
    const [webhooksReadyMs, firstReconcileMs] = await Promise.all([
      elapsedUntil(
        t0,
        'the restarted webhooks to answer',
        () => admissionAnswers(ctl.webhookPort, caPem),
        120_000,
      ),
      elapsedUntil(
        t0,
        'the first reconcile after the restart',
        async () => metricSum(await metrics(), 'controller_runtime_reconcile_total') >= 1,
        120_000,
      ),
    ]);
    const allReconciledMs = await elapsedUntil(
      t0,
      `${registries} reconciles after the restart`,
      async () => {
        const text = await metrics();
        return (
          metricSum(text, 'controller_runtime_reconcile_total') >= registries &&
          metricSum(text, 'workqueue_depth') === 0
        );
      },
      600_000,
    );
    await ctl.proc.probe();
    await new Promise((r) => setTimeout(r, IDLE_MS));
    const idleProbe = await ctl.proc.probe();
    return {
      webhooksReadyMs,
      firstReconcileMs,
      allReconciledMs,
      idleRssBytes: rssOf(ctl.proc.child.pid ?? 0),
      idleProbe,
    };
  } finally {
    await ctl.proc.stop();
  }
}

/** The bare HTTPS server: spawn → first answered review. */
export async function baselineWebhookStartMs(certDir: string, caPem: string, port: number): Promise<number> {
  const t0 = performance.now();
  const p = spawnPinned(SERVER_CORE, [
    nodeBin,
    'bench/servers/baseline.ts',
    `--cert-dir=${certDir}`,
    `--port=${port}`,
  ]);
  try {
    return await elapsedUntil(
      t0,
      'the baseline server to answer',
      () => admissionAnswers(port, caPem),
      60_000,
    );
  } finally {
    await p.stop();
  }
}

/** The trivial reconciler over the same registries: spawn → listed them all, then idle memory. */
export async function baselineReconcilerRestart(
  kubeconfig: string,
  namespace: string,
  /** The reconciler's template (trivial-reconciler.ts): what it would write, held as it runs. */
  template: string,
): Promise<{ listedMs: number; idleRssBytes: number; idleProbe: ProbeSample }> {
  const t0 = performance.now();
  const p = spawnPinned(SERVER_CORE, [
    nodeBin,
    'bench/servers/trivial-reconciler.ts',
    kubeconfig,
    namespace,
    '4',
    template,
  ]);
  try {
    const listedMs = await elapsedUntil(
      t0,
      'the trivial reconciler to list',
      async () => p.output().includes('ready'),
      120_000,
    );
    await p.probe();
    await new Promise((r) => setTimeout(r, IDLE_MS));
    const idleProbe = await p.probe();
    return { listedMs, idleRssBytes: rssOf(p.child.pid ?? 0), idleProbe };
  } finally {
    await p.stop();
  }
}
