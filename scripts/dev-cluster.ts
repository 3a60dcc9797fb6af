// For development: boots a control plane with the test stack (like the integration suites' global
// setup) in the given directory and keeps it running. Then, in another shell:
//   MCPR_TEST_KUBECONFIG=<dir>/kubeconfig node --test test/integration/<area>/*.test.ts
// (with MCPR_TEST_KUBECONFIG set, the global setup is skipped and that cluster is reused).
import { resolve } from 'node:path';
import { startControlPlane } from '../src/local/control-plane.ts';

const dir = resolve(process.argv[2] ?? '.local/dev-cluster');
const cp = await startControlPlane({ dir, log: (m) => console.log(m) });
process.env.MCPR_TEST_KUBECONFIG = cp.kubeconfigPath;
const { installStack } = await import('../test/support/stack.ts');
const stack = await installStack();
console.log(`READY\nexport MCPR_TEST_KUBECONFIG=${cp.kubeconfigPath}`);
for (const sig of ['SIGINT', 'SIGTERM'] as const)
  process.on(
    sig,
    () =>
      void stack
        .stop()
        .then(() => cp.stop())
        .then(() => process.exit(0)),
  );
