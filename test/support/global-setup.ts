/**
 * node:test global setup for the integration suites: one real kube-apiserver + etcd for the whole
 * run. Set MCPR_TEST_KUBECONFIG to reuse a running cluster (e.g. the one `npm start` made).
 */
import { startControlPlane, type ControlPlane } from '../../src/local/control-plane.ts';
import { installStack, type Stack } from './stack.ts';

let cp: ControlPlane | undefined;
let stack: Stack | undefined;

export async function globalSetup(): Promise<void> {
  if (process.env.MCPR_TEST_KUBECONFIG) return;
  cp = await startControlPlane({ log: (m) => process.stderr.write(`[control-plane] ${m}\n`) });
  process.env.MCPR_TEST_KUBECONFIG = cp.kubeconfigPath;
  process.env.MCPR_TEST_CP_DIR = cp.dir;
  process.env.MCPR_TEST_CP_SERVER = cp.server;
  stack = await installStack();
}

export async function globalTeardown(): Promise<void> {
  await stack?.stop();
  await cp?.stop();
}
