/**
 * Test support for the catalog page: Debian's chromium (scripts/prereqs.sh installs it) driven by
 * playwright-core, headless, with a fresh profile and every background network feature off (the
 * machine has no network; nothing may phone home or stall on it), and thv-registry-api processes
 * serving a catalog file on a free loopback port.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { chromium, type BrowserContext } from 'playwright-core';

export const CHROMIUM = process.env.MCPR_CHROMIUM ?? '/usr/bin/chromium';
const BIN = resolve(import.meta.dirname, '../../../src/bin/thv-registry-api.ts');
export const REPO = resolve(import.meta.dirname, '../../..');

export interface Launched {
  context: BrowserContext;
  close(): Promise<void>;
}

/**
 * One persistent context over a fresh profile directory (playwright takes --user-data-dir only this
 * way). Pages are the unit of isolation: sessionStorage is per tab, so each new page starts signed out.
 */
export async function launchBrowser(opts: { width?: number; height?: number } = {}): Promise<Launched> {
  const profile = mkdtempSync(join(tmpdir(), 'mcpr-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
    viewport: { width: opts.width ?? 1280, height: opts.height ?? 900 },
    colorScheme: 'light',
    reducedMotion: 'reduce',
    timeout: 120_000,
  });
  context.setDefaultTimeout(60_000);
  return {
    context,
    close: async () => {
      await context.close().catch(() => undefined);
      rmSync(profile, { recursive: true, force: true });
    },
  };
}

export interface ApiProcess {
  url: string;
  stop(): Promise<void>;
}

/** `thv-registry-api serve --from-file FILE` on a free port; extra args (auth) appended. */
export async function startApi(file: string, extra: string[] = []): Promise<ApiProcess> {
  const child: ChildProcess = spawn(
    process.execPath,
    [
      BIN,
      'serve',
      '--from-file',
      file,
      '--registry-name',
      'toolhive',
      '--address',
      '127.0.0.1:0',
      '--log-level',
      'warn',
      ...extra,
    ],
    { stdio: ['ignore', 'pipe', 'inherit'] },
  );
  const url = await new Promise<string>((res, rej) => {
    let buf = '';
    child.stdout?.on('data', (c: Buffer) => {
      buf += c.toString();
      const m = /listening on (\S+)/.exec(buf);
      if (m?.[1]) res(m[1]);
    });
    child.once('exit', (code) => rej(new Error(`thv-registry-api exited with code ${code}`)));
  });
  // Ready means a catalog is loaded: the page's first request must not race the file's first read.
  const deadline = Date.now() + 60_000;
  while (
    (await fetch(`${url}/readyz`).then(
      (r) => r.status,
      () => 0,
    )) !== 200
  ) {
    if (Date.now() > deadline) {
      child.kill('SIGTERM');
      throw new Error('thv-registry-api did not become ready in 60 s');
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  return {
    url,
    stop: async () => {
      if (child.exitCode !== null) return;
      child.kill('SIGTERM');
      await new Promise((r) => child.once('exit', r));
    },
  };
}
