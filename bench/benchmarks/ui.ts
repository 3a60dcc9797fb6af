/**
 * The catalog page over 10,000 servers in headless Chromium: time from navigation start to the first
 * list on screen, time from typing a search to its result, and bytes transferred by the page load,
 * against a baseline measured in the same run: a static page of the same servers (every one rendered
 * server-side into one gzipped HTML document, with a naive script that hides non-matching rows), what a
 * platform team would otherwise publish. Both served from this machine; repetitions alternate sides.
 */
import { existsSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { join, resolve } from 'node:path';
import { gzipSync } from 'node:zlib';
import type { Page } from 'playwright-core';
import { freePort } from '../../src/local/control-plane.ts';
import { launchBrowser, CHROMIUM } from '../../test/integration/ui/browser.ts';
import type { Benchmark } from '../lib/bench.ts';
import { toolhiveCatalog } from '../lib/catalog.ts';
import { SERVER_CORE, nodeBin, repoRoot, spawnPinned, waitServing } from '../lib/procs.ts';
import { metric, NotAvailable } from '../lib/report.ts';
import { median } from '../lib/stats.ts';

const API_BIN = resolve(repoRoot, 'src/bin/thv-registry-api.ts');
const SERVERS = 10_000;
const QUERY = 'github';

type Entry = { description?: string; tier?: string; transport?: string; tags?: string[] };

const esc = (s: string) => s.replace(/[&<>"]/g, (c) => `&#${c.charCodeAt(0)};`);

/** The baseline document: all servers in one page, filtered by hiding rows. */
export function staticPage(servers: [string, Entry][]): string {
  const rows = servers
    .map(
      ([n, e]) =>
        `<li data-s="${esc(`${n} ${e.description ?? ''}`.toLowerCase())}"><h2><a href="#${esc(n)}">${esc(n)}</a></h2>` +
        `<span>${esc(e.tier ?? '')}</span> <span>${esc(e.transport ?? '')}</span><p>${esc(e.description ?? '')}</p>` +
        `<p>${(e.tags ?? []).map((t) => `<span>${esc(t)}</span>`).join(' ')}</p></li>`,
    )
    .join('');
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>static</title></head><body>
<input id="search" type="search" aria-label="Search"><p id="result-count">${servers.length} servers</p><ul class="servers">${rows}</ul>
<script>
const rows=[...document.querySelectorAll('ul.servers>li')];
document.getElementById('search').addEventListener('input',e=>{const q=e.target.value.toLowerCase();let n=0;
for(const r of rows){const hit=r.dataset.s.includes(q);r.hidden=!hit;if(hit)n++;}
document.getElementById('result-count').textContent=n+' of '+rows.length+' servers';});
</script></body></html>`;
}

interface Run {
  firstListMs: number;
  searchMs: number;
  bytes: number;
}

async function measure(page: Page, url: string, expectCount: number, bytes: () => number): Promise<Run> {
  await page.goto(url, { waitUntil: 'commit' });
  await page.locator('ul.servers > li').first().waitFor();
  const firstListMs = Number(await page.evaluate('performance.now()'));
  await page.waitForLoadState('load');
  // Typed and timed inside the page: one input event, then every animation frame until the count
  // shows the expected result (no automation round trips inside the measurement).
  const searchMs = Number(
    await page.evaluate(`new Promise((resolve) => {
      const want = ${JSON.stringify(`${expectCount} of ${SERVERS} servers`)};
      const input = document.getElementById('search');
      const t0 = performance.now();
      input.value = ${JSON.stringify(QUERY)};
      input.dispatchEvent(new Event('input', { bubbles: true }));
      const check = () => document.getElementById('result-count').textContent.startsWith(want)
        ? resolve(performance.now() - t0) : requestAnimationFrame(check);
      check();
    })`),
  );
  return { firstListMs, searchMs, bytes: bytes() };
}

export const ui: Benchmark = {
  name: 'ui',
  subject: `the catalog page (thv-registry-api /) over ${SERVERS} servers in headless Chromium`,
  baseline: 'a static, server-rendered gzipped HTML page listing the same servers with a naive row filter',
  async run(ctx) {
    if (!existsSync(resolve(repoRoot, 'src/ui/client/main.ts')))
      throw new NotAvailable('src/ui (the catalog page) is not in the tree yet');
    if (!existsSync(CHROMIUM)) throw new NotAvailable(`${CHROMIUM} is missing: run bash scripts/prereqs.sh`);
    const doc = toolhiveCatalog(SERVERS) as {
      servers: Record<string, Entry>;
      remote_servers: Record<string, Entry>;
    };
    const file = join(ctx.workDir, 'registry.json');
    writeFileSync(file, JSON.stringify(doc));
    const all = [...Object.entries(doc.servers), ...Object.entries(doc.remote_servers)].sort((a, b) =>
      a[0] < b[0] ? -1 : 1,
    );
    const expectCount = all.filter(([n, e]) =>
      `${n}\n${e.description ?? ''}`.toLowerCase().includes(QUERY),
    ).length;

    const port = await freePort();
    const ours = spawnPinned(SERVER_CORE, [
      nodeBin,
      API_BIN,
      'serve',
      `--from-file=${file}`,
      `--address=127.0.0.1:${port}`,
    ]);
    const html = gzipSync(staticPage(all));
    const base: Server = createServer((_req, res) => {
      res.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8', 'Content-Encoding': 'gzip' });
      res.end(html);
    });
    await new Promise<void>((r) => base.listen(0, '127.0.0.1', r));
    const baseAddr = base.address();
    const baseUrl = `http://127.0.0.1:${typeof baseAddr === 'object' && baseAddr ? baseAddr.port : 0}/`;
    const oursUrl = `http://127.0.0.1:${port}/`;
    const browser = await launchBrowser();
    try {
      await waitServing(ours, `${oursUrl}readyz`, 'the registry API to become ready', 120_000);
      const once = async (url: string) => {
        // A fresh page each time, cache disabled: every run is a first visit.
        const page = await browser.context.newPage();
        // The baseline's row filter can take long on a busy 2-core machine: measure it, do not time out.
        page.setDefaultTimeout(300_000);
        const cdp = await browser.context.newCDPSession(page);
        await cdp.send('Network.setCacheDisabled', { cacheDisabled: true });
        // Bytes on the wire (headers and encoded bodies) of every response the page load and search caused.
        let bytes = 0;
        cdp.on('Network.loadingFinished', (e) => void (bytes += e.encodedDataLength));
        await cdp.send('Network.enable');
        try {
          return await measure(page, url, expectCount, () => bytes);
        } finally {
          await page.close();
        }
      };
      ctx.log('warm-up (the page is bundled on its first request in a development run)');
      await once(oursUrl);
      await once(baseUrl);
      const runs: { ours: Run[]; base: Run[] } = { ours: [], base: [] };
      for (let r = 0; r < ctx.settings.reps; r++) {
        runs.ours.push(await once(oursUrl));
        runs.base.push(await once(baseUrl));
      }
      const med = (xs: Run[], k: keyof Run) => median(xs.map((x) => x[k]));
      return {
        metrics: [
          metric(
            'page load',
            'time to first list render',
            'ms',
            med(runs.ours, 'firstListMs'),
            med(runs.base, 'firstListMs'),
            'lower',
          ),
          metric(
            `search "${QUERY}"`,
            'time to result',
            'ms',
            med(runs.ours, 'searchMs'),
            med(runs.base, 'searchMs'),
            'lower',
            `${expectCount} matches`,
          ),
          metric(
            'page load',
            'bytes transferred',
            'B',
            med(runs.ours, 'bytes'),
            med(runs.base, 'bytes'),
            'lower',
          ),
        ],
        details: { servers: SERVERS, query: QUERY, expectCount, runs },
      };
    } finally {
      await browser.close();
      base.close();
      await ours.stop();
    }
  },
};
