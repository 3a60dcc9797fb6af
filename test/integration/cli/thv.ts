/** Runs the real `thv` binary (node src/bin/thv.ts) as a child process, the way a user does. */
import { spawn } from 'node:child_process';
import { resolve } from 'node:path';
import { kubeconfigPath } from '../../support/cluster.ts';

const BIN = resolve(import.meta.dirname, '../../../src/bin/thv.ts');

export interface ThvResult {
  code: number;
  stdout: string;
  stderr: string;
}

export interface ThvOptions {
  stdin?: string;
  /** Defaults to the test cluster's kubeconfig; `null` passes no --kubeconfig at all. */
  kubeconfig?: string | null;
  env?: Record<string, string>;
  /** Working directory (default: this one, a checkout). */
  cwd?: string;
}

export function thv(args: string[], opts: ThvOptions = {}): Promise<ThvResult> {
  return start(args, opts).done;
}

export interface Running {
  done: Promise<ThvResult>;
  /** Output so far, to see progress appear before the command ends. */
  stdout(): string;
  stderr(): string;
  /** Ends a command that runs until interrupted (`list -w`), as Ctrl-C would. */
  kill(): void;
}

export function start(args: string[], opts: ThvOptions = {}): Running {
  const kc = opts.kubeconfig === undefined ? kubeconfigPath() : opts.kubeconfig;
  const argv = [BIN, ...(kc ? ['--kubeconfig', kc] : []), ...args];
  const child = spawn(process.execPath, argv, {
    env: { ...process.env, ...opts.env },
    ...(opts.cwd && { cwd: opts.cwd }),
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (c: string) => (stdout += c));
  child.stderr.setEncoding('utf8').on('data', (c: string) => (stderr += c));
  child.stdin.end(opts.stdin ?? '');
  const done = new Promise<ThvResult>((res, rej) => {
    child.on('error', rej);
    child.on('close', (code) => res({ code: code ?? -1, stdout, stderr }));
  });
  return { done, stdout: () => stdout, stderr: () => stderr, kill: () => void child.kill('SIGINT') };
}

/** Lines of a table, columns split on runs of 2+ spaces. */
export function rows(table: string): string[][] {
  return table
    .trimEnd()
    .split('\n')
    .map((l) => l.split(/ {2,}/));
}
