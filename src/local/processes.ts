/**
 * Child processes of the local control plane: started in their own process group with output to a
 * log file, probed until ready, and stopped as a group (split from control-plane.ts).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { openSync } from 'node:fs';
import { request } from 'node:https';

function sleep(ms: number) {
  return new Promise((r) => setTimeout(r, ms));
}

export async function waitFor(
  what: string,
  timeoutMs: number,
  probe: () => Promise<boolean>,
  child: ChildProcess,
) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null)
      throw new Error(`${what} exited with code ${child.exitCode} before becoming ready`);
    if (await probe().catch(() => false)) return;
    await sleep(100);
  }
  throw new Error(`${what} not ready after ${timeoutMs} ms`);
}

export function httpOk(url: string): Promise<boolean> {
  return fetch(url).then((r) => r.ok);
}

export function httpsOk(url: string, tls: { ca: string; cert: string; key: string }): Promise<boolean> {
  return new Promise((res) => {
    const req = request(url, { ...tls, timeout: 2000 }, (r) => {
      r.resume();
      res(r.statusCode === 200);
    });
    req.on('error', () => res(false));
    req.on('timeout', () => req.destroy());
    req.end();
  });
}

export function spawnLogged(bin: string, args: string[], logFile: string): ChildProcess {
  const fd = openSync(logFile, 'a');
  const child = spawn(bin, args, { stdio: ['ignore', fd, fd], detached: true });
  return child;
}

export function killGroup(child: ChildProcess, signal: NodeJS.Signals) {
  if (child.pid === undefined || child.exitCode !== null) return;
  try {
    process.kill(-child.pid, signal);
  } catch {
    /* already gone */
  }
}

export function waitExit(child: ChildProcess, timeoutMs: number): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((res) => {
    const t = setTimeout(() => {
      killGroup(child, 'SIGKILL');
      res();
    }, timeoutMs);
    child.once('exit', () => {
      clearTimeout(t);
      res();
    });
  });
}
