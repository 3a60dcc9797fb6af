/**
 * A real browser on another origin reads the registry API (SPEC §14): chromium loads a page from a
 * second loopback port and calls the API (thv-registry-api processes) with fetch, with and without
 * an Authorization header, so the preflight, the allowed headers and the exposed answers are
 * judged by the browser's own CORS checks, not by ours.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { launchBrowser, startApi, type ApiProcess, type Launched } from '../ui/browser.ts';

const FIXTURE = resolve(import.meta.dirname, '../../fixtures/toolhive-registry/registry-2025-10-22.json');
const KEY = 'browser-test-key';

let browser: Launched;
let site: Server;
let siteOrigin: string;
let anon: ApiProcess;
let authed: ApiProcess;
let authedNoCors: ApiProcess;

before(async () => {
  site = createServer((_req, res) =>
    res.writeHead(200, { 'Content-Type': 'text/html' }).end('<!doctype html><title>other origin</title>'),
  );
  await new Promise<void>((r) => site.listen(0, '127.0.0.1', r));
  const addr = site.address();
  siteOrigin = `http://127.0.0.1:${typeof addr === 'object' && addr ? addr.port : 0}`;
  const dir = mkdtempSync(join(tmpdir(), 'mcpr-cors-browser-'));
  writeFileSync(join(dir, 'keys'), `${KEY}\n`);
  [anon, authed, authedNoCors, browser] = await Promise.all([
    startApi(FIXTURE),
    startApi(FIXTURE, ['--api-keys-file', join(dir, 'keys'), '--cors-origins', siteOrigin]),
    startApi(FIXTURE, ['--api-keys-file', join(dir, 'keys')]),
    launchBrowser(),
  ]);
});
after(async () => {
  await Promise.all([anon?.stop(), authed?.stop(), authedNoCors?.stop(), browser?.close()]);
  await new Promise((r) => site?.close(r));
});

interface Outcome {
  status?: number;
  count?: number;
  error?: string;
  etag?: boolean;
}

/** fetch from the other origin's page; a CORS refusal is the browser's TypeError. */
async function readFrom(url: string, token?: string): Promise<Outcome> {
  const page = await browser.context.newPage();
  try {
    await page.goto(siteOrigin + '/');
    return await page.evaluate(
      async ([u, t]) => {
        try {
          const r = await fetch(u!, t ? { headers: { Authorization: `Bearer ${t}` } } : {});
          const body = (await r.json()) as { metadata?: { count?: number } };
          return { status: r.status, count: body.metadata?.count, etag: r.headers.get('etag') !== null };
        } catch (e) {
          return { error: (e as Error).name };
        }
      },
      [url, token] as const,
    );
  } finally {
    await page.close();
  }
}

test('anonymous registry: any origin reads it, with or without an Authorization header', async () => {
  assert.deepEqual(await readFrom(`${anon.url}/v0.1/servers?limit=5`), { status: 200, count: 5, etag: true });
  // With the header the browser sends a preflight first: it must allow Authorization.
  assert.deepEqual(await readFrom(`${anon.url}/v0.1/servers?limit=3`, 'ignored'), {
    status: 200,
    count: 3,
    etag: true,
  });
});

test('authenticated registry with --cors-origins: the listed page reads it with a token, sees 401 without', async () => {
  assert.deepEqual(await readFrom(`${authed.url}/v0.1/servers?limit=2`, KEY), {
    status: 200,
    count: 2,
    etag: true,
  });
  assert.deepEqual(await readFrom(`${authed.url}/v0.1/servers?limit=2`), {
    status: 401,
    count: undefined,
    etag: false,
  });
});

test('authenticated registry without --cors-origins: the browser refuses the answer', async () => {
  assert.deepEqual(await readFrom(`${authedNoCors.url}/v0.1/servers?limit=2`, KEY), { error: 'TypeError' });
  assert.deepEqual(await readFrom(`${authedNoCors.url}/v0.1/servers?limit=2`), { error: 'TypeError' });
});

test('a page on another origin talks MCP to /mcp (preflight with Content-Type and Mcp-Protocol-Version)', async () => {
  const page = await browser.context.newPage();
  try {
    await page.goto(siteOrigin + '/');
    const answer = await page.evaluate(async (u) => {
      const r = await fetch(u, {
        method: 'POST',
        headers: {
          'Content-Type': 'application/json',
          Accept: 'application/json, text/event-stream',
          'Mcp-Protocol-Version': '2025-06-18',
        },
        body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'tools/list', params: {} }),
      });
      const body = (await r.json()) as { result?: { tools?: { name: string }[] } };
      return { status: r.status, tools: body.result?.tools?.map((t) => t.name) };
    }, `${anon.url}/mcp`);
    assert.deepEqual(answer, {
      status: 200,
      tools: ['search_servers', 'get_server', 'list_server_versions'],
    });
  } finally {
    await page.close();
  }
});
