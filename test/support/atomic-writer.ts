/**
 * Writes a directory the way the kubelet updates a mounted Secret or ConfigMap: files are symlinks
 * through `..data`, which is flipped atomically to a new timestamped directory on every update.
 */
import { mkdirSync, readlinkSync, renameSync, rmSync, symlinkSync, writeFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';

let seq = 0;

export function writeAtomically(dir: string, files: Record<string, string>): void {
  mkdirSync(dir, { recursive: true });
  const version = `..${Date.now()}_${process.pid}_${seq++}`;
  mkdirSync(join(dir, version));
  for (const [name, content] of Object.entries(files)) writeFileSync(join(dir, version, name), content);
  const previous = existsSync(join(dir, '..data')) ? readlinkSync(join(dir, '..data')) : undefined;
  symlinkSync(version, join(dir, '..data_tmp'));
  renameSync(join(dir, '..data_tmp'), join(dir, '..data'));
  for (const name of Object.keys(files)) {
    if (!existsSync(join(dir, name))) symlinkSync(join('..data', name), join(dir, name));
  }
  if (previous) rmSync(join(dir, previous), { recursive: true, force: true });
}
