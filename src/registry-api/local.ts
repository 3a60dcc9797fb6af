/** Runs thv-registry-api against a registry's storage as a child process (for `npm start`). */
import { spawn } from 'node:child_process';
import { resolve } from 'node:path';
import { storageName } from '../storage/layout.ts';

export async function startLocalRegistryApi(opts: {
  kubeconfigPath: string;
  namespace: string;
  name: string;
  port?: number;
}): Promise<{ url: string; stop: () => Promise<void> }> {
  const bin = resolve(import.meta.dirname, '../bin/thv-registry-api.ts');
  const child = spawn(
    process.execPath,
    [
      bin,
      'serve',
      '--from-configmap',
      storageName(opts.name),
      '--registry-name',
      opts.name,
      '-n',
      opts.namespace,
      '--kubeconfig',
      opts.kubeconfigPath,
      '--address',
      `127.0.0.1:${opts.port ?? 0}`,
      '--log-level',
      'warn',
    ],
    { stdio: ['ignore', 'pipe', 'inherit'], detached: true },
  );
  const url = await new Promise<string>((res, rej) => {
    let buf = '';
    child.stdout.on('data', (c: Buffer) => {
      buf += c.toString();
      const m = /listening on (\S+)/.exec(buf);
      if (m?.[1]) res(m[1]);
    });
    child.once('exit', (code) => rej(new Error(`thv-registry-api exited with code ${code}`)));
  });
  const kill = () => {
    try {
      if (child.pid) process.kill(-child.pid, 'SIGTERM');
    } catch {
      /* gone */
    }
  };
  process.once('exit', kill);
  return {
    url,
    stop: async () => {
      process.removeListener('exit', kill);
      kill();
      if (child.exitCode === null) await new Promise((r) => child.once('exit', r));
    },
  };
}
