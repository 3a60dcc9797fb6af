/**
 * The shipped image, for tests: built (or found up to date) by scripts/image.sh, run with podman
 * configured the same way (scripts/image-podman.sh). Containers are named so a test's `after`
 * removes them even when the test failed half way.
 */
import { execFileSync, spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { resolve } from 'node:path';

export const ROOT = resolve(import.meta.dirname, '../../..');

let cached: string | undefined;

/** The image reference; scripts/test.sh exports MCPR_IMAGE after `npm run image`. */
export function image(): string {
  cached ??=
    process.env.MCPR_IMAGE ||
    execFileSync('bash', [resolve(ROOT, 'scripts/image.sh')], {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'inherit'],
    }).trim();
  return cached;
}

export interface Result {
  code: number;
  stdout: string;
  stderr: string;
}

export function podman(args: string[], timeoutMs = 120_000): Result {
  const r = spawnSync('bash', [resolve(ROOT, 'scripts/image-podman.sh'), ...args], {
    encoding: 'utf8',
    timeout: timeoutMs,
  });
  return { code: r.status ?? -1, stdout: r.stdout ?? '', stderr: r.stderr ?? '' };
}

export interface Container {
  name: string;
  child: ChildProcess;
  output(): string;
  /** Resolves with the exit code once the container's process ended. */
  exited: Promise<number>;
  /** `podman stop` (SIGTERM, then SIGKILL after `graceSeconds`); resolves with the exit code. */
  stop(graceSeconds?: number): Promise<number>;
  remove(): void;
}

/** The way the manifests run it: uid 65532, read-only root, no capabilities, no privilege gain. */
export const RESTRICTED = [
  '--user=65532:65532',
  '--read-only',
  '--tmpfs=/tmp:rw,size=64m,mode=1777',
  '--cap-drop=ALL',
  '--security-opt=no-new-privileges',
];

/** Runs the image in the foreground of a child process; output is collected. */
export function run(podmanArgs: string[], command: string[]): Container {
  const name = `mcpr-test-${randomBytes(4).toString('hex')}`;
  const child = spawn(
    'bash',
    [
      resolve(ROOT, 'scripts/image-podman.sh'),
      'run',
      '--rm',
      `--name=${name}`,
      ...podmanArgs,
      image(),
      ...command,
    ],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let out = '';
  child.stdout.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr.on('data', (d: Buffer) => (out += d.toString()));
  const exited = new Promise<number>((res) => child.once('exit', (code) => res(code ?? -1)));
  return {
    name,
    child,
    output: () => out,
    exited,
    async stop(graceSeconds = 10) {
      podman(['stop', `--time=${graceSeconds}`, name]);
      return exited;
    },
    remove() {
      podman(['rm', '--force', '--time=0', name]);
    },
  };
}
