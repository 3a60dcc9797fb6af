#!/usr/bin/env node
/**
 * `npm start`: boots a real local control plane (kube-apiserver + etcd built from Go modules),
 * runs the operator against it (webhooks registered by URL with a generated CA, the controller),
 * applies samples/, waits for them to sync, writes .local/kubeconfig, and keeps running until
 * Ctrl-C. `npm start -- --kubeconfig PATH` uses that cluster instead of booting one (its apiserver
 * must be able to reach 127.0.0.1, i.e. run on this machine).
 */
import { mkdirSync, rmSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { startControlPlane, type ControlPlane } from '../local/control-plane.ts';
import { startLocalStack } from '../local/stack.ts';
import { applySamples } from '../local/samples.ts';
import { startLocalRegistryApi } from '../registry-api/local.ts';

const { values } = parseArgs({
  options: { kubeconfig: { type: 'string' }, namespace: { type: 'string', default: 'default' } },
});
const root = resolve(import.meta.dirname, '../..');
const local = resolve(root, '.local');
mkdirSync(local, { recursive: true });
const log = (m: string) => process.stdout.write(`${m}\n`);
const stops: (() => Promise<void>)[] = [];
const shutdown = async (code: number) => {
  for (const stop of stops.reverse()) await stop().catch(() => undefined);
  process.exit(code);
};
for (const sig of ['SIGINT', 'SIGTERM'] as const)
  process.on(sig, () => {
    log('stopping…');
    void shutdown(0);
  });

try {
  let kubeconfigPath = values.kubeconfig;
  if (!kubeconfigPath) {
    const dir = resolve(local, 'control-plane');
    rmSync(dir, { recursive: true, force: true });
    const cp: ControlPlane = await startControlPlane({
      dir,
      kubeconfigPath: resolve(local, 'kubeconfig'),
      log,
    });
    stops.push(() => cp.stop());
    kubeconfigPath = resolve(local, 'kubeconfig');
  }
  // The API first (it waits for its storage), so the operator can be told where it is: a registryRef
  // to toolhive-all then reads it here, where no `<name>-api` Service can be reached. Port 8080 when
  // free, else any free port.
  const api = await startLocalRegistryApi({
    kubeconfigPath,
    namespace: values.namespace,
    name: 'toolhive-all',
    port: 8080,
  }).catch(() =>
    startLocalRegistryApi({ kubeconfigPath, namespace: values.namespace, name: 'toolhive-all' }),
  );
  stops.push(() => api.stop());
  const stack = await startLocalStack({
    kubeconfigPath,
    dir: resolve(local, 'stack'),
    enableController: true,
    log,
    extraArgs: [`--registry-ref-endpoints=${values.namespace}/toolhive-all=${api.url}`],
  });
  stops.push(() => stack.stop());
  log(`applying samples/ in namespace ${values.namespace}…`);
  const regs = await applySamples(kubeconfigPath, values.namespace);
  for (const r of regs)
    log(`  ${r.metadata.name}: ${r.status?.phase}, ${r.status?.sync?.serverCount ?? 0} servers`);
  log(`Registry API of toolhive-all: ${api.url}`);
  log(`Catalog page of toolhive-all: ${api.url}/  (open it in a browser; docs/ui.md)`);
  log(`  curl ${api.url}/api/v1/registry/info`);
  log(`  curl '${api.url}/v0.1/servers?limit=5'`);
  log('');
  log('Ready. In another shell:');
  log(`  export KUBECONFIG=${kubeconfigPath}`);
  log('  kubectl get mcpregistries -A');
  log('  node_modules/.bin/node src/bin/thv.ts registry list -A');
  log(`Operator log: ${stack.logFile}`);
  log('Press Ctrl-C to stop.');
} catch (e) {
  process.stderr.write(`npm start failed: ${(e as Error).message}\n`);
  await shutdown(1);
}
