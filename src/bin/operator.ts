#!/usr/bin/env node
/**
 * The operator process: admission + conversion webhooks (every replica) and the controller
 * (leader only). Settings: src/config/operator-config.ts, documented in docs/configuration.md.
 */
import { parseOperatorConfig } from '../config/operator-config.ts';
import { createLogger } from '../observability/logger.ts';
import { createMetricsRegistry } from '../observability/metrics.ts';
import { runWebhooks } from '../webhook/main.ts';
import { runController } from '../controller/main.ts';
import { watchDestinationPolicy } from '../sources/policy-file.ts';

let config;
try {
  config = parseOperatorConfig(process.argv.slice(2), process.env);
} catch (e) {
  process.stderr.write(`error: ${(e as Error).message}\n`);
  process.exit(2);
}
const log = createLogger(config.logLevel);
const metrics = createMetricsRegistry();
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

try {
  if (config.enableWebhooks)
    stops.push(await runWebhooks(config, log.child({ component: 'webhook' }), metrics));
  if (config.enableController)
    stops.push(await runController(config, log.child({ component: 'controller' }), metrics));
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
    Promise.allSettled(stops.map((s) => s())).then(() => process.exit(0));
  });
}
