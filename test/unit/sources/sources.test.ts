/** Source adapters against real loopback HTTP servers and a real git repository. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fetchUrl, UrlCache, DEFAULT_URL_OPTIONS } from '../../../src/sources/url.ts';
import { retryAfterMs } from '../../../src/sources/fetch/http-fetch.ts';
import { fetchRegistryApi, DEFAULT_REGISTRY_API_OPTIONS } from '../../../src/sources/registry-api.ts';
import { fetchGit } from '../../../src/sources/git.ts';
import { SourceError } from '../../../src/sources/types.ts';
import { allowLoopbackSources } from '../../support/destinations.ts';
import { loopbackHttp } from '../../support/loopback-http.ts';

// The servers below listen on loopback, which the built-in policy refuses (SPEC §8).
allowLoopbackSources();

let handler: (req: IncomingMessage, res: ServerResponse) => void = (_q, r) => r.end();
const hits: string[] = [];

const web = loopbackHttp((req, res) => {
  hits.push(`${req.method} ${req.url} ${req.headers['if-none-match'] ?? ''}`);
  handler(req, res);
});

const fast = { ...DEFAULT_URL_OPTIONS, timeoutMs: 1000, baseRetryDelayMs: 1, maxRetryDelayMs: 5 };

async function sourceError(p: Promise<unknown>): Promise<SourceError> {
  try {
    await p;
  } catch (e) {
    if (e instanceof SourceError) return e;
    throw e;
  }
  throw new Error('expected a SourceError');
}

test('URL: retries 5xx, then succeeds', async () => {
  let n = 0;
  handler = (_q, res) => (++n < 3 ? res.writeHead(503).end() : res.end('{"servers":{}}'));
  assert.equal(await fetchUrl(`${web.url}/a`, fast), '{"servers":{}}');
  assert.equal(n, 3);
});

test('URL: persistent 500 fails with the status, after the retries', async () => {
  let n = 0;
  handler = (_q, res) => {
    n++;
    res.writeHead(500).end();
  };
  const e = await sourceError(fetchUrl(`${web.url}/b?token=secret`, fast));
  assert.equal(e.reason, 'ServerError');
  assert.equal(e.message, `${web.url}/b answered HTTP 500`);
  assert.equal(n, fast.retries + 1);
});

test('URL: 429 honours Retry-After', async () => {
  const slept: number[] = [];
  let n = 0;
  handler = (_q, res) => (++n === 1 ? res.writeHead(429, { 'Retry-After': '2' }).end() : res.end('{}'));
  assert.equal(
    await fetchUrl(`${web.url}/c`, {
      ...fast,
      maxRetryDelayMs: 10_000,
      sleep: async (ms) => void slept.push(ms),
    }),
    '{}',
  );
  assert.deepEqual(slept, [2000]);
});

test('URL: 404 is not retried', async () => {
  let n = 0;
  handler = (_q, res) => {
    n++;
    res.writeHead(404).end();
  };
  const e = await sourceError(fetchUrl(`${web.url}/d`, fast));
  assert.equal(e.reason, 'NotFound');
  assert.equal(n, 1);
});

test('URL: a hanging server times out', async () => {
  handler = () => {};
  const e = await sourceError(fetchUrl(`${web.url}/e`, { ...fast, retries: 0, timeoutMs: 200 }));
  assert.equal(e.reason, 'FetchTimeout');
  assert.match(e.message, /no (complete )?response within 200 ms/);
});

test('URL: a response over the size limit is refused while streaming', async () => {
  handler = (_q, res) => {
    res.write('x'.repeat(600));
    res.end('x'.repeat(600));
  };
  const e = await sourceError(fetchUrl(`${web.url}/f`, { ...fast, maxBytes: 1000 }));
  assert.equal(e.reason, 'ResponseTooLarge');
  assert.equal(e.message, `${web.url}/f: response exceeds the limit of 1000 bytes`);
  handler = (_q, res) => res.writeHead(200, { 'Content-Length': '5000' }).end('x'.repeat(5000));
  assert.match(
    (await sourceError(fetchUrl(`${web.url}/g`, { ...fast, maxBytes: 1000 }))).message,
    /response of 5000 bytes exceeds the limit of 1000 bytes/,
  );
});

test('URL: ETag revalidation reuses the cached body on 304', async () => {
  handler = (req, res) =>
    req.headers['if-none-match'] === '"v1"'
      ? res.writeHead(304).end()
      : res.writeHead(200, { ETag: '"v1"' }).end('{"v":1}');
  const cache = new UrlCache();
  assert.equal(await fetchUrl(`${web.url}/h`, fast, cache), '{"v":1}');
  assert.equal(await fetchUrl(`${web.url}/h`, fast, cache), '{"v":1}');
  assert.ok(hits.includes('GET /h "v1"'));
});

test('Retry-After parsing: seconds, HTTP dates, caps, garbage', () => {
  assert.equal(retryAfterMs('3', 0, 10_000), 3000);
  assert.equal(retryAfterMs('100', 0, 10_000), 10_000);
  assert.equal(retryAfterMs(new Date(5000).toUTCString(), 0, 10_000), 5000);
  assert.equal(retryAfterMs('soon', 0, 10_000), undefined);
  assert.equal(retryAfterMs(undefined, 0, 10_000), undefined);
});

const item = (name: string, version: string, official: Record<string, unknown> = {}) => ({
  server: { name, version, description: 'd' },
  _meta: { 'io.modelcontextprotocol.registry/official': { status: 'active', isLatest: false, ...official } },
});

test('registry API: pages through nextCursor and keeps every version, deleted ones too', async () => {
  const pages: Record<string, unknown> = {
    '': { servers: [item('a/x', '1.0.0'), item('a/y', '1.0.0')], metadata: { nextCursor: 'p2' } },
    p2: {
      servers: [
        item('a/x', '1.2.0', { isLatest: true }),
        item('a/z', '2.0.0', { status: 'deleted', isLatest: true }),
      ],
      metadata: { nextCursor: 'p3' },
    },
    p3: { servers: [item('a/x', '1.10.0')], metadata: {} },
  };
  const seen: string[] = [];
  handler = (req, res) => {
    const u = new URL(req.url ?? '', web.url);
    seen.push(
      `${u.pathname}?limit=${u.searchParams.get('limit')}&cursor=${u.searchParams.get('cursor') ?? ''}`,
    );
    res.end(JSON.stringify(pages[u.searchParams.get('cursor') ?? '']));
  };
  const fetched = await fetchRegistryApi(`${web.url}/`, { ...DEFAULT_REGISTRY_API_OPTIONS, timeoutMs: 1000 });
  // The pieces the pipeline hashes are exactly the text of the parsed value.
  assert.equal([...fetched.chunks()].join(''), JSON.stringify(fetched.value));
  const doc = fetched.value as { servers: { server: { name: string; version: string } }[] };
  assert.deepEqual(seen, [
    '/v0.1/servers?limit=100&cursor=',
    '/v0.1/servers?limit=100&cursor=p2',
    '/v0.1/servers?limit=100&cursor=p3',
  ]);
  assert.deepEqual(
    doc.servers.map((s) => `${s.server.name}@${s.server.version}`),
    ['a/x@1.0.0', 'a/y@1.0.0', 'a/x@1.2.0', 'a/z@2.0.0', 'a/x@1.10.0'],
  );
});

test('registry API: a cursor cycle and runaway paging are stopped with a clear error', async () => {
  handler = (_q, res) =>
    res.end(JSON.stringify({ servers: [item('a/x', '1.0.0')], metadata: { nextCursor: 'same' } }));
  const e = await sourceError(
    fetchRegistryApi(web.url, { ...DEFAULT_REGISTRY_API_OPTIONS, timeoutMs: 1000 }),
  );
  assert.equal(e.reason, 'CursorCycle');
  assert.equal(
    e.message,
    `${web.url}/v0.1/servers: cursor "same" repeats after 2 pages; the registry's paging loops`,
  );
  let n = 0;
  handler = (_q, res) => res.end(JSON.stringify({ servers: [], metadata: { nextCursor: `c${n++}` } }));
  const e2 = await sourceError(
    fetchRegistryApi(web.url, { ...DEFAULT_REGISTRY_API_OPTIONS, timeoutMs: 1000, maxPages: 5 }),
  );
  assert.equal(e2.message, `${web.url}/v0.1/servers: more than 5 pages; stopping`);
});

test('git: branch, tag, commit and path from a real repository; a missing ref says so', async () => {
  const repo = mkdtempSync(join(tmpdir(), 'mcpr-git-src-'));
  const g = (...args: string[]) =>
    execFileSync('git', ['-C', repo, '-c', 'user.email=t@example.com', '-c', 'user.name=t', ...args], {
      encoding: 'utf8',
    }).trim();
  g('init', '-q', '-b', 'main');
  writeFileSync(join(repo, 'registry.json'), '{"v":1}');
  g('add', '.');
  g('commit', '-q', '-m', 'one');
  const first = g('rev-parse', 'HEAD');
  g('tag', 'v1');
  writeFileSync(join(repo, 'registry.json'), '{"v":2}');
  execFileSync('mkdir', ['-p', join(repo, 'data')]);
  writeFileSync(join(repo, 'data', 'other.json'), '{"v":3}');
  g('add', '.');
  g('commit', '-q', '-m', 'two');
  const url = `file://${repo}`;
  assert.equal(await fetchGit({ repository: url }, {}), '{"v":2}');
  assert.equal(await fetchGit({ repository: url, branch: 'main', path: 'data/other.json' }, {}), '{"v":3}');
  assert.equal(await fetchGit({ repository: url, tag: 'v1' }, {}), '{"v":1}');
  assert.equal(await fetchGit({ repository: url, commit: first }, {}), '{"v":1}');
  const e = await sourceError(fetchGit({ repository: url, branch: 'nope' }, {}));
  assert.equal(e.reason, 'GitRefNotFound');
  assert.equal(
    e.message,
    `git: cannot get branch nope of ${url}: the repository has no such branch, tag or commit`,
  );
  const p = await sourceError(fetchGit({ repository: url, path: 'missing.json' }, {}));
  assert.equal(p.message, `git: missing.json does not exist in ${url}`);
});
