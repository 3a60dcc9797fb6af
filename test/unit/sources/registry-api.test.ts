/**
 * The registry API source against a real loopback HTTP server: the query it sends, retries and their
 * delays (with a recording sleep, so no test waits), every budget, and the exact message of each
 * malformed page.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import { fetchRegistryApi, DEFAULT_REGISTRY_API_OPTIONS } from '../../../src/sources/registry-api.ts';
import { PagedVersions, nestingDepth, parsePage, valueDepth } from '../../../src/sources/registry-page.ts';
import { SourceError, type ParsedDocument } from '../../../src/sources/types.ts';
import { takePreRead } from '../../../src/registry/pre-read.ts';
import { allowLoopbackSources } from '../../support/destinations.ts';
import { loopbackHttp } from '../../support/loopback-http.ts';

// The servers below listen on loopback, which the built-in policy refuses (SPEC §8).
allowLoopbackSources();

let handler: (req: IncomingMessage, res: ServerResponse) => void = (_q, r) => r.end();
const web = loopbackHttp((req, res) => handler(req, res));

const item = (name: string, version: string, official: Record<string, unknown> = {}) => ({
  server: { name, version, description: name },
  _meta: { 'io.modelcontextprotocol.registry/official': { status: 'active', ...official } },
});
const page = (servers: unknown[], nextCursor?: string) =>
  JSON.stringify({ servers, metadata: { count: servers.length, ...(nextCursor ? { nextCursor } : {}) } });

function opts(extra: Partial<Parameters<typeof fetchRegistryApi>[1]> = {}) {
  const sleeps: number[] = [];
  return {
    sleeps,
    o: {
      ...DEFAULT_REGISTRY_API_OPTIONS,
      timeoutMs: 2000,
      sleep: async (ms: number) => void sleeps.push(ms),
      ...extra,
    },
  };
}

/** The document's text as the pipeline hashes it: its pieces, joined. */
const textOf = (d: ParsedDocument) => [...d.chunks()].join('');

async function sourceError(p: Promise<unknown>): Promise<SourceError> {
  try {
    await p;
  } catch (e) {
    if (e instanceof SourceError) return e;
    throw e;
  }
  assert.fail('expected a SourceError');
}

test('asks for every version (limit=100, include_deleted=true) on every page and follows the cursor', async () => {
  const queries: string[] = [];
  handler = (req, res) => {
    const u = new URL(req.url ?? '', web.url);
    queries.push(`${u.pathname}?${u.searchParams.toString()}`);
    res.end(
      u.searchParams.get('cursor') ? page([item('a/y', '1.0.0')]) : page([item('a/x', '1.0.0')], 'n/2'),
    );
  };
  const doc = JSON.parse(textOf(await fetchRegistryApi(`${web.url}/`, opts().o))) as { servers: unknown[] };
  assert.deepEqual(queries, [
    '/v0.1/servers?limit=100&include_deleted=true',
    '/v0.1/servers?limit=100&include_deleted=true&cursor=n%2F2',
  ]);
  assert.equal(doc.servers.length, 2);
});

test('latestOnly (maxVersionsPerServer 1) asks for version=latest only, no deleted versions', async () => {
  const queries: string[] = [];
  handler = (req, res) => {
    const u = new URL(req.url ?? '', web.url);
    queries.push(`${u.pathname}?${u.searchParams.toString()}`);
    res.end(page([item('a/x', '1.0.0')]));
  };
  await fetchRegistryApi(web.url, opts({ latestOnly: true }).o);
  assert.deepEqual(queries, ['/v0.1/servers?version=latest&limit=100']);
});

test('updatedSince asks for the changes only (updated_since, the time exactly as given) on every page', async () => {
  const queries: string[] = [];
  handler = (req, res) => {
    const u = new URL(req.url ?? '', web.url);
    queries.push(`${u.pathname}?${u.searchParams.toString()}`);
    res.end(u.searchParams.get('cursor') ? page([]) : page([item('a/x', '1.0.0')], 'n'));
  };
  await fetchRegistryApi(web.url, opts({ updatedSince: '2026-03-04T05:00:00.089802+01:00' }).o);
  await fetchRegistryApi(web.url, opts({ updatedSince: '2026-03-04T05:00:00Z', latestOnly: true }).o);
  assert.deepEqual(queries, [
    '/v0.1/servers?limit=100&include_deleted=true&updated_since=2026-03-04T05%3A00%3A00.089802%2B01%3A00',
    '/v0.1/servers?limit=100&include_deleted=true&updated_since=2026-03-04T05%3A00%3A00.089802%2B01%3A00&cursor=n',
    '/v0.1/servers?version=latest&limit=100&updated_since=2026-03-04T05%3A00%3A00Z',
    '/v0.1/servers?version=latest&limit=100&updated_since=2026-03-04T05%3A00%3A00Z&cursor=n',
  ]);
});

test('every version of each server is kept in page order, a repeated version once with its later content, and the text is exact', async () => {
  // Which version is catalogued is the pipeline's decision (registry/versions.ts); the source keeps
  // them all, deleted ones too (a mirror serves them on request: SPEC §14).
  const pages = [
    page([item('r/a', '1.0.0'), item('r/b', '1.0.0', { isLatest: true })], '2'),
    page([item('r/a', '2.0.0'), item('r/c', '1.0.0'), { server: { version: '9' } }], '3'),
    page([
      item('r/a', '1.5.0', { status: 'deleted' }),
      item('r/b', '2.0.0'),
      item('r/c', '0.1.0', { isLatest: true }),
      { server: { name: 'r/a', version: '1.0.0', description: 'changed since page 1' } },
    ]),
  ];
  handler = (req, res) => {
    const cursor = new URL(req.url ?? '', web.url).searchParams.get('cursor');
    res.end(pages[cursor ? Number(cursor) - 1 : 0]);
  };
  const doc = await fetchRegistryApi(web.url, opts().o);
  const value = doc.value as {
    servers: { server: { name?: string; version: string; description?: string } }[];
  };
  assert.deepEqual(
    value.servers.map((i) => `${i.server.name ?? '(unnamed)'}@${i.server.version}`),
    [
      'r/a@1.0.0',
      'r/b@1.0.0',
      'r/a@2.0.0',
      'r/c@1.0.0',
      'r/a@1.5.0',
      'r/b@2.0.0',
      'r/c@0.1.0',
      '(unnamed)@9',
    ],
  );
  assert.equal(value.servers[0]?.server.description, 'changed since page 1');
  // Every walk of the document's pieces gives its exact text.
  assert.equal(textOf(doc), JSON.stringify(doc.value));
  assert.equal(textOf(doc), JSON.stringify(doc.value));
  // Every kept entry was validated and converted while paging, for the pipeline to take.
  for (const i of value.servers) assert.ok(takePreRead(i.server), `${i.server.name ?? '(unnamed)'} pre-read`);
});

test("the document's textBytes are every page's bytes received, repeated entries included", async () => {
  // What a sync worker's heap is weighed against (controller/pipeline-workers): the pages as they came.
  const pages = [
    page([item('t/a', '1.0.0'), item('t/b', '1.0.0')], '2'),
    page([item('t/a', '1.0.0'), item('t/a', '2.0.0', { isLatest: true })]),
  ];
  handler = (req, res) =>
    res.end(new URL(req.url ?? '', web.url).searchParams.get('cursor') ? pages[1] : pages[0]);
  const doc = await fetchRegistryApi(web.url, opts().o);
  assert.equal(doc.textBytes, Buffer.byteLength(pages[0]!) + Buffer.byteLength(pages[1]!));
  assert.ok(doc.textBytes > textOf(doc).length);
});

test('all pages of one sync share one connection, which is closed when paging ends', async () => {
  const sockets = new Set<Socket>();
  const onConnection = (s: Socket) => sockets.add(s);
  web.server.on('connection', onConnection);
  handler = (req, res) => {
    const n = Number(new URL(req.url ?? '', web.url).searchParams.get('cursor') ?? 0);
    res.end(page([item(`a/s${n}`, '1.0.0')], n < 4 ? String(n + 1) : undefined));
  };
  try {
    const doc = await fetchRegistryApi(web.url, opts().o);
    assert.equal((doc.value as { servers: unknown[] }).servers.length, 5);
    assert.equal(sockets.size, 1);
    const [socket] = sockets;
    // The agent is destroyed with the sync: no idle connection stays behind.
    await new Promise<void>((r) => (socket?.closed ? r() : socket?.once('close', () => r())));
  } finally {
    web.server.off('connection', onConnection);
  }
});

test('503 and 429 are retried with exponential backoff; Retry-After is honoured up to its bound', async () => {
  const answers = [
    [503, {}],
    [429, { 'Retry-After': '7' }],
    [429, { 'Retry-After': '3600' }],
  ] as const;
  let n = 0;
  handler = (_q, res) => {
    const a = answers[n++];
    if (a) res.writeHead(a[0], a[1]).end();
    else res.end(page([item('a/x', '1.0.0')]));
  };
  const { o, sleeps } = opts({ maxRetryAfterMs: 30_000 });
  await fetchRegistryApi(web.url, o);
  assert.deepEqual(sleeps, [500, 7000, 30_000]);
});

test('a 5xx that outlasts the retries fails as ServerError, saying how often it was tried', async () => {
  handler = (_q, res) => res.writeHead(502).end();
  const e = await sourceError(fetchRegistryApi(web.url, opts().o));
  assert.equal(e.reason, 'ServerError');
  assert.equal(e.message, `${web.url}/v0.1/servers answered HTTP 502 4 times`);
});

test('4xx is not retried and names what to check', async () => {
  let n = 0;
  handler = (_q, res) => (n++, res.writeHead(401).end());
  const e = await sourceError(fetchRegistryApi(web.url, opts().o));
  assert.equal(n, 1);
  assert.equal(
    e.message,
    `${web.url}/v0.1/servers answered HTTP 401; check the credentials in authSecretRef or headersSecretRef`,
  );
  handler = (_q, res) => res.writeHead(404).end();
  assert.equal(
    (await sourceError(fetchRegistryApi(`${web.url}/v0.1`, opts().o))).message,
    `${web.url}/v0.1/v0.1/servers answered HTTP 404; baseURL must be the registry's root, without /v0.1`,
  );
});

test('page size, byte, page and time budgets each stop the sync with their own message', async () => {
  handler = (_q, res) => res.end(page([item('a/x', '1.0.0')]) + ' '.repeat(2000));
  const big = await sourceError(fetchRegistryApi(web.url, opts({ maxBytes: 1000 }).o));
  assert.equal(big.reason, 'ResponseTooLarge');
  assert.equal(
    big.message,
    `${web.url}/v0.1/servers page 1 is larger than 1000 bytes, the page size limit of a registry source`,
  );
  let n = 0;
  handler = (_q, res) => (n++, res.end(page([item('a/x', '1.0.0')], `c${n}`).padEnd(900)));
  const total = await sourceError(fetchRegistryApi(web.url, opts({ maxBytes: 1000, maxTotalBytes: 2500 }).o));
  assert.equal(
    total.message,
    `${web.url}/v0.1/servers: the registry sent more than 2500 bytes in 3 pages, the byte budget of a registry source; stopping`,
  );
  assert.equal(n, 3, 'stopped at the page that crossed the budget');
  const pages = await sourceError(fetchRegistryApi(web.url, opts({ maxPages: 4 }).o));
  assert.equal(pages.reason, 'TooManyPages');
  assert.equal(pages.message, `${web.url}/v0.1/servers: more than 4 pages; stopping`);
  let clock = 0;
  const late = await sourceError(
    fetchRegistryApi(web.url, opts({ deadlineMs: 60_000, now: () => (clock += 25_000) }).o),
  );
  assert.equal(late.reason, 'FetchTimeout');
  assert.equal(
    late.message,
    `${web.url}/v0.1/servers: paging did not finish within 60 s (stopped before page 3)`,
  );
});

const MALFORMED: [string, string][] = [
  ['{"servers":[null]}', 'is malformed: servers[0] must be an object {server, _meta}, not null'],
  [
    '{"servers":[{"server":null}]}',
    'is malformed: servers[0].server must be an object (a server.json), not null',
  ],
  ['{"servers":[{"server":{},"_meta":[]}]}', 'is malformed: servers[0]._meta must be an object, not a list'],
  ['{"servers":{}}', 'is malformed: "servers" must be a list, not an object'],
  ['{}', 'is malformed: "servers" is missing; expected a list'],
  [
    '{"servers":[{"_meta":{}}]}',
    'is malformed: servers[0].server is missing; expected an object (a server.json)',
  ],
  ['[1]', 'is malformed: the page must be a JSON object {servers, metadata}, not a list'],
  ['null', 'is malformed: the page must be a JSON object {servers, metadata}, not null'],
  ['{"servers":[],"metadata":[]}', 'is malformed: "metadata" must be an object, not a list'],
  [
    '{"servers":[],"metadata":{"nextCursor":5}}',
    'is malformed: metadata.nextCursor must be a string, not a number',
  ],
  ['{"servers":[', 'is not valid JSON'],
  ['{"servers":[] x', 'is not valid JSON (error at byte offset 14)'],
  ['['.repeat(200_000), 'is malformed: JSON nested deeper than 100 levels'],
  // Valid JSON too deep: refused before its shape is looked at, whether that shape is right or not.
  [
    `{"servers":[{"server":{"x":${'['.repeat(150)}${']'.repeat(150)}}}]}`,
    'is malformed: JSON nested deeper than 100 levels',
  ],
  [`${'['.repeat(101)}${']'.repeat(101)}`, 'is malformed: JSON nested deeper than 100 levels'],
];

test('each malformed page has its own exact message and never throws anything but a SourceError', () => {
  for (const [text, message] of MALFORMED) {
    assert.throws(
      () => parsePage(text, 'https://r.example/v0.1/servers', 2),
      (e: unknown) =>
        e instanceof SourceError &&
        e.reason === 'InvalidResponse' &&
        e.message === `https://r.example/v0.1/servers page 2 ${message}`,
      text.slice(0, 40),
    );
  }
});

test('nesting depth ignores brackets inside strings, including escaped quotes', () => {
  assert.equal(nestingDepth('{"a":"[[[[\\"[[["}'), 1);
  assert.equal(nestingDepth('[[{"x":[1]}]]'), 4);
});

test('the depth of a parsed page is the nesting depth of its text', () => {
  const texts = [
    '1',
    '"[["',
    '[]',
    '{}',
    '{"a":"[[[[\\"[[["}',
    '[[{"x":[1]}]]',
    '{"a":{},"b":[[[]]],"c":[{"d":{"e":[]}}]}',
    `${'['.repeat(100)}${']'.repeat(100)}`,
    page([item('a/x', '1.0.0'), item('a/y', '2.0.0')], 'next'),
  ];
  for (const t of texts) assert.equal(valueDepth(JSON.parse(t)), nestingDepth(t), t.slice(0, 60));
  // Capped: past the limit the walk stops (one level over is enough to refuse).
  assert.equal(valueDepth(JSON.parse(`${'['.repeat(5000)}${']'.repeat(5000)}`)), 101);
});

test('a cursor cycle is named with the cursor, bounded in length', async () => {
  const long = 'c'.repeat(200);
  handler = (_q, res) => res.end(page([item('a/x', '1.0.0')], long));
  const e = await sourceError(fetchRegistryApi(web.url, opts().o));
  assert.equal(e.reason, 'CursorCycle');
  assert.equal(
    e.message,
    `${web.url}/v0.1/servers: cursor "${'c'.repeat(80)}…" repeats after 2 pages; the registry's paging loops`,
  );
});

test('PagedVersions keeps every version by name and version; unnamed entries stay for the pipeline to report', () => {
  const kept = new PagedVersions();
  for (const i of [
    item('r/rollback', '1.0.0'),
    item('r/rollback', '2.0.0', { status: 'deleted', isLatest: true }),
    item('r/gone', '1.0.0', { status: 'deleted', isLatest: true }),
    item('r/multi', '1.10.0'),
    item('r/multi', '1.9.0'),
    { server: { version: '1.0.0' } },
    item('r/multi', '1.10.0', { isLatest: true }),
  ])
    assert.equal(kept.add(i), true);
  assert.deepEqual(
    kept
      .items()
      .map(
        (i) =>
          `${String((i.server as { name?: string }).name)}@${(i.server as { version: string }).version}${JSON.stringify(i._meta ?? {}).includes('isLatest') ? '*' : ''}`,
      ),
    [
      'r/rollback@1.0.0',
      'r/rollback@2.0.0*',
      'r/gone@1.0.0*',
      'r/multi@1.10.0*',
      'r/multi@1.9.0',
      'undefined@1.0.0',
    ],
  );
});
