/**
 * The platform policy in force. Without a file: the built-in defaults. With one: parsed at start
 * (a bad file at start is fatal, so a broken rollout is visible), then reloaded when it changes; a
 * bad reload keeps the last good policy and says why in the log, a metric and /readyz.
 */
import { dirname } from 'node:path';
import { readFileSync } from 'node:fs';
import type { Logger } from 'pino';
import { Counter, Gauge, type Registry } from 'prom-client';
import { DEFAULT_POLICY, parsePolicy, type Policy } from '../admission/index.ts';
import { watchFiles, type FileWatcher } from './file-watch.ts';

export interface PolicyStore {
  current(): Policy;
  /** Why the file on disk is not in force, when it is not. */
  problem(): string | undefined;
  close(): void;
}

export function loadPolicyStore(
  file: string | undefined,
  log: Logger,
  metrics: Registry,
  pollMs?: number,
): PolicyStore {
  const reloads = new Counter({
    name: 'mcpr_policy_reloads_total',
    help: 'Policy file loads, by result (success, error).',
    labelNames: ['result'] as const,
    registers: [metrics],
  });
  const valid = new Gauge({
    name: 'mcpr_policy_valid',
    help: '1 when the policy file on disk is the policy in force, 0 when a bad file was rejected.',
    registers: [metrics],
  });
  valid.set(1);
  if (!file) return { current: () => DEFAULT_POLICY, problem: () => undefined, close: () => undefined };

  let policy: Policy;
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
    policy = parsePolicy(text);
  } catch (e) {
    throw new Error(`policy file ${file}: ${(e as Error).message}`, { cause: e });
  }
  reloads.inc({ result: 'success' });
  let problem: string | undefined;
  let seen = text;
  const w: FileWatcher = watchFiles(
    dirname(file),
    [file],
    ([buf]) => {
      const next = buf?.toString('utf8') ?? '';
      if (next === seen) return;
      seen = next;
      try {
        policy = parsePolicy(next);
        problem = undefined;
        valid.set(1);
        reloads.inc({ result: 'success' });
        log.info({ file }, 'policy reloaded');
      } catch (e) {
        problem = `policy file ${file} rejected, keeping the last good policy: ${(e as Error).message}`;
        valid.set(0);
        reloads.inc({ result: 'error' });
        log.error({ file, err: (e as Error).message }, 'policy file rejected; keeping the last good policy');
      }
    },
    (e) => log.debug({ err: e, file }, 'policy file not readable yet'),
    pollMs,
  );
  return { current: () => policy, problem: () => problem, close: () => w.close() };
}
