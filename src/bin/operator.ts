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
import { watchDestinationPolicy } from '../sources/policy-file.ts';

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
// The controller's fetches obey the policy file's destination rules (SPEC §8), with or without webhooks.
if (config.enableController) {
  try {
    stops.push(watchDestinationPolicy(config.policyFile, log.child({ component: 'destinations' })));
  } catch (e) {
    log.fatal({ err: e }, 'failed to start');
    process.exit(1);
  }
}
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
    // Loaded only when enabled: the controller pulls in the Kubernetes client library (~80 MiB of RSS
    // in module sources and code) that a webhook-only replica never uses (docs/performance.md).
    const { runController } = await import('../controller/main.ts');
    const controller = await runController(config, log.child({ component: 'controller' }), metrics);
    health.addCheck('controller', controller.readiness);
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
