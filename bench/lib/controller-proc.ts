/**
 * Starts the product's controller the way it runs in production: `src/bin/operator.ts` as its own
 * process (webhooks on too, as on every replica; they also serve the health port), no leader election
 * (one replica), against the benchmark's control plane.
 */
import { existsSync, readFileSync } from 'node:fs';
import { freePort } from '../../src/local/control-plane.ts';
import { deployedOperatorEnv, nodeBin, spawnPinned, waitServing, type Spawned } from './procs.ts';
import { OPERATOR_BIN } from './webhook-proc.ts';

/** Why the controller cannot be benchmarked in this tree, or undefined when it can. */
export function controllerUnavailable(): string | undefined {
  if (!existsSync(OPERATOR_BIN))
    return 'src/bin/operator.ts (the operator entry point) is not in the tree yet';
  // The operator binary starts the controller only once the controller engineer wires it in.
  if (!/(from |import\()'\.\.\/controller\//.test(readFileSync(OPERATOR_BIN, 'utf8')))
    return 'src/bin/operator.ts does not start the controller yet (no import from src/controller/)';
  return undefined;
}

export interface ControllerProc {
  proc: Spawned;
  healthPort: number;
  webhookPort: number;
}

export interface ControllerOptions {
  kubeconfig: string;
  /** A cert dir for the webhook server (tls.crt, tls.key). */
  certDir: string;
  namespaces: string[];
  core: number;
  env?: NodeJS.ProcessEnv;
  /** A platform policy file (`--policy`), e.g. one allowing loopback sources. */
  policyFile?: string;
  /** Appended flags; a flag given again wins (e.g. --leader-elect=true --shards=4). */
  args?: string[];
}

/** Starts the operator and returns at once (to time its start-up); startController waits for /readyz. */
export async function spawnController(opts: ControllerOptions): Promise<ControllerProc> {
  const healthPort = await freePort();
  const webhookPort = await freePort();
  const proc = spawnPinned(
    opts.core,
    [
      nodeBin,
      OPERATOR_BIN,
      '--enable-controller=true',
      '--enable-webhooks=true',
      `--cert-dir=${opts.certDir}`,
      '--webhook-host=127.0.0.1',
      `--webhook-port=${webhookPort}`,
      '--leader-elect=false',
      '--deploy-registry-api=false',
      `--kubeconfig=${opts.kubeconfig}`,
      `--watch-namespaces=${opts.namespaces.join(',')}`,
      `--health-address=127.0.0.1:${healthPort}`,
      '--log-level=warn',
      ...(opts.policyFile ? [`--policy=${opts.policyFile}`] : []),
      ...(opts.args ?? []),
    ],
    { env: { ...deployedOperatorEnv(), ...opts.env } },
  );
  return { proc, healthPort, webhookPort };
}

export async function startController(opts: ControllerOptions): Promise<ControllerProc> {
  const ctl = await spawnController(opts);
  const { proc, healthPort } = ctl;
  try {
    await waitServing(
      proc,
      `http://127.0.0.1:${healthPort}/readyz`,
      'the controller to become ready',
      60_000,
    );
  } catch (e) {
    await proc.stop('SIGKILL');
    throw e;
  }
  return ctl;
}
