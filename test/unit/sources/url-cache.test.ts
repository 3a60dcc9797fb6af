/**
 * The URL source's last-good-body cache is bounded (issue #27.3, src/registry/bounded-cache.ts):
 * tenants choose the URLs, so however many they name, it holds at most its count and size; an evicted
 * URL is fetched whole (no If-None-Match) and answered correctly.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fetchUrl, UrlCache, DEFAULT_URL_OPTIONS } from '../../../src/sources/url.ts';
import { Body } from '../../../src/sources/fetch/fetch-body.ts';
import { allowLoopbackSources } from '../../support/destinations.ts';
import { loopbackHttp } from '../../support/loopback-http.ts';

// The server below listens on loopback, which the built-in policy refuses (SPEC §8).
allowLoopbackSources();

const conditional: string[] = [];

const web = loopbackHttp((req, res) => {
  const etag = `"${req.url}"`;
  if (req.headers['if-none-match'] === etag) {
    conditional.push(req.url ?? '');
    return res.writeHead(304).end();
  }
  res.writeHead(200, { ETag: etag }).end(JSON.stringify({ url: req.url, pad: 'x'.repeat(100) }));
});

const fast = { ...DEFAULT_URL_OPTIONS, timeoutMs: 1000, baseRetryDelayMs: 1, maxRetryDelayMs: 5 };

test('many URLs: the cache stays within its bounds, and an evicted URL is fetched whole', async () => {
  const cache = new UrlCache({ maxEntries: 4, maxBytes: 1000 });
  for (let i = 0; i < 50; i++) {
    const body = await fetchUrl(`${web.url}/r${i}`, fast, cache);
    assert.equal(JSON.parse(body).url, `/r${i}`);
    assert.ok(cache.size <= 1000, `${cache.size} held`);
  }
  assert.deepEqual(conditional, []);
  // The newest is revalidated with its ETag; the first was evicted and comes back whole.
  assert.equal(JSON.parse(await fetchUrl(`${web.url}/r49`, fast, cache)).url, '/r49');
  assert.deepEqual(conditional, ['/r49']);
  assert.equal(JSON.parse(await fetchUrl(`${web.url}/r0`, fast, cache)).url, '/r0');
  assert.deepEqual(conditional, ['/r49']);
});

test('the default bounds hold a full-size body (64 MiB) but not an unbounded number of URLs', () => {
  const cache = new UrlCache();
  const big = Body.of(Buffer.alloc(DEFAULT_URL_OPTIONS.maxBytes, 'x'));
  cache.set('https://a.example/big', { etag: '"1"', body: big });
  assert.equal(cache.get('https://a.example/big')?.body.length, big.length);
  for (let i = 0; i < 2000; i++) cache.set(`https://a.example/${i}`, { etag: '"1"', body: Body.of('{}') });
  assert.equal(cache.get('https://a.example/0'), undefined);
  assert.ok(cache.get('https://a.example/1999'));
});
