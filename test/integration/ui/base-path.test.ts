/**
 * `thv-registry-api serve --base-path /registry` (SPEC §13, `spec.api.basePath`), a real process over
 * the 88-server fixture: the API, `/openapi.json` and the catalog page answer under the prefix, health
 * and metrics also at the root, anything else outside it is a 404 that says where the API is; in
 * Debian's chromium, every request the page makes (assets, catalog data, the detail view's API reads)
 * and every link it shows stay under the prefix, deep links and navigation included.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { REPO, launchBrowser, startApi, type ApiProcess, type Launched } from './browser.ts';
import { FIXTURE, entries, readDoc } from './fixtures.ts';

const BASE = '/registry';
let api: ApiProcess;
let browser: Launched;
const names = entries(readDoc()).map((e) => e.name);

before(async () => {
  api = await startApi(FIXTURE, ['--base-path', BASE]);
  browser = await launchBrowser();
});
after(async () => {
  await browser?.close();
  await api?.stop();
});

const get = (path: string) => fetch(`${api.url}${path}`, { redirect: 'manual' });

test('the API, OpenAPI document and page answer under the base path; health and metrics also at the root', async () => {
  const info = await get(`${BASE}/api/v1/registry/info`);
  assert.equal(info.status, 200);
  assert.equal(((await info.json()) as { serverCount: number }).serverCount, names.length);
  const list = (await (await get(`${BASE}/v0.1/servers?limit=1`)).json()) as { servers: unknown[] };
  assert.equal(list.servers.length, 1);
  const doc = (await (await get(`${BASE}/openapi.json`)).json()) as { servers: unknown };
  assert.deepEqual(doc.servers, [{ url: BASE }]);
  for (const p of ['/healthz', '/readyz', '/metrics', `${BASE}/healthz`, `${BASE}/readyz`])
    assert.equal((await get(p)).status, 200, p);

  const mcp = await fetch(`${api.url}${BASE}/mcp`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'application/json, text/event-stream' },
    body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'tools/list' }),
  });
  assert.equal(mcp.status, 200);
  assert.equal((await fetch(`${api.url}/mcp`, { method: 'POST' })).status, 404);

  const outside = await get('/api/v1/registry/info');
  assert.equal(outside.status, 404);
  assert.deepEqual(await outside.json(), {
    error: 'Not found: this registry API is served under /registry/',
  });
  assert.equal((await get('/registryx/api/v1/registry/info')).status, 404);

  const slash = await get(`${BASE}/v0.1/servers/?limit=2`);
  assert.equal(slash.status, 308);
  assert.equal(slash.headers.get('location'), `${BASE}/v0.1/servers?limit=2`);

  for (const p of [BASE, `${BASE}/`, `${BASE}/servers/${names[0]}`]) {
    const page = await get(p);
    assert.equal(page.status, 200, p);
    const html = await page.text();
    assert.match(html, /<meta name="thv-base-path" content="\/registry">/);
    const assets = [...html.matchAll(/(?:href|src)="(\/[^"]*)"/g)].map((m) => m[1]!);
    assert.ok(assets.length >= 3, html);
    for (const a of assets) {
      assert.ok(a.startsWith(`${BASE}/`), `${a} is under the base path`);
      assert.equal((await get(a)).status, 200, a);
    }
  }
});

test('a base path the API cannot serve under is refused at start with the reason', () => {
  const r = spawnSync(
    process.execPath,
    [join(REPO, 'src/bin/thv-registry-api.ts'), 'serve', '--from-file', FIXTURE, '--base-path', 'registry/'],
    { encoding: 'utf8' },
  );
  assert.equal(r.status, 2);
  assert.equal(
    r.stderr,
    `error: invalid --base-path "registry/": use a path like /registry (segments of letters, digits, '-', '.', '_' or '~', no trailing '/')\n`,
  );
});

test('in chromium, every request and link of the page stays under the base path, through list, detail and back', async () => {
  const page = await browser.context.newPage();
  const requested: string[] = [];
  page.on('request', (r) => requested.push(new URL(r.url()).pathname));
  page.on('pageerror', (e) => assert.fail(`page error: ${e.message}`));
  await page.goto(`${api.url}${BASE}/`);
  await page.locator('ul.servers > li').first().waitFor();

  const hrefs = await page.locator('a[href^="/"]').evaluateAll((as) => as.map((a) => a.getAttribute('href')));
  assert.ok(hrefs.length > 50);
  for (const h of hrefs) assert.ok(h?.startsWith(`${BASE}/`), `${h} is under the base path`);
  assert.equal(await page.locator('a.brand').getAttribute('href'), `${BASE}/`);
  assert.equal(
    await page.getByRole('link', { name: 'API (OpenAPI)' }).getAttribute('href'),
    `${BASE}/openapi.json`,
  );

  // A search (the URL keeps the prefix), then a server, then back.
  await page.getByRole('searchbox', { name: 'Search servers by name, description or tag' }).fill('git');
  await page.waitForURL((u) => u.searchParams.get('q') === 'git');
  assert.equal(new URL(page.url()).pathname, `${BASE}/`);
  const target = (await page.locator('ul.servers > li h2 a').allTextContents())[0]!;
  await page.getByRole('link', { name: target, exact: true }).click();
  await page.getByRole('heading', { level: 1, name: target }).waitFor();
  assert.equal(new URL(page.url()).pathname, `${BASE}/servers/${encodeURIComponent(target)}`);
  assert.equal(
    await page.getByRole('link', { name: '← All servers' }).getAttribute('href'),
    `${BASE}/?q=git`,
  );
  await page.getByRole('link', { name: '← All servers' }).click();
  await page.locator('ul.servers > li').first().waitFor();
  assert.equal(new URL(page.url()).pathname + new URL(page.url()).search, `${BASE}/?q=git`);

  // A deep link to a server opens it directly.
  await page.goto(`${api.url}${BASE}/servers/github-remote`);
  await page.getByRole('heading', { level: 1, name: 'github-remote' }).waitFor();
  // The ToolHive panel names this registry by its address under the base path.
  await page.goto(`${api.url}${BASE}/servers/adb-mysql-mcp-server`);
  await page.getByRole('heading', { level: 1, name: 'adb-mysql-mcp-server' }).waitFor();
  await page.getByRole('button', { name: 'ToolHive', exact: true }).click();
  const thv = await page.locator('pre[aria-label="ToolHive configuration"]').textContent();
  assert.equal(thv?.split('\n')[0], `thv config set-registry ${api.url}${BASE}`);

  await page.close();

  assert.ok(
    requested.some((p) => p.startsWith(`${BASE}/api/v1/registry/servers/`)),
    requested.join(' '),
  );
  assert.ok(requested.includes(`${BASE}/ui/catalog.json`), requested.join(' '));
  for (const p of requested) assert.ok(p.startsWith(`${BASE}/`), `${p} is under the base path`);
});
