/**
 * `thv-registry-api serve --from-configmap` as a child process against the test apiserver, as the
 * per-registry Deployment runs it: the setup several registry API tests share.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { resolve } from 'node:path';

const BIN = resolve(import.meta.dirname, '../../src/bin/thv-registry-api.ts');

export interface RegistryApiProcess {
  /** http://127.0.0.1:<port> */
  url: string;
  child: ChildProcess;
  /** Everything the process wrote to stdout and stderr so far. */
  output(): string;
  stop(): Promise<void>;
}

export interface RegistryApiOptions {
  configMap: string;
  registryName: string;
  namespace: string;
  kubeconfig: string;
  /** More flags after the defaults (e.g. ['--base-path', '/x']). */
  extraArgs?: string[];
  logLevel?: string;
}

/** Starts the API and resolves with its address once it listens; rejects if it exits first. */
export function startRegistryApi(opts: RegistryApiOptions): Promise<RegistryApiProcess> {
  const child = spawn(
    process.execPath,
    [
      BIN,
      'serve',
      '--from-configmap',
      opts.configMap,
      '--registry-name',
      opts.registryName,
      '-n',
      opts.namespace,
      '--kubeconfig',
      opts.kubeconfig,
      '--address',
      '127.0.0.1:0',
      '--log-level',
      opts.logLevel ?? 'warn',
      ...(opts.extraArgs ?? []),
    ],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let out = '';
  child.stderr?.on('data', (c: Buffer) => (out += c.toString()));
  const stop = async (): Promise<void> => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise<void>((res) => child.once('exit', () => res()));
    child.kill('SIGTERM');
    await exited;
  };
  return new Promise((res, rej) => {
    child.stdout?.on('data', (c: Buffer) => {
      out += c.toString();
      const m = /listening on (\S+)/.exec(out);
      if (m?.[1]) res({ url: m[1], child, output: () => out, stop });
    });
    child.once('exit', (code) => rej(new Error(`thv-registry-api exited ${code}: ${out}`)));
  });
}
