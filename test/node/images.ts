/**
 * Images for the node's containerd, which can pull nothing here: from podman's storage (the
 * project's configuration, scripts/image-podman.sh) through `podman save` and `ctr images import`;
 * and the pause image, a static binary (test/node/pause) in an otherwise empty image.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { PAUSE_IMAGE } from './configs.ts';

const ROOT = resolve(import.meta.dirname, '../..');

function podman(args: string[]) {
  return spawnSync('bash', [join(ROOT, 'scripts/image-podman.sh'), ...args], {
    stdio: ['ignore', 'pipe', 'pipe'],
    encoding: 'utf8',
    timeout: 300_000,
  });
}

export function ctr(sock: string, args: string[]) {
  return spawnSync('ctr', ['--address', sock, '--namespace', 'k8s.io', ...args], {
    stdio: ['ignore', 'pipe', 'pipe'],
    encoding: 'utf8',
    timeout: 300_000,
  });
}

/** Copies an image from podman's storage into containerd's k8s.io namespace (the CRI's). */
export function importImage(sock: string, scratch: string, ref: string): void {
  const tar = join(scratch, 'image.tar');
  const saved = podman(['save', '--format=docker-archive', `--output=${tar}`, ref]);
  if (saved.status !== 0) throw new Error(`podman save ${ref}: ${saved.stderr}`);
  const r = ctr(sock, ['images', 'import', tar]);
  rmSync(tar, { force: true });
  if (r.status !== 0) throw new Error(`ctr images import ${ref}: ${r.stderr}`);
}

/** Builds the sandbox image from the pause binary and imports it. */
export function importPauseImage(sock: string, scratch: string, nodeBin: string): void {
  const dir = join(scratch, 'pause-image');
  mkdirSync(dir, { recursive: true });
  execFileSync('tar', ['-C', nodeBin, '-cf', join(dir, 'rootfs.tar'), 'pause']);
  const imported = podman([
    'import',
    '--quiet',
    '--change=ENTRYPOINT ["/pause"]',
    '--change=USER 65535:65535',
    join(dir, 'rootfs.tar'),
    PAUSE_IMAGE,
  ]);
  if (imported.status !== 0) throw new Error(`podman import pause: ${imported.stderr}`);
  importImage(sock, scratch, PAUSE_IMAGE);
}
