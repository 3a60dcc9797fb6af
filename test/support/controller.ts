/**
 * Controller processes for integration tests: `node src/bin/operator.ts` with webhooks off, scoped to
 * the test's namespaces so concurrent test files never reconcile each other's registries.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { openSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

import { LOOPBACK_POLICY_YAML } from './destinations.ts';

const ROOT = resolve(import.meta.dirname, '../..');

export interface ControllerProcess {
  child: ChildProcess;
  logFile: string;
  log(): string;
  stop(): Promise<void>;
}

export interface ControllerOptions {
  kubeconfig: string;
  namespaces: string[];
  leaderElect?: boolean;
  /** Lease namespace (must exist) and name, when leaderElect. */
  leaseNamespace?: string;
  leaseName?: string;
  env?: Record<string, string>;
  /** Policy file content; default: loopback sources allowed, as in the local dev stack (SPEC §8). */
  policy?: string;
  extraArgs?: string[];
}

export function startController(opts: ControllerOptions): ControllerProcess {
  const dir = mkdtempSync(join(tmpdir(), 'mcpr-controller-'));
  const logFile = join(dir, 'controller.log');
  const policyFile = join(dir, 'policy.yaml');
  writeFileSync(policyFile, opts.policy ?? LOOPBACK_POLICY_YAML);
  const fd = openSync(logFile, 'a');
  const child = spawn(
    process.execPath,
    [
      join(ROOT, 'src/bin/operator.ts'),
      '--enable-webhooks=false',
      // Every operator process serves health and metrics; port 0 so concurrent controllers never collide.
      '--health-address=127.0.0.1:0',
      `--kubeconfig=${opts.kubeconfig}`,
      `--watch-namespaces=${opts.namespaces.join(',')}`,
      `--leader-elect=${opts.leaderElect ? 'true' : 'false'}`,
      `--namespace=${opts.leaseNamespace ?? opts.namespaces[0] ?? 'default'}`,
      ...(opts.leaseName ? [`--lease-name=${opts.leaseName}`] : []),
      '--deploy-registry-api=false',
      '--log-level=debug',
      `--policy=${policyFile}`,
      ...(opts.extraArgs ?? []),
    ],
    {
      stdio: ['ignore', fd, fd],
      env: {
        ...process.env,
        MCPR_SYNC_BACKOFF_BASE_MS: '500',
        MCPR_SYNC_BACKOFF_MAX_MS: '4000',
        MCPR_SOURCE_RETRY_DELAY_MS: '50',
        ...opts.env,
      },
    },
  );
  let exited = false;
  child.once('exit', () => (exited = true));
  const onExit = () => child.kill('SIGKILL');
  process.once('exit', onExit);
  return {
    child,
    logFile,
    log: () => readFileSync(logFile, 'utf8'),
    async stop() {
      process.removeListener('exit', onExit);
      if (exited) return;
      child.kill('SIGCONT');
      child.kill('SIGTERM');
      await new Promise<void>((r) => {
        const t = setTimeout(() => {
          child.kill('SIGKILL');
          r();
        }, 8000);
        child.once('exit', () => {
          clearTimeout(t);
          r();
        });
      });
    },
  };
}
