/**
 * The previous release, for the upgrade tests (integration: operator processes; e2e: images on a
 * real node): its tree as `git archive` of its tag, or of the commit the tag names in a clone without
 * tags.
 */
import { execFileSync } from 'node:child_process';
import { resolve } from 'node:path';

export const PREVIOUS_RELEASE = 'mcp-registry-operator-0.1.0';
/** The commit the tag names, for a clone without tags. */
const PREVIOUS_COMMIT = 'fb827dfa62b1453afdae26701c49958fbef38d81';
const ROOT = resolve(import.meta.dirname, '../..');

function previousRev(): string {
  try {
    return execFileSync('git', ['rev-parse', '--verify', `${PREVIOUS_RELEASE}^{commit}`], {
      cwd: ROOT,
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'ignore'],
    }).trim();
  } catch {
    return PREVIOUS_COMMIT;
  }
}

/** Writes the previous release's `paths` (every file when none) into the existing directory `dir`. */
export function extractPreviousRelease(dir: string, paths: string[] = []): void {
  execFileSync('sh', ['-c', `git archive ${previousRev()} ${paths.join(' ')} | tar -x -C "${dir}"`], {
    cwd: ROOT,
  });
}
