#!/usr/bin/env node
/**
 * The operator process: admission + conversion webhooks (every replica) and the controller
 * (leader only), plus one plain-HTTP health/metrics server whichever of the two runs, so a
 * controller-only Deployment passes its probes. Settings: src/config/operator-config.ts,
 * documented in docs/configuration.md.
 */
import { parseOperatorConfig, type OperatorConfig } from '../config/operator-config.ts';
import { operatorHelp } from '../config/operator-help.ts';
import { productVersion } from '../config/version.ts';
import { createLogger } from '../observability/logger.ts';
import { createMetricsRegistry } from '../observability/metrics.ts';
import { HealthServer } from '../observability/health.ts';
import { runWebhooks } from '../webhook/main.ts';
import { startControllerThread } from './controller-host.ts';
import type { Logger } from 'pino';
import type { Registry } from 'prom-client';

/**
 * --controller-thread=false: the controller on the main thread, beside the webhooks (debugging).
 * Loaded only then: the controller pulls in the Kubernetes client library (~80 MiB of RSS in module
 * sources and code) that a webhook-only replica never uses (docs/performance.md).
 */
async function controllerOnThisThread(config: OperatorConfig, log: Logger, metrics: Registry) {
  const [{ runController }, { watchDestinationPolicy }] = await Promise.all([
    import('../controller/main.ts'),
    import('../sources/destinations/policy-file.ts'),
  ]);
  // The controller's fetches obey the policy file's destination rules (SPEC §8).
  const stopPolicy = watchDestinationPolicy(config.policyFile, log.child({ component: 'destinations' }));
  const controller = await runController(config, log, metrics);
  return {
    readiness: controller.readiness,
    stop: () => Promise.all([controller.stop(), stopPolicy()]).then(() => undefined),
  };
}

const argv = process.argv.slice(2);
if (argv.includes('--help') || argv.includes('-h')) {
  process.stdout.write(operatorHelp());
  process.exit(0);
}
if (argv.includes('--version')) {
  process.stdout.write(`mcp-registry-operator ${productVersion()}\n`);
  process.exit(0);
}

let config: OperatorConfig;
try {
  config = parseOperatorConfig(argv, process.env);
} catch (e) {
  process.stderr.write(`error: ${(e as Error).message}\nRun 'mcp-registry-operator --help' for usage.\n`);
  process.exit(2);
}
const log = createLogger(config.logLevel);
const metrics = createMetricsRegistry();
const health = new HealthServer(metrics, (err, path) => log.error({ err, path }, 'health request failed'));
const stops: (() => Promise<void>)[] = [];
let starting = true;
health.addCheck('startup', () =>
  starting ? { ok: false, detail: 'starting' } : { ok: true, detail: 'started' },
);

try {
  const port = await health.listen(config.healthAddress);
  log.info({ address: config.healthAddress, port }, 'health and metrics listening');
  if (config.enableWebhooks)
    stops.push(await runWebhooks(config, log.child({ component: 'webhook' }), metrics, health));
  if (config.enableController) {
    const controller = config.controllerThread
      ? await startControllerThread(config, log.child({ component: 'controller' }))
      : await controllerOnThisThread(config, log.child({ component: 'controller' }), metrics);
    health.addCheck('controller', controller.readiness);
    if ('metrics' in controller) health.addMetrics(controller.metrics);
    stops.push(controller.stop);
  }
  starting = false;
} catch (e) {
  log.fatal({ err: e }, 'failed to start');
  process.exit(1);
}

let stopping = false;
for (const sig of ['SIGTERM', 'SIGINT'] as const) {
  process.on(sig, () => {
    if (stopping) return;
    stopping = true;
    log.info({ signal: sig }, 'shutting down');
    Promise.allSettled(stops.map((s) => s()))
      .then(() => health.close())
      .then(() => process.exit(0));
  });
}
