/**
 * The catalog page in a real browser (Debian's chromium via playwright-core) against thv-registry-api
 * serving the 88-server fixture (with one server deprecated and given a hostile overview): list,
 * search, facets, deep links, detail, copy buttons, safe Markdown, keyboard reach, axe-core; and the
 * page's HTTP behaviour (ETag/304, gzip, CSP, 405/404). Screenshots for docs/ui.md are taken here.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import type { Page } from 'playwright-core';
import { parse } from 'yaml';
import { REPO, launchBrowser, startApi, type ApiProcess, type Launched } from './browser.ts';
import {
  DEPRECATED,
  apiSearchHits,
  entries,
  readDoc,
  searchHits,
  writeMarkedFixture,
  type Entry,
} from './fixtures.ts';

const dir = mkdtempSync(join(tmpdir(), 'mcpr-ui-'));
const shots = join(dir, 'screenshots');
let api: ApiProcess;
let browser: Launched;
const all: Entry[] = entries(readDoc()).map((e) =>
  e.name === DEPRECATED ? { ...e, status: 'Deprecated' } : e,
);
const AXE = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

before(async () => {
  mkdirSync(shots, { recursive: true });
  api = await startApi(writeMarkedFixture(dir));
  browser = await launchBrowser();
});
after(async () => {
  await browser?.close();
  await api?.stop();
  // MCPR_UPDATE_SCREENSHOTS=1 refreshes the pictures in docs/images (kept opt-in so test runs leave the tree clean).
  if (process.env.MCPR_UPDATE_SCREENSHOTS === '1')
    for (const f of ['list-light.png', 'list-dark.png', 'detail.png', 'mobile.png'])
      copyFileSync(join(shots, f), join(REPO, 'docs/images', `ui-${f}`));
  rmSync(dir, { recursive: true, force: true });
});

async function open(path: string): Promise<Page> {
  const page = await browser.context.newPage();
  page.on('pageerror', (e) => assert.fail(`page error on ${path}: ${e.message}`));
  await page.goto(`${api.url}${path}`);
  return page;
}

const listed = (page: Page) => page.locator('ul.servers > li h2 a').allTextContents();
const countText = (page: Page) => page.locator('#result-count').textContent();

async function expectList(page: Page, expected: Entry[]): Promise<void> {
  const total = all.length;
  const want =
    expected.length === 0
      ? 'No servers match'
      : `${expected.length === total ? total : `${expected.length} of ${total}`} servers` +
        (expected.length > 50 ? `, showing 1–50` : '');
  await page.locator('#result-count', { hasText: want }).waitFor();
  assert.equal(await countText(page), want);
  assert.deepEqual(
    await listed(page),
    expected.slice(0, 50).map((e) => e.name),
  );
}

test('the list shows the catalog in name order with tiers, transports and tags; facet counts match the data', async () => {
  const page = await open('/');
  await expectList(page, all);
  const first = page.locator('ul.servers > li').first();
  assert.equal(await first.locator('.badge-tier').textContent(), all[0]!.tier);
  assert.equal(await first.locator('.badge-transport').textContent(), all[0]!.transport);
  assert.deepEqual(await first.locator('.tag').allTextContents(), all[0]!.tags);
  for (const tier of new Set(all.map((e) => e.tier!))) {
    const n = all.filter((e) => e.tier === tier).length;
    await page.getByRole('checkbox', { name: `${tier} (${n})`, exact: true }).waitFor();
  }
  await page.screenshot({ path: join(shots, 'list-light.png') });
  await page.emulateMedia({ colorScheme: 'dark' });
  await page.screenshot({ path: join(shots, 'list-dark.png') });
  await page.close();
});

test('search narrows to the servers with every word in name, title, description or tags, named ones first', async () => {
  const page = await open('/');
  await expectList(page, all);
  for (const q of ['git', 'DATABASE', 'postgres sql', 'zzz-nothing']) {
    await page.getByRole('searchbox', { name: 'Search servers by name, description or tag' }).fill(q);
    await expectList(page, searchHits(all, q));
    assert.equal(new URL(page.url()).searchParams.get('q'), q);
  }
  // The API's narrower search (name or description) is its own contract: the page is a superset of it.
  const res = (await (await fetch(`${api.url}/api/v1/registry/servers?search=git&limit=1000`)).json()) as {
    servers: { name: string }[];
  };
  assert.deepEqual(
    res.servers.map((s) => s.name),
    apiSearchHits(all, 'git').map((e) => e.name),
  );
  const page_ = new Set(searchHits(all, 'git').map((e) => e.name));
  assert.ok(res.servers.every((s) => page_.has(s.name)));
  await page.close();
});

test('facets: tier and transport are any-of, tags all-of; counts follow the other selections', async () => {
  const page = await open('/');
  await expectList(page, all);
  await page.getByRole('checkbox', { name: /^Community \(/ }).check();
  const community = all.filter((e) => e.tier === 'Community');
  await expectList(page, community);
  const sse = community.filter((e) => e.transport === 'sse').length;
  await page.getByRole('checkbox', { name: `sse (${sse})`, exact: true }).check();
  await expectList(
    page,
    community.filter((e) => e.transport === 'sse'),
  );
  await page.getByRole('button', { name: 'Clear filters' }).click();
  await expectList(page, all);
  await page.getByRole('checkbox', { name: /^database \(/ }).check();
  await page.getByRole('checkbox', { name: /^sql \(/ }).check();
  await expectList(
    page,
    all.filter((e) => e.tags.includes('database') && e.tags.includes('sql')),
  );
  assert.deepEqual(new URL(page.url()).searchParams.getAll('tag'), ['database', 'sql']);
  // No database+sql server is deprecated, so that status is not offered; without the tags it is.
  assert.equal(await page.getByRole('checkbox', { name: /^Deprecated/ }).count(), 0);
  await page.getByRole('button', { name: 'Clear filters' }).click();
  await page.getByRole('checkbox', { name: 'Deprecated (1)', exact: true }).check();
  await expectList(
    page,
    all.filter((e) => e.status === 'Deprecated'),
  );
  await page.close();
});

test('a deep link restores search and facets; /servers/<name> opens that server', async () => {
  const page = await open('/?q=sql&tag=database&transport=stdio');
  await expectList(
    page,
    searchHits(all, 'sql').filter((e) => e.tags.includes('database') && e.transport === 'stdio'),
  );
  assert.equal(await page.getByRole('searchbox').inputValue(), 'sql');
  assert.equal(await page.getByRole('checkbox', { name: /^database \(/ }).isChecked(), true);
  // Following a result keeps the query for the way back.
  const target = (await listed(page))[0]!;
  await page.getByRole('link', { name: target, exact: true }).click();
  await page.getByRole('heading', { level: 1, name: target }).waitFor();
  assert.equal(new URL(page.url()).pathname, `/servers/${encodeURIComponent(target)}`);
  await page.getByRole('link', { name: '← All servers' }).click();
  await page.locator('#result-count').waitFor();
  assert.equal(new URL(page.url()).search, '?q=sql&tag=database&transport=stdio');
  await page.close();

  const direct = await open('/servers/github-remote');
  await direct.getByRole('heading', { level: 1, name: 'github-remote' }).waitFor();
  const remote = readDoc().remote_servers['github-remote']!;
  await direct.getByText(String(remote.url), { exact: true }).waitFor();
  const missing = await open('/servers/no-such-server');
  await missing
    .getByRole('alert')
    .filter({ hasText: 'No server named “no-such-server” in this catalog.' })
    .waitFor();
  await direct.close();
  await missing.close();
});

test('the detail view shows env vars with required/secret markers, packages, repository and metadata', async () => {
  const e = readDoc().servers['adb-mysql-mcp-server']!;
  const page = await open('/servers/adb-mysql-mcp-server');
  await page.getByRole('heading', { level: 2, name: 'Environment variables' }).waitFor();
  const envVars = e.env_vars as { name: string; required?: boolean; secret?: boolean }[];
  for (const v of envVars) {
    const row = page
      .getByRole('row')
      .filter({ has: page.getByRole('rowheader', { name: v.name, exact: true }) });
    assert.equal(await row.getByText('Required', { exact: true }).count(), v.required ? 1 : 0, v.name);
    assert.equal(await row.getByText('Secret', { exact: true }).count(), v.secret ? 1 : 0, v.name);
  }
  await page.getByRole('rowheader', { name: String(e.image), exact: true }).waitFor();
  assert.equal(
    await page.getByRole('link', { name: String(e.repository_url) }).getAttribute('href'),
    e.repository_url,
  );
  const tools = e.tools as string[];
  await page.getByRole('heading', { name: `Tools (${tools.length})` }).waitFor();
  await page.getByText(String((e.metadata as { stars: number }).stars), { exact: true }).waitFor();
  await page.screenshot({ path: join(shots, 'detail.png'), fullPage: true });
  await page.close();
});

test('copy buttons put `thv run <name>`, the install panels and the Kubernetes manifest on the clipboard', async () => {
  await browser.context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: api.url });
  const page = await open('/servers/adb-mysql-mcp-server');
  await page.getByRole('button', { name: 'Copy thv run command' }).click();
  await page.getByRole('status').filter({ hasText: 'Copied' }).first().waitFor();
  assert.equal(await page.evaluate('navigator.clipboard.readText()'), 'thv run adb-mysql-mcp-server');
  const e = readDoc().servers['adb-mysql-mcp-server']!;
  const required = (e.env_vars as { name: string; required?: boolean; secret?: boolean }[]).filter(
    (v) => v.required,
  );
  // Install panels (SPEC §14): VS Code first, with its one-click link carrying the same server.
  const vscode = JSON.parse(
    String(await page.locator('pre[aria-label="VS Code configuration"]').textContent()),
  ) as {
    inputs: { id: string; password?: boolean }[];
    servers: Record<string, { command: string; args: string[]; env: Record<string, string> }>;
  };
  const server = vscode.servers['adb-mysql-mcp-server']!;
  assert.equal(server.args.at(-1), e.image);
  assert.deepEqual(
    vscode.inputs.map((i) => [i.id, i.password === true]),
    required.map((v) => [v.name.toLowerCase().replace(/_/g, '-'), v.secret === true]),
  );
  const href = String(await page.getByRole('link', { name: 'Install in VS Code' }).getAttribute('href'));
  const linked = JSON.parse(decodeURIComponent(href.slice('vscode:mcp/install?'.length))) as Record<
    string,
    unknown
  >;
  assert.deepEqual(linked, { name: 'adb-mysql-mcp-server', ...server, inputs: vscode.inputs });
  // Cursor: the copied text is the shown one; every required variable from the environment, nothing else.
  await page.getByRole('button', { name: 'Cursor', exact: true }).click();
  await page.getByRole('button', { name: 'Copy Cursor configuration' }).click();
  const copied = String(await page.evaluate('navigator.clipboard.readText()'));
  assert.equal(copied, await page.locator('pre[aria-label="Cursor configuration"]').textContent());
  const entry = (
    JSON.parse(copied) as { mcpServers: Record<string, { command: string; args: string[]; env: object }> }
  ).mcpServers['adb-mysql-mcp-server']!;
  assert.equal(entry.command, 'docker');
  assert.equal(entry.args.at(-1), e.image);
  assert.deepEqual(entry.env, Object.fromEntries(required.map((v) => [v.name, `\${env:${v.name}}`])));
  // ToolHive: this registry first, then the run, the secret through thv's secret store.
  await page.getByRole('button', { name: 'ToolHive', exact: true }).click();
  const thv = String(await page.locator('pre[aria-label="ToolHive configuration"]').textContent()).split(
    '\n',
  );
  assert.equal(thv[0], `thv config set-registry ${api.url}`);
  assert.equal(thv[1], 'thv secret set ADB_MYSQL_PASSWORD');
  assert.match(
    thv[2]!,
    /^thv run .*--secret ADB_MYSQL_PASSWORD,target=ADB_MYSQL_PASSWORD .*adb-mysql-mcp-server$/,
  );
  // The Kubernetes snippet (SPEC §11): the workload thv registry manifest prints, naming this registry.
  await page.getByRole('button', { name: 'Copy Kubernetes manifest' }).click();
  const manifest = String(await page.evaluate('navigator.clipboard.readText()'));
  assert.equal(manifest, await page.locator('pre[aria-label="Kubernetes manifest"]').textContent());
  const info = (await (await fetch(`${api.url}/api/v1/registry/info`)).json()) as { name: string };
  const m = parse(manifest) as {
    kind: string;
    metadata: { annotations: Record<string, string> };
    spec: { image: string };
  };
  assert.equal(m.kind, 'MCPServer');
  assert.equal(m.spec.image, e.image);
  assert.deepEqual(m.metadata.annotations, {
    'toolhive.stacklok.io/registry': info.name,
    'toolhive.stacklok.io/server': 'adb-mysql-mcp-server',
  });
  await page.close();
});

test('a deprecated server shows its badge in the list and a notice on its page', async () => {
  const page = await open(`/?q=${DEPRECATED}`);
  const item = page
    .locator('ul.servers > li')
    .filter({ has: page.getByRole('link', { name: DEPRECATED, exact: true }) });
  assert.equal(await item.locator('.badge-deprecated').textContent(), 'Deprecated');
  assert.equal(await page.locator('.badge-deprecated').count(), 1);
  await page.getByRole('link', { name: DEPRECATED, exact: true }).click();
  await page.getByRole('note').filter({ hasText: 'This server is deprecated' }).waitFor();
  await page.close();
});

test('an overview with <script>, onerror and javascript: links renders as inert text', async () => {
  const page = await open(`/servers/${DEPRECATED}`);
  const md = page.locator('.markdown');
  await md.getByRole('heading', { name: 'Fetch, reviewed' }).waitFor();
  await md.getByText('<script>window.__pwned = "script"</script>').waitFor();
  assert.equal(await md.locator('script, img, iframe, [onerror]').count(), 0);
  assert.equal(await page.locator('a[href^="javascript:" i]').count(), 0);
  assert.equal(
    await md.getByRole('link', { name: 'a safe link' }).getAttribute('href'),
    'https://example.com/docs',
  );
  assert.match(String(await md.textContent()), /\[click me\]\(javascript:/);
  assert.equal(await page.evaluate('typeof window.__pwned'), 'undefined');
  await page.close();
});

test('keyboard only: Tab reaches every control of the list, Space filters, Enter opens a server', async () => {
  const page = await open('/');
  await page.locator('#result-count').waitFor();
  const controls = Number(
    await page.evaluate(`(() => {
      const els = [...document.querySelectorAll('a[href], button:not([disabled]), input, select')]
        .filter((el) => el.getClientRects().length > 0);
      els.forEach((el, i) => (el.dataset.kb = String(i)));
      return els.length;
    })()`),
  );
  const reached = new Set<string>();
  for (let i = 0; i < controls + 5 && reached.size < controls; i++) {
    await page.keyboard.press('Tab');
    const kb = await page.evaluate('document.activeElement && document.activeElement.dataset.kb');
    if (typeof kb === 'string') reached.add(kb);
  }
  assert.equal(reached.size, controls, `Tab reached ${reached.size} of ${controls} controls`);
  await page.getByRole('checkbox', { name: /^Community \(/ }).focus();
  await page.keyboard.press('Space');
  await expectList(
    page,
    all.filter((e) => e.tier === 'Community'),
  );
  const first = all.find((e) => e.tier === 'Community')!.name;
  await page.getByRole('link', { name: first, exact: true }).focus();
  await page.keyboard.press('Enter');
  await page.getByRole('heading', { level: 1, name: first }).waitFor();
  // The page moves focus to the heading once it has rendered it: wait for that turn, then check it.
  await page
    .waitForFunction("document.activeElement && document.activeElement.tagName === 'H1'")
    .catch(() => {});
  assert.equal(await page.evaluate('document.activeElement.tagName'), 'H1');
  await page.close();
});

async function axe(page: Page): Promise<string[]> {
  await page.evaluate(AXE); // through the debugger protocol: the page's CSP does not apply to it
  const result = (await page.evaluate(`axe.run(document, { resultTypes: ['violations'] })`)) as {
    violations: { id: string; impact: string; nodes: { target: string[] }[] }[];
  };
  return result.violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${v.id} (${v.impact}): ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
}

test('axe-core finds no serious or critical violations on the list and detail views, light and dark, and on a phone', async () => {
  for (const scheme of ['light', 'dark'] as const) {
    const list = await open('/?tag=database');
    await list.emulateMedia({ colorScheme: scheme });
    await list.locator('#result-count').waitFor();
    assert.deepEqual(await axe(list), [], `list (${scheme})`);
    await list.close();
    const detail = await open(`/servers/${DEPRECATED}`);
    await detail.emulateMedia({ colorScheme: scheme });
    await detail.locator('.markdown h1').waitFor();
    assert.deepEqual(await axe(detail), [], `detail (${scheme})`);
    await detail.close();
  }
  const phone = await open('/');
  await phone.setViewportSize({ width: 390, height: 844 });
  await phone.locator('#result-count').waitFor();
  assert.deepEqual(await axe(phone), [], 'list on a phone');
  assert.equal(
    Number(await phone.evaluate('document.documentElement.scrollWidth')),
    390,
    'no horizontal scrolling',
  );
  await phone.screenshot({ path: join(shots, 'mobile.png') });
  await phone.close();
});

test('HTTP: the page, its assets and its data carry ETags (304 on revalidation), gzip and a strict CSP', async () => {
  const page = await fetch(`${api.url}/`);
  assert.equal(page.status, 200);
  assert.match(page.headers.get('content-security-policy') ?? '', /script-src 'self';/);
  const html = await page.text();
  const js = /src="(\/ui\/main-[^"]+\.js)"/.exec(html)?.[1];
  assert.ok(js, 'index.html names its script');
  for (const path of ['/', js, '/ui/catalog.json', '/servers/fetch']) {
    const r = await fetch(`${api.url}${path}`);
    const etag = r.headers.get('etag');
    assert.ok(etag, `${path} has an ETag`);
    const again = await fetch(`${api.url}${path}`, { headers: { 'If-None-Match': etag } });
    assert.equal(again.status, 304, path);
  }
  const { request } = await import('node:http');
  const gz = await new Promise<{ enc?: string; body: Buffer }>((res, rej) =>
    request(`${api.url}/ui/catalog.json`, { headers: { 'Accept-Encoding': 'gzip' } }, (r) => {
      const chunks: Buffer[] = [];
      r.on('data', (c: Buffer) => chunks.push(c));
      r.on('end', () => res({ enc: r.headers['content-encoding'], body: Buffer.concat(chunks) }));
    })
      .on('error', rej)
      .end(),
  );
  assert.equal(gz.enc, 'gzip');
  const summary = JSON.parse(gunzipSync(gz.body).toString()) as { servers: { name: string }[] };
  assert.deepEqual(
    summary.servers.map((s) => s.name),
    all.map((e) => e.name),
  );
  const post = await fetch(`${api.url}/`, { method: 'POST' });
  assert.equal(post.status, 405);
  assert.equal(post.headers.get('allow'), 'GET, HEAD');
  assert.deepEqual(await post.json(), { error: 'Method POST not allowed; use GET, HEAD' });
  const missing = await fetch(`${api.url}/ui/nope.js`);
  assert.equal(missing.status, 404);
  assert.deepEqual(await missing.json(), { error: 'Not found' });
});
