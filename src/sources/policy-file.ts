/**
 * The controller's copy of the platform policy's destination rules (SPEC §8). The webhooks judge
 * literal IPs when a spec is written; the controller must judge what names resolve to when it
 * fetches, with the same policy file (`--policy`), also when it runs without the webhooks. Read at
 * start (a bad file is fatal, as for the webhooks) and re-read every few seconds: a ConfigMap mount
 * changes by a symlink flip, which re-reading the path sees. A bad file later keeps the last good rules.
 */
import { readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import type { Logger } from 'pino';
import { DEFAULT_POLICY, parsePolicy } from '../admission/policy.ts';
import { setDestinationRules } from './destinations.ts';

export function watchDestinationPolicy(
  file: string | undefined,
  log: Logger,
  pollMs = 2000,
): () => Promise<void> {
  if (!file) {
    setDestinationRules(DEFAULT_POLICY.network);
    return async () => {};
  }
  let seen = readFileSync(file, 'utf8');
  try {
    setDestinationRules(parsePolicy(seen).network);
  } catch (e) {
    throw new Error(`policy file ${file}: ${(e as Error).message}`, { cause: e });
  }
  const timer = setInterval(() => {
    readFile(file, 'utf8').then(
      (text) => {
        if (text === seen) return;
        seen = text;
        try {
          setDestinationRules(parsePolicy(text).network);
          log.info({ file }, 'destination rules reloaded from the policy file');
        } catch (e) {
          log.error(
            { file, err: (e as Error).message },
            'policy file rejected; keeping the last good destination rules',
          );
        }
      },
      (e: Error) => log.debug({ file, err: e.message }, 'policy file not readable yet'),
    );
  }, pollMs);
  timer.unref();
  return async () => clearInterval(timer);
}
