/**
 * The product stack the integration suites run against, installed once per run by global-setup.ts
 * into the real control plane: the operator process with admission and conversion webhooks (controller
 * off), the CRD converting through it, and both admission webhooks registered by URL.
 *
 * Where things are (policy file, webhook URL, CA) is written to `<kubeconfig dir>/mcpr-stack/stack.json`
 * and exported as MCPR_TEST_* variables; stackInfo() reads either, so a reused dev cluster works too.
 * A test that changes the policy file must restore the original content: other files run concurrently
 * against the same operator.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { startLocalStack } from '../../src/local/stack.ts';
import { kubeconfigPath } from './cluster.ts';

export interface Stack {
  stop(): Promise<void>;
}

export interface StackInfo {
  policyFile: string;
  webhookUrl: string;
  healthUrl: string;
  caPem: string;
  logFile: string;
}

function infoFile(): string {
  return join(dirname(kubeconfigPath()), 'mcpr-stack', 'stack.json');
}

export function stackInfo(): StackInfo {
  if (process.env.MCPR_TEST_POLICY_FILE && process.env.MCPR_TEST_WEBHOOK_URL)
    return {
      policyFile: process.env.MCPR_TEST_POLICY_FILE,
      webhookUrl: process.env.MCPR_TEST_WEBHOOK_URL,
      healthUrl: process.env.MCPR_TEST_WEBHOOK_HEALTH_URL ?? '',
      caPem: process.env.MCPR_TEST_WEBHOOK_CA ?? '',
      logFile: process.env.MCPR_TEST_OPERATOR_LOG ?? '',
    };
  const f = infoFile();
  if (!existsSync(f))
    throw new Error(`no test stack found (${f}): run through the global setup or scripts/dev-cluster.ts`);
  return JSON.parse(readFileSync(f, 'utf8')) as StackInfo;
}

export async function installStack(): Promise<Stack> {
  const dir = join(dirname(kubeconfigPath()), 'mcpr-stack');
  mkdirSync(dir, { recursive: true });
  const stack = await startLocalStack({
    kubeconfigPath: kubeconfigPath(),
    dir,
    enableController: false,
    log: (m) => process.stderr.write(`[stack] ${m}\n`),
  });
  const info: StackInfo = {
    policyFile: stack.policyFile,
    webhookUrl: stack.webhookUrl,
    healthUrl: stack.healthUrl,
    caPem: stack.caPem,
    logFile: stack.logFile,
  };
  writeFileSync(infoFile(), JSON.stringify(info, null, 2));
  process.env.MCPR_TEST_POLICY_FILE = info.policyFile;
  process.env.MCPR_TEST_WEBHOOK_URL = info.webhookUrl;
  process.env.MCPR_TEST_WEBHOOK_HEALTH_URL = info.healthUrl;
  process.env.MCPR_TEST_WEBHOOK_CA = info.caPem;
  process.env.MCPR_TEST_OPERATOR_LOG = info.logFile;
  return stack;
}
