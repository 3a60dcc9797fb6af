/**
 * The controller's thread (SPEC §18 "Admission never waits for sync work"). The operator's main
 * thread keeps only the webhooks and the health server; informers, fetches (TLS receive of whole
 * catalogs), ConfigMap writes and their garbage live here, on another event loop and another heap, at
 * a lower CPU priority. The main thread talks to it by the messages in controller-messages.ts.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { Registry } from 'prom-client';
import type { OperatorConfig } from '../config/operator-config.ts';
import { createLogger } from '../observability/logger.ts';
import { CONTROLLER_NICE, lowerThreadPriority } from '../observability/thread-priority.ts';
import { watchDestinationPolicy } from '../sources/destinations/policy-file.ts';
import { runController } from '../controller/main.ts';
import type { ToController, FromController } from './controller-messages.ts';

const port = parentPort;
if (!port) throw new Error('controller-thread.ts runs only as a worker thread');
const config = workerData as OperatorConfig;
const log = createLogger(config.logLevel).child({ component: 'controller' });
const post = (m: FromController) => port.postMessage(m);
// Before runController: the sync workers it starts inherit this and lower themselves further.
const why = lowerThreadPriority(CONTROLLER_NICE);
if (why) log.warn({ reason: why }, 'the controller thread keeps the default CPU priority');

// The process's default metrics (CPU, memory, event loop) are the main thread's; this registry holds
// the controller's own, appended to the main thread's /metrics.
const metrics = new Registry();
try {
  const stopPolicy = watchDestinationPolicy(config.policyFile, log.child({ component: 'destinations' }));
  const controller = await runController(config, log, metrics);
  let last = '';
  const report = () => {
    const r = controller.readiness();
    const key = `${r.ok}:${r.detail}`;
    if (key !== last) post({ type: 'readiness', ...r });
    last = key;
  };
  report();
  const readinessTimer = setInterval(report, 500);
  post({ type: 'started' });
  port.on('message', (m: ToController) => {
    if (m.type === 'metrics') {
      metrics.metrics().then(
        (text) => post({ type: 'metrics', id: m.id, text }),
        (err: unknown) => {
          log.error({ err }, 'collecting the controller metrics failed');
          post({ type: 'metrics', id: m.id, text: '' });
        },
      );
    } else if (m.type === 'stop') {
      clearInterval(readinessTimer);
      post({ type: 'readiness', ok: false, detail: 'shutting down' });
      void Promise.allSettled([controller.stop(), stopPolicy()]).then(() => post({ type: 'stopped' }));
    }
  });
} catch (e) {
  const err = e as Error;
  post({ type: 'failed', message: err.message, stack: err.stack ?? '' });
}
