/**
 * The catalog page at phone (390 px) and desktop width (issue #32): no view scrolls sideways (list,
 * several server pages, empty result, error, 404), the filters open from a button above the results on
 * a phone, the search cases (tags, every word, full names, `/`), the facts the data gives and no others
 * (ToolHive image tags, upstream entries without a converted tier/status/date), provenance and
 * permissions, the 404 and API-down states with their recovery, and facet order. Real thv-registry-api
 * processes serving the ToolHive fixture and an upstream document; Debian's chromium.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { REPO, launchBrowser, startApi, type ApiProcess, type Launched } from './browser.ts';
import { FIXTURE, entries, readDoc, searchHits } from './fixtures.ts';

const dir = mkdtempSync(join(tmpdir(), 'mcpr-ui-phone-'));
let api: ApiProcess;
let upstream: ApiProcess;
let browser: Launched;
const all = entries(readDoc());
const EXAMPLES = join(REPO, 'test/fixtures/upstream-server-json/examples/valid');
const PHONE = { width: 390, height: 844 };
const DESKTOP = { width: 1280, height: 900 };

before(async () => {
  api = await startApi(FIXTURE);
  // An upstream catalog: the spec's examples (no ToolHive extension, no tier, no status, no dates) and
  // github as the API above serves it in the upstream format (with the publisher extension).
  const github = (await (
    await fetch(`${api.url}/v0.1/servers/${encodeURIComponent('io.github.stacklok/github')}/versions/latest`)
  ).json()) as { server: object };
  const docs = ['minimal', 'with-package', 'with-remote'].map(
    (f) => JSON.parse(readFileSync(join(EXAMPLES, `${f}.json`), 'utf8')) as object,
  );
  const file = join(dir, 'upstream.json');
  // An older version of github first: the catalog keeps it beside the latest (SPEC §14).
  writeFileSync(file, JSON.stringify([...docs, { ...github.server, version: '0.9.0' }, github.server]));
  upstream = await startApi(file, ['--display-name', 'Platform MCP catalog']);
  browser = await launchBrowser();
});
after(async () => {
  await browser?.close();
  await api?.stop();
  await upstream?.stop();
  rmSync(dir, { recursive: true, force: true });
});

async function open(path: string, size = DESKTOP, base = api.url): Promise<{ page: Page; status: number }> {
  const page = await browser.context.newPage();
  await page.setViewportSize(size);
  page.on('pageerror', (e) => assert.fail(`page error on ${path}: ${e.message}`));
  const res = await page.goto(`${base}${path}`);
  return { page, status: res?.status() ?? 0 };
}

async function noSideways(page: Page, what: string): Promise<void> {
  const [scroll, inner] = (await page.evaluate(
    '[document.documentElement.scrollWidth, window.innerWidth]',
  )) as [number, number];
  assert.ok(scroll <= inner, `${what}: page is ${scroll} px wide in a ${inner} px window`);
}

const listed = (page: Page) => page.locator('ul.servers > li h2 a').allTextContents();

test('no view scrolls sideways at phone or desktop width; an unknown server is a 404 with the page', async () => {
  const views: [string, string, (p: Page) => Promise<unknown>][] = [
    ['list', '/', (p) => p.locator('#result-count').waitFor()],
    ['sorted by stars', '/?sort=stars', (p) => p.locator('.server-sortkey').first().waitFor()],
    ['empty result', '/?q=zzz-nothing', (p) => p.getByText('Clear search and filters').waitFor()],
    ...['github', 'fetch', 'github-remote', 'adb-mysql-mcp-server', 'aws-documentation'].map(
      (n): [string, string, (p: Page) => Promise<unknown>] => [
        n,
        `/servers/${n}`,
        (p) => p.getByRole('heading', { level: 2, name: 'Environment variables' }).waitFor(),
      ],
    ),
    ['404', '/servers/no-such-server', (p) => p.getByRole('alert').waitFor()],
  ];
  for (const size of [PHONE, DESKTOP])
    for (const [what, path, ready] of views) {
      const { page, status } = await open(path, size);
      assert.equal(status, what === '404' ? 404 : 200, `${what}: HTTP status`);
      await ready(page);
      await noSideways(page, `${what} at ${size.width} px`);
      await page.close();
    }
  const { page } = await open('/servers/no-such-server', PHONE);
  await page
    .getByRole('alert')
    .filter({ hasText: 'No server named “no-such-server” in this catalog.' })
    .waitFor();
  await page.close();
});

test('API down: a plain message and a Retry button that recovers (list and server page)', async () => {
  for (const [path, pattern, ready] of [
    ['/', '**/ui/catalog.json', '#result-count'],
    ['/servers/github', '**/api/v1/registry/servers/**', '.detail-grid'],
  ] as const) {
    const page = await browser.context.newPage();
    await page.setViewportSize(PHONE);
    // The browser's own network failure (connection refused), as when a port-forward has ended.
    await page.route(pattern, (r) => r.abort('connectionrefused'));
    await page.goto(`${api.url}${path}`);
    const alert = page.getByRole('alert');
    await alert.waitFor();
    assert.match(
      String(await alert.textContent()),
      /The registry API did not answer\. Check that thv-registry-api is running/,
    );
    assert.doesNotMatch(String(await alert.textContent()), /Failed to fetch/);
    await noSideways(page, `error on ${path}`);
    await page.unroute(pattern);
    await page.getByRole('button', { name: 'Retry' }).click();
    await page.locator(ready).waitFor();
    await page.close();
  }
});

test('phone: the filters open from a button above the results, by keyboard too; desktop shows them as a column', async () => {
  const { page } = await open('/', PHONE);
  await page.locator('#result-count').waitFor();
  const toggle = page.getByRole('button', { name: 'Filters', exact: true });
  assert.equal(await toggle.getAttribute('aria-expanded'), 'false');
  assert.equal(await page.getByRole('checkbox', { name: /^Official \(/ }).isVisible(), false);
  await toggle.focus();
  await page.keyboard.press('Enter');
  assert.equal(await toggle.getAttribute('aria-expanded'), 'true');
  const box = page.getByRole('checkbox', { name: /^Official \(/ });
  const [boxY, firstY] = await Promise.all([
    box.boundingBox().then((b) => b!.y),
    page
      .locator('ul.servers > li')
      .first()
      .boundingBox()
      .then((b) => b!.y),
  ]);
  assert.ok(boxY < firstY && boxY < PHONE.height, `the facet is above the results and on screen (${boxY})`);
  await box.focus();
  await page.keyboard.press('Space');
  await page.getByRole('button', { name: 'Filters (1)' }).waitFor();
  assert.deepEqual(
    await listed(page),
    all
      .filter((e) => e.tier === 'Official')
      .map((e) => e.name)
      .slice(0, 50),
  );
  await noSideways(page, 'phone with filters open');
  await page.close();

  const desk = await open('/', DESKTOP);
  await desk.page.getByRole('checkbox', { name: /^Official \(/ }).waitFor();
  assert.equal(await desk.page.getByRole('button', { name: 'Filters', exact: true }).isVisible(), false);
  await desk.page.close();
});

test('search: tags, every word, full names, `/` focuses the box; /servers/<full name> opens the server', async () => {
  const { page } = await open('/');
  await page.locator('#result-count').waitFor();
  await page.keyboard.press('/');
  assert.equal(await page.evaluate('document.activeElement.id'), 'search');
  const withTag = all.filter((e) => e.tags.includes('database'));
  const cases: [string, string[]][] = [
    ['database', searchHits(all, 'database').map((e) => e.name)],
    ['postgres sql', searchHits(all, 'postgres sql').map((e) => e.name)],
    // Full names are io.github.stacklok/<name>: github-remote's holds github's too.
    ['io.github.stacklok/github', all.map((e) => e.name).filter((n) => n.startsWith('github'))],
  ];
  // Every server tagged database is found (the tag counts, not only name and description).
  assert.ok(withTag.every((e) => cases[0]![1].includes(e.name)));
  assert.ok(cases[1]![1].length > 0, 'the fixture has servers matching both words');
  for (const [q, want] of cases) {
    await page.keyboard.type(q);
    await page.locator('#result-count', { hasText: `${want.length} of ${all.length} servers` }).waitFor();
    if (q.includes('/')) assert.deepEqual(want, ['github', 'github-remote']);
    assert.deepEqual(await listed(page), want.slice(0, 50), q);
    await page.getByRole('searchbox').fill('');
    await page.getByRole('searchbox').focus();
  }
  // The card shows the full name that was searched for.
  await page.keyboard.type('io.github.stacklok/github');
  await page.locator('.server-fullname').getByText('io.github.stacklok/github', { exact: true }).waitFor();
  await page.close();

  const byFull = await open(`/servers/${encodeURIComponent('io.github.stacklok/github')}`);
  assert.equal(byFull.status, 200);
  await byFull.page.getByRole('heading', { level: 1, name: 'github' }).waitFor();
  await byFull.page.getByRole('heading', { level: 2, name: 'Environment variables' }).waitFor();
  await byFull.page.close();
});

test('empty result: one clear message with a reset, no facet listed as "None"; tags get a filter box; order is stable', async () => {
  const { page } = await open('/?q=zzz-nothing&tier=Official');
  await page.getByText('No server matches every word of “zzz-nothing” with these filters.').waitFor();
  assert.equal(await page.getByText('None', { exact: true }).count(), 0);
  // The checked value stays, so it can be unchecked.
  await page.getByRole('checkbox', { name: 'Official (0)' }).waitFor();
  await page.getByRole('button', { name: 'Clear search and filters' }).click();
  await page.locator('#result-count', { hasText: `${all.length} servers` }).waitFor();

  const tagNames = async () =>
    page.locator('fieldset.facet:has(legend:text("Tags")) .facet-name').allTextContents();
  const tags = new Set(all.flatMap((e) => e.tags));
  await page.getByRole('button', { name: `Show all ${tags.size} tags` }).click();
  await page.getByRole('searchbox', { name: 'Filter tags' }).fill('data');
  const shown = await tagNames();
  assert.deepEqual([...shown].sort(), [...tags].filter((t) => t.includes('data')).sort());
  const before = await tagNames();
  await page.getByRole('checkbox', { name: /^database \(/ }).check();
  await page.locator('#result-count', { hasText: 'of' }).waitFor();
  // The values still offered keep the order they had (those no server has any more drop out).
  const afterNames = await tagNames();
  assert.deepEqual(
    afterNames,
    before.filter((t) => afterNames.includes(t)),
  );
  await page.close();
});

test('the data, and nothing made up: image tag not a placeholder version; provenance and permissions', async () => {
  const e = readDoc().servers.github!;
  const { page } = await open('/servers/github', PHONE);
  const facts = page.getByRole('complementary', { name: 'About this server' });
  await facts.getByText('Image tag').waitFor();
  assert.equal(await facts.getByText('v0.19.1', { exact: true }).count(), 1);
  assert.equal(await page.getByText('1.0.0', { exact: false }).count(), 0, 'no placeholder version');
  const pkg = page.getByRole('row').filter({ has: page.getByRole('rowheader', { name: String(e.image) }) });
  assert.equal(await pkg.getByRole('cell', { name: 'v0.19.1', exact: true }).count(), 1);
  const prov = e.provenance as Record<string, string>;
  await page.getByRole('heading', { level: 2, name: 'Provenance' }).waitFor();
  await page.getByText(prov.signer_identity!, { exact: true }).waitFor();
  await page.getByText(prov.cert_issuer!, { exact: true }).waitFor();
  await page.getByRole('heading', { level: 2, name: 'Permissions' }).waitFor();
  await page.getByText('.github.com, .githubusercontent.com on port 443', { exact: true }).waitFor();
  await noSideways(page, 'github with provenance');
  await page.close();
});

test('an upstream catalog: no converted tier, status or load-time date; Official distinct from Community; sort keys on cards', async () => {
  const { page } = await open('/?sort=updated', DESKTOP, upstream.url);
  await page.locator('#result-count', { hasText: '4 servers' }).waitFor();
  // The header names the registry by its displayName (the MCPRegistry's, passed as --display-name).
  await page.getByRole('banner').getByRole('link', { name: 'Platform MCP catalog' }).waitFor();
  const info = (await (await fetch(`${upstream.url}/api/v1/registry/info`)).json()) as {
    displayName: string;
  };
  assert.equal(info.displayName, 'Platform MCP catalog');
  const card = (name: string) =>
    page.locator('ul.servers > li').filter({ has: page.getByRole('link', { name, exact: true }) });
  const weather = card('io.github.user/weather');
  assert.equal(await weather.locator('.badge').count(), 0, 'no tier, status or transport the data lacks');
  assert.equal(await weather.locator('.server-sortkey').textContent(), 'No update date');
  assert.equal(await page.getByRole('checkbox', { name: /^Community/ }).count(), 0);
  // Only github's extension says Active; the others say nothing, so they are not counted as Active.
  await page.getByRole('checkbox', { name: 'Active (1)', exact: true }).waitFor();
  // github carries the publisher extension: its tier and its own date are data.
  const gh = card('github'); // the catalog key the extension gives; its full name is on the card
  assert.equal(await gh.locator('.badge-tier-official').textContent(), 'Official');
  assert.equal(await gh.locator('.server-sortkey').textContent(), 'Updated 2025-10-18');
  await page.getByRole('combobox', { name: 'Sort' }).selectOption('stars');
  await gh.locator('.server-sortkey', { hasText: '★ 23,700 stars' }).waitFor();
  await page.close();

  const detail = await open(
    `/servers/${encodeURIComponent('io.github.user/local-weather')}`,
    PHONE,
    upstream.url,
  );
  await detail.page.getByRole('heading', { level: 2, name: 'Packages' }).waitFor();
  const facts = detail.page.getByRole('complementary', { name: 'About this server' });
  await facts.getByText('1.0.0', { exact: true }).waitFor(); // server.json's own version is data
  assert.equal(await facts.getByText('Last updated').count(), 0);
  assert.equal(await detail.page.locator('.badge-tier').count(), 0);
  await noSideways(detail.page, 'upstream server page');
  await detail.page.close();
  // Every version the catalog serves is named on the server's page, newest first.
  const gh2 = await open('/servers/github', DESKTOP, upstream.url);
  const ghFacts = gh2.page.getByRole('complementary', { name: 'About this server' });
  await ghFacts.getByText('1.0.0 (latest), 0.9.0', { exact: true }).waitFor();
  await gh2.page.close();
  // In a ToolHive catalog, Community and Official badges differ.
  const th = await open('/');
  await th.page.locator('.badge-tier-community').first().waitFor();
  await th.page.locator('.badge-tier-official').first().waitFor();
  await th.page.close();
});
