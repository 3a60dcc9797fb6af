/**
 * Starts the product's webhook server the way it runs in production: `src/bin/operator.ts` as its own
 * process with the controller off, TLS from a cert dir, readiness on the plain-HTTP health port.
 */
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { freePort } from '../../src/local/control-plane.ts';
import {
  SERVER_CORE,
  deployedOperatorEnv,
  nodeBin,
  repoRoot,
  spawnPinned,
  waitServing,
  waitUntil,
  type Spawned,
} from './procs.ts';

/** MCPR_WEBHOOK_BIN points the harness at another server with the same flags (to check the harness itself). */
export const OPERATOR_BIN = process.env.MCPR_WEBHOOK_BIN ?? resolve(repoRoot, 'src/bin/operator.ts');

export const PATHS = {
  validate: '/validate-toolhive-stacklok-io-mcpregistry',
  mutate: '/mutate-toolhive-stacklok-io-mcpregistry',
  convert: '/convert',
} as const;

/** Why the webhook server cannot be benchmarked in this tree, or undefined when it can. */
export function webhookUnavailable(): string | undefined {
  if (!existsSync(OPERATOR_BIN)) return 'src/bin/operator.ts (the webhook server) is not in the tree yet';
  if (!process.env.MCPR_WEBHOOK_BIN && !existsSync(resolve(repoRoot, 'src/webhook')))
    return 'src/webhook/ is not in the tree yet';
  return undefined;
}

export interface WebhookProc {
  port: number;
  healthPort: number;
  url: string;
  proc: Spawned;
}

export async function startWebhook(opts: {
  certDir: string;
  core: number;
  port?: number;
  drainSeconds?: number;
  kubeconfig?: string;
  extraArgs?: string[];
}): Promise<WebhookProc> {
  const port = opts.port ?? (await freePort());
  const healthPort = await freePort();
  const args = [
    nodeBin,
    OPERATOR_BIN,
    '--enable-controller=false',
    '--enable-webhooks=true',
    '--leader-elect=false',
    `--cert-dir=${opts.certDir}`,
    '--webhook-host=127.0.0.1',
    `--webhook-port=${port}`,
    `--health-address=127.0.0.1:${healthPort}`,
    '--log-level=warn',
    `--drain-seconds=${opts.drainSeconds ?? 1}`,
    ...(opts.kubeconfig ? [`--kubeconfig=${opts.kubeconfig}`] : []),
    ...(opts.extraArgs ?? []),
  ];
  // The harness check (MCPR_WEBHOOK_BIN) runs another server: it gets no operator settings.
  const proc = spawnPinned(opts.core, args, {
    env: process.env.MCPR_WEBHOOK_BIN ? {} : deployedOperatorEnv(),
  });
  try {
    await waitServing(
      proc,
      `http://127.0.0.1:${healthPort}/readyz`,
      'the webhook server to become ready',
      30_000,
    );
  } catch (e) {
    await proc.stop('SIGKILL');
    throw e;
  }
  return { port, healthPort, url: `https://127.0.0.1:${port}`, proc };
}

/** The bare node:https baseline (bench/servers/baseline.ts) on the server core, once it listens. */
export async function startBaselineServer(
  certDir: string,
  opts: { admission?: boolean } = {},
): Promise<{ proc: Spawned; port: number }> {
  const port = await freePort();
  const proc = spawnPinned(SERVER_CORE, [
    nodeBin,
    'bench/servers/baseline.ts',
    `--cert-dir=${certDir}`,
    `--port=${port}`,
    ...(opts.admission ? ['--admission'] : []),
  ]);
  try {
    await waitUntil('baseline server', async () => proc.output().includes('listening'));
  } catch (e) {
    await proc.stop('SIGKILL');
    throw e;
  }
  return { proc, port };
}
