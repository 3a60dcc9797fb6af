/**
 * The catalog page with authentication on (API keys): the shell loads, the data asks for a key, a wrong
 * key shows the API's refusal, the right one shows the list and lives in sessionStorage only. And a
 * 10,000-server catalog: one page of results in the DOM, search and paging over all of it.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { launchBrowser, startApi, type ApiProcess, type Launched } from './browser.ts';
import { FIXTURE, entries, readDoc, searchHits, writeScaledFixture } from './fixtures.ts';

const dir = mkdtempSync(join(tmpdir(), 'mcpr-ui-auth-'));
const KEY = 'ui-test-key-7f3a9c';
let secured: ApiProcess;
let large: ApiProcess;
let browser: Launched;

before(async () => {
  writeFileSync(join(dir, 'keys'), `# page test\n${KEY}\n`);
  // One after the other, each assigned as soon as it runs, so `after` stops whatever did start.
  secured = await startApi(FIXTURE, ['--api-keys-file', join(dir, 'keys')]);
  large = await startApi(writeScaledFixture(dir, 10_000));
  browser = await launchBrowser();
});
after(async () => {
  await browser?.close();
  await secured?.stop();
  await large?.stop();
  rmSync(dir, { recursive: true, force: true });
});

async function open(base: string, path: string): Promise<Page> {
  const page = await browser.context.newPage();
  page.on('pageerror', (e) => assert.fail(`page error on ${path}: ${e.message}`));
  await page.goto(`${base}${path}`);
  return page;
}

test('auth on: token prompt, a wrong key is refused with the API message, the right one shows the list', async () => {
  assert.equal((await fetch(`${secured.url}/ui/catalog.json`)).status, 401);
  const page = await open(secured.url, '/?tag=database');
  await page.getByRole('heading', { name: 'Sign in to this catalog' }).waitFor();
  const field = page.getByLabel('API key or token');
  assert.equal(await page.evaluate('document.activeElement.id'), 'token', 'the field has focus');
  await field.fill('not-the-key');
  await page.keyboard.press('Enter');
  await page.getByRole('alert').filter({ hasText: 'Unauthorized: invalid API key' }).waitFor();
  await field.fill(KEY);
  await page.getByRole('button', { name: 'Sign in' }).click();
  const n = entries(readDoc()).filter((e) => e.tags.includes('database')).length;
  await page.locator('#result-count', { hasText: `${n} of 88 servers` }).waitFor();
  assert.equal(await page.evaluate(`sessionStorage.getItem('thv-registry-api.token')`), KEY);
  assert.equal(await page.evaluate('localStorage.length'), 0);
  assert.equal(await page.evaluate('document.cookie'), '');
  // The detail view's API calls carry the key too.
  await page.getByRole('link', { name: 'adb-mysql-mcp-server', exact: true }).click();
  await page.getByRole('heading', { name: 'Environment variables' }).waitFor();
  // Same tab after a reload: still signed in. A new tab: asked again (session storage is per tab).
  await page.reload();
  await page.getByRole('heading', { name: 'Environment variables' }).waitFor();
  const other = await open(secured.url, '/');
  await other.getByRole('heading', { name: 'Sign in to this catalog' }).waitFor();
  await other.close();
  await page.getByRole('button', { name: 'Sign out' }).click();
  await page.getByRole('heading', { name: 'Sign in to this catalog' }).waitFor();
  assert.equal(await page.evaluate(`sessionStorage.length`), 0);
  await page.close();
});

test('10,000 servers: 50 in the DOM, paging, and search over the whole catalog', async () => {
  const page = await open(large.url, '/');
  await page.locator('#result-count', { hasText: '10000 servers, showing 1–50' }).waitFor();
  assert.equal(await page.locator('ul.servers > li').count(), 50);
  await page.getByRole('button', { name: 'Next page' }).click();
  await page.locator('#result-count', { hasText: 'showing 51–100' }).waitFor();
  assert.equal(await page.getByText('Page 2 of 200').count(), 1);
  assert.equal(new URL(page.url()).searchParams.get('page'), '2');
  const all = (
    (await (await fetch(`${large.url}/ui/catalog.json`)).json()) as {
      servers: { name: string; description: string; tags: string[] }[];
    }
  ).servers;
  assert.equal(all.length, 10_000);
  for (const q of ['copy 9999)', 'github', '-0421']) {
    await page.getByRole('searchbox').fill(q);
    const want = searchHits(all, q);
    await page.locator('#result-count', { hasText: `${want.length} of 10000 servers` }).waitFor();
    assert.deepEqual(
      await page.locator('ul.servers > li h2 a').allTextContents(),
      want.slice(0, 50).map((e) => e.name),
    );
  }
  await page.close();
});
