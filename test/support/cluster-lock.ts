/**
 * A lock one test file holds, across the processes of a run, on a part of the shared test apiserver
 * that files cannot share while they run at once (test-concurrency 2): e.g. ToolHive's workload CRDs,
 * which files install in different generations by deleting what another file is using. Taken on
 * first use and held until the file's process exits, so two such files run one after the other while
 * every other file still runs beside them. A holder that died without releasing is detected by pid.
 */
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { setTimeout as sleep } from 'node:timers/promises';

const held = new Set<string>();

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Waits until this process holds `name` (a no-op when it already does). */
export async function holdClusterLock(name: string, timeoutMs = 20 * 60_000): Promise<void> {
  if (held.has(name)) return;
  const base = process.env.MCPR_TEST_CP_DIR ?? tmpdir();
  const dir = join(base, `lock-${name}`);
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      mkdirSync(dir);
      writeFileSync(join(dir, 'pid'), String(process.pid));
      held.add(name);
      process.once('exit', () => rmSync(dir, { recursive: true, force: true }));
      return;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
    }
    let owner = NaN;
    try {
      owner = Number(readFileSync(join(dir, 'pid'), 'utf8'));
    } catch {
      // Being created or removed right now: look again shortly.
    }
    if (Number.isInteger(owner) && owner > 0 && !alive(owner)) rmSync(dir, { recursive: true, force: true });
    else if (Date.now() > deadline) throw new Error(`test lock ${name} still held by pid ${owner}`);
    else await sleep(250);
  }
}
