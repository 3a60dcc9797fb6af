/** The test-run lock of test/support/cluster-lock.ts: exclusive across processes, freed at exit, stolen from the dead. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { tmpdir } from 'node:os';
import { holdClusterLock } from '../../support/cluster-lock.ts';

const LOCK = resolve(import.meta.dirname, '../../support/cluster-lock.ts');
process.env.MCPR_TEST_CP_DIR = mkdtempSync(join(tmpdir(), 'mcpr-lock-'));

/** A process that takes the lock, says so, and exits when its stdin closes. */
function holder(name: string) {
  const child = spawn(
    process.execPath,
    [
      '--input-type=module',
      '-e',
      `const { holdClusterLock } = await import(${JSON.stringify(LOCK)});
       await holdClusterLock(${JSON.stringify(name)});
       process.stdout.write('held\\n');
       process.stdin.resume();
       process.stdin.on('end', () => process.exit(0));`,
    ],
    { stdio: ['pipe', 'pipe', 'inherit'], env: process.env },
  );
  const held = new Promise<void>((res) => child.stdout.on('data', () => res()));
  const exited = new Promise<void>((res) => child.once('exit', () => res()));
  return { held, release: async () => (child.stdin.end(), await exited) };
}

test('a lock held by another process is waited for, and taken once that process exits', async () => {
  const other = holder('a');
  await other.held;
  await assert.rejects(holdClusterLock('a', 1_000), /test lock a still held by pid \d+/);
  await other.release();
  await holdClusterLock('a', 10_000);
});

test('a lock left behind by a dead process is taken over', async () => {
  const dir = join(process.env.MCPR_TEST_CP_DIR ?? '', 'lock-b');
  mkdirSync(dir);
  // A pid no process has: the largest Linux allows is 2^22.
  writeFileSync(join(dir, 'pid'), String(4_194_304 + 1));
  await holdClusterLock('b', 5_000);
});

test('different names do not exclude each other, and holding twice is a no-op', async () => {
  const other = holder('c');
  await other.held;
  await holdClusterLock('d', 1_000);
  await holdClusterLock('d', 1_000);
  await other.release();
});
