/**
 * The controller's copy of the platform policy (SPEC §8, §18). The webhooks judge a spec when it is
 * written; the controller judges every source again before it fetches, every redirect and what
 * names resolve to, with the same policy file (`--policy`), also when it runs without the webhooks,
 * so a registry admitted under a looser policy stops fetching what the current one forbids. Read at
 * start (a bad file is fatal, as for the webhooks) and re-read every few seconds: a ConfigMap mount
 * changes by a symlink flip, which re-reading the path sees. A bad file later keeps the last good rules.
 */
import { readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import type { Logger } from 'pino';
import { DEFAULT_POLICY, parsePolicy } from '../../admission/policy/policy.ts';
import { setSourcePolicy } from './destinations.ts';

export function watchDestinationPolicy(
  file: string | undefined,
  log: Logger,
  pollMs = 2000,
): () => Promise<void> {
  if (!file) {
    setSourcePolicy(DEFAULT_POLICY);
    return async () => {};
  }
  let seen = readFileSync(file, 'utf8');
  try {
    setSourcePolicy(parsePolicy(seen));
  } catch (e) {
    throw new Error(`policy file ${file}: ${(e as Error).message}`, { cause: e });
  }
  const timer = setInterval(() => {
    readFile(file, 'utf8').then(
      (text) => {
        if (text === seen) return;
        seen = text;
        try {
          setSourcePolicy(parsePolicy(text));
          log.info({ file }, 'source policy reloaded from the policy file');
        } catch (e) {
          log.error(
            { file, err: (e as Error).message },
            'policy file rejected; keeping the last good source policy',
          );
        }
      },
      (e: Error) => log.debug({ file, err: e.message }, 'policy file not readable yet'),
    );
  }, pollMs);
  timer.unref();
  return async () => clearInterval(timer);
}
