#!/usr/bin/env node
/**
 * `npm start`: with no cluster given, boots a real local control plane (kube-apiserver + etcd built
 * from Go modules), writes .local/kubeconfig, and keeps running until Ctrl-C. With --kubeconfig or
 * MCPR_KUBECONFIG it uses that cluster instead.
 */
import { mkdirSync } from 'node:fs';
import { resolve } from 'node:path';
import { startControlPlane } from '../local/control-plane.ts';
import { startLocalStack } from '../local/stack.ts';

const root = resolve(import.meta.dirname, '../..');
const local = resolve(root, '.local');
mkdirSync(local, { recursive: true });
const log = (m: string) => process.stdout.write(`${m}\n`);

const cp = await startControlPlane({
  dir: resolve(local, 'control-plane'),
  kubeconfigPath: resolve(local, 'kubeconfig'),
  log,
});
// The operator (webhooks and controller) as a child process, registered with the apiserver by URL.
const stack = await startLocalStack({
  kubeconfigPath: cp.kubeconfigPath,
  dir: resolve(local, 'stack'),
  enableController: true,
  log,
}).catch(async (e: Error) => {
  await cp.stop();
  throw e;
});
log(`\nLocal control plane running at ${cp.server}`);
log(`  operator log: ${stack.logFile}; platform policy: ${stack.policyFile} (edits apply live)`);
log(`  export KUBECONFIG=${resolve(local, 'kubeconfig')}`);
log('Press Ctrl-C to stop.');

for (const sig of ['SIGINT', 'SIGTERM'] as const) {
  process.on(sig, () => {
    log('stopping…');
    void stack
      .stop()
      .then(() => cp.stop())
      .then(() => process.exit(0));
  });
}
