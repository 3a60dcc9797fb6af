/**
 * The main thread's side of the controller thread (controller-thread.ts): starts it, mirrors its
 * readiness for /readyz, fetches its metrics for /metrics, stops it on shutdown. A controller thread
 * that ends on its own (a lost lease, an uncaught error) ends the process, as a controller on the
 * main thread would: the kubelet restarts the Pod and it starts over as a candidate.
 */
import { Worker } from 'node:worker_threads';
import { extname } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Logger } from 'pino';
import type { OperatorConfig } from '../config/operator-config.ts';
import type { ReadinessCheck } from '../observability/health.ts';
import type { FromController, ToController } from './controller-messages.ts';

/** controller-thread.ts next to this file: .ts when run from the sources, .js when built. */
const SCRIPT = new URL(`./controller-thread${extname(fileURLToPath(import.meta.url))}`, import.meta.url);
/** A /metrics scrape waits this long for the controller's part, then goes without it. */
const METRICS_WAIT_MS = 5000;

export interface ControllerThread {
  readiness: ReadinessCheck;
  /** The controller's metrics in the Prometheus text format ('' when the thread does not answer). */
  metrics: () => Promise<string>;
  stop: () => Promise<void>;
}

export function startControllerThread(config: OperatorConfig, log: Logger): Promise<ControllerThread> {
  const worker = new Worker(SCRIPT, { workerData: config });
  const send = (m: ToController) => worker.postMessage(m);
  let readiness = { ok: false, detail: 'starting' };
  let stopping = false;
  let nextId = 0;
  const scrapes = new Map<number, (text: string) => void>();
  let stopped: () => void = () => {};
  const stoppedOnce = new Promise<void>((r) => (stopped = r));

  return new Promise((resolve, reject) => {
    let started = false;
    worker.on('message', (m: FromController) => {
      if (m.type === 'readiness') readiness = { ok: m.ok, detail: m.detail };
      else if (m.type === 'metrics') scrapes.get(m.id)?.(m.text);
      else if (m.type === 'stopped') stopped();
      else if (m.type === 'failed') {
        const err = Object.assign(new Error(m.message), { stack: m.stack });
        void worker.terminate();
        reject(err);
      } else if (m.type === 'started') {
        started = true;
        resolve({
          readiness: () => readiness,
          metrics: () =>
            new Promise<string>((done) => {
              const id = nextId++;
              const timer = setTimeout(() => finish(''), METRICS_WAIT_MS);
              const finish = (text: string) => {
                clearTimeout(timer);
                scrapes.delete(id);
                done(text);
              };
              scrapes.set(id, finish);
              send({ type: 'metrics', id });
            }),
          stop: async () => {
            stopping = true;
            send({ type: 'stop' });
            await stoppedOnce;
            await worker.terminate();
          },
        });
      }
    });
    worker.on('error', (err) => {
      if (!started) reject(err);
      else log.fatal({ err }, 'the controller thread failed');
    });
    worker.on('exit', (code) => {
      stopped();
      if (stopping) return;
      if (!started) {
        reject(new Error(`the controller thread exited (code ${code}) before it started`));
        return;
      }
      log.fatal({ code }, 'the controller thread ended; exiting');
      process.exit(code || 1);
    });
  });
}
