/**
 * The machine's kubectl against any kubeconfig: the one wrapper the tests share (the global test
 * cluster's `kubectl` in cluster.ts, and tests that start control planes of their own). Never
 * throws; assert on the result.
 */
import { spawnSync } from 'node:child_process';
import { stringify } from 'yaml';

export interface KubectlResult {
  code: number;
  stdout: string;
  stderr: string;
}

export interface KubectlOptions {
  /** A string is passed as is; an object is sent as YAML. */
  input?: string | object;
  timeoutMs?: number;
}

export function kubectlAt(kubeconfig: string, args: string[], opts: KubectlOptions = {}): KubectlResult {
  const { input, timeoutMs = 60_000 } = opts;
  const stdin = input === undefined ? undefined : typeof input === 'string' ? input : stringify(input);
  const r = spawnSync('kubectl', ['--kubeconfig', kubeconfig, ...args], {
    input: stdin,
    encoding: 'utf8',
    timeout: timeoutMs,
  });
  // The machine's kubectl may be older than the test apiserver and warns about the version skew on
  // every call; that line is noise to every assertion.
  const stderr = (r.stderr ?? '')
    .split('\n')
    .filter((l) => l.trim() && !l.includes('version skew'))
    .join('\n')
    .trim();
  return { code: r.status ?? -1, stdout: r.stdout ?? '', stderr };
}

/** kubectlAt that throws with kubectl's own words when it fails, and returns stdout. */
export function kubectlAtOk(kubeconfig: string, args: string[], opts: KubectlOptions = {}): string {
  const r = kubectlAt(kubeconfig, args, opts);
  if (r.code !== 0) throw new Error(`kubectl ${args.join(' ')} failed (${r.code}): ${r.stderr}`);
  return r.stdout;
}
