/**
 * Where a test tool's binary is: the environment variable scripts/test.sh sets, else what its build
 * script prints last (it builds once, then answers from ~/.cache).
 */
import { execFileSync } from 'node:child_process';
import { join, resolve } from 'node:path';

const ROOT = resolve(import.meta.dirname, '../..');
const found = new Map<string, string>();

/** e.g. toolBin('MCPR_HELM_BIN', 'test/helm/build.sh'); the build's own progress goes to stderr. */
export function toolBin(envVar: string, buildScript: string): string {
  const known = process.env[envVar] || found.get(buildScript);
  if (known) return known;
  const bin =
    execFileSync('bash', [join(ROOT, buildScript)], {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'inherit'],
    })
      .trim()
      .split('\n')
      .pop() ?? '';
  found.set(buildScript, bin);
  return bin;
}
