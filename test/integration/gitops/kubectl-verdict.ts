/**
 * `kubectl apply --dry-run=server` on one manifest, read back into a verdict: valid or not, each cause
 * exactly as kubectl prints it, and the warnings. kubectl prints an Invalid status as
 * `The MCPRegistry "x" is invalid: <cause>` (or one `* <cause>` line each when there are several) and a
 * strict decoding failure as one line naming every unknown field; both become one entry per cause.
 */
import { spawnSync } from 'node:child_process';
import { stringify } from 'yaml';

export interface Outcome {
  valid: boolean;
  errors: string[];
  warnings: string[];
}

export interface KubectlOutcome extends Outcome {
  stdout: string;
  stderr: string;
}

export function parseKubectlError(text: string): string[] {
  const invalid = /^The \S+ "[^"]*" is invalid: ?([\s\S]*)$/.exec(text);
  if (invalid) {
    const rest = invalid[1] ?? '';
    if (rest.trim() === '' || rest.startsWith('\n'))
      return rest
        .split('\n')
        .filter((l) => l.startsWith('* '))
        .map((l) => l.slice(2));
    return [rest];
  }
  const strict = /strict decoding error: (.*)$/.exec(text);
  if (strict) return [...(strict[1] ?? '').matchAll(/unknown field "[^"]*"/g)].map((m) => m[0]);
  return [text];
}

export function kubectlVerdict(kubeconfig: string, manifest: unknown, extra: string[] = []): KubectlOutcome {
  const r = spawnSync(
    'kubectl',
    ['--kubeconfig', kubeconfig, 'apply', '--dry-run=server', ...extra, '-f', '-'],
    {
      input: stringify(manifest),
      encoding: 'utf8',
      timeout: 60_000,
    },
  );
  // kubectl 1.32 warns about its version skew with the 1.35 apiserver on every call.
  const lines = (r.stderr ?? '')
    .split('\n')
    .filter((l) => l && !l.includes('exceeds the supported minor version skew'));
  const warnings = lines.filter((l) => l.startsWith('Warning: ')).map((l) => l.slice('Warning: '.length));
  const error = lines.filter((l) => !l.startsWith('Warning: ')).join('\n');
  const valid = r.status === 0;
  return {
    valid,
    errors: valid ? [] : parseKubectlError(error),
    warnings,
    stdout: r.stdout ?? '',
    stderr: lines.join('\n'),
  };
}
