/**
 * The product stack the integration suites run against, installed once per run by global-setup.ts
 * into the real control plane: the operator process with admission and conversion webhooks (controller
 * off), the CRD converting through it, and both admission webhooks registered by URL.
 *
 * The policy file the operator watches is exported as MCPR_TEST_POLICY_FILE. A test that changes it
 * must restore the original content (other files run concurrently against the same operator).
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startLocalStack } from '../../src/local/stack.ts';
import { kubeconfigPath } from './cluster.ts';

export interface Stack {
  stop(): Promise<void>;
}

export async function installStack(): Promise<Stack> {
  const dir = mkdtempSync(join(tmpdir(), 'mcpr-stack-'));
  const stack = await startLocalStack({
    kubeconfigPath: kubeconfigPath(),
    dir,
    enableController: false,
    log: (m) => process.stderr.write(`[stack] ${m}\n`),
  });
  process.env.MCPR_TEST_POLICY_FILE = stack.policyFile;
  process.env.MCPR_TEST_WEBHOOK_URL = stack.webhookUrl;
  process.env.MCPR_TEST_WEBHOOK_HEALTH_URL = stack.healthUrl;
  process.env.MCPR_TEST_WEBHOOK_CA = stack.caPem;
  process.env.MCPR_TEST_OPERATOR_LOG = stack.logFile;
  return stack;
}
