/**
 * `kubectl apply --dry-run=server` on one manifest, read back into a verdict: valid or not, each cause
 * exactly as kubectl prints it, and the warnings. kubectl prints an Invalid status as
 * `The MCPRegistry "x" is invalid: <cause>` (or one `* <cause>` line each when there are several) and a
 * strict decoding failure as one line naming every unknown field; both become one entry per cause.
 */
import { spawn, spawnSync } from 'node:child_process';
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

function outcome(status: number | null, stdout: string, stderrText: string): KubectlOutcome {
  // kubectl 1.32 warns about its version skew with the 1.35 apiserver on every call.
  const lines = stderrText
    .split('\n')
    .filter((l) => l && !l.includes('exceeds the supported minor version skew'));
  const warnings = lines.filter((l) => l.startsWith('Warning: ')).map((l) => l.slice('Warning: '.length));
  const error = lines.filter((l) => !l.startsWith('Warning: ')).join('\n');
  const valid = status === 0;
  return { valid, errors: valid ? [] : parseKubectlError(error), warnings, stdout, stderr: lines.join('\n') };
}

const applyArgs = (kubeconfig: string, extra: string[]) => [
  '--kubeconfig',
  kubeconfig,
  'apply',
  '--dry-run=server',
  ...extra,
  '-f',
  '-',
];

export function kubectlVerdict(kubeconfig: string, manifest: unknown, extra: string[] = []): KubectlOutcome {
  const r = spawnSync('kubectl', applyArgs(kubeconfig, extra), {
    input: stringify(manifest),
    encoding: 'utf8',
    timeout: 60_000,
  });
  return outcome(r.status, r.stdout ?? '', r.stderr ?? '');
}

/** The same without blocking, so several manifests can be judged at once. */
export function kubectlVerdictAsync(kubeconfig: string, manifest: unknown): Promise<KubectlOutcome> {
  return new Promise((resolve, reject) => {
    const child = spawn('kubectl', applyArgs(kubeconfig, []), {
      stdio: ['pipe', 'pipe', 'pipe'],
      timeout: 120_000,
    });
    let out = '';
    let err = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    child.once('error', reject);
    child.once('close', (code) => resolve(outcome(code, out, err)));
    child.stdin.end(stringify(manifest));
  });
}
