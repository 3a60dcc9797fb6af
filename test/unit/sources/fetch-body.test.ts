/**
 * Fetched bodies kept as received (src/sources/fetch/fetch-body.ts, SPEC §18): the segments read exactly
 * as the joined bytes decoded by Buffer#toString (a character split between segments, invalid UTF-8,
 * a BOM), a body handed to a worker either gives its own memory up (a later read says so instead of
 * seeing nothing) or, when something else keeps it, is copied; and a registry source's document is
 * built again from its pages' bytes exactly as the source built it (fetch-pages.ts).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { Body, ByteSink } from '../../../src/sources/fetch/fetch-body.ts';
import { documentFromPages } from '../../../src/sources/fetch/fetch-pages.ts';
import { fetchRegistryApi, DEFAULT_REGISTRY_API_OPTIONS } from '../../../src/sources/registry-api.ts';
import { fetchUrlBody, DEFAULT_URL_OPTIONS } from '../../../src/sources/url.ts';
import type { ParsedDocument } from '../../../src/sources/types.ts';
import { allowLoopbackSources } from '../../support/destinations.ts';
import { loopbackHttp } from '../../support/loopback-http.ts';

allowLoopbackSources();

/** Bytes fed to a sink in chunks of the given sizes (the last chunk takes the rest). */
function sunk(bytes: Uint8Array, cuts: number[], declared?: number): Body {
  const sink = new ByteSink(declared);
  let at = 0;
  for (const n of cuts) {
    sink.push(bytes.subarray(at, at + n));
    at = Math.min(bytes.length, at + n);
  }
  sink.push(bytes.subarray(at));
  return sink.body();
}

const utf8ish = fc.oneof(
  fc.string({ unit: 'binary', maxLength: 400 }).map((s) => Buffer.from(s)),
  // Anything, invalid UTF-8 included (a lone continuation byte, a truncated sequence).
  fc.uint8Array({ maxLength: 400 }).map((a) => Buffer.from(a)),
  fc.constant(Buffer.from([0xef, 0xbb, 0xbf, 0x7b, 0x7d])),
);

test('segments read as the joined bytes decoded, wherever the chunks cut (property)', () => {
  fc.assert(
    fc.property(
      utf8ish,
      fc.array(fc.integer({ min: 0, max: 300 }), { maxLength: 8 }),
      fc.boolean(),
      (bytes, cuts, declare) => {
        const body = sunk(bytes, cuts, declare ? bytes.length : undefined);
        assert.equal(body.length, bytes.length);
        assert.equal(body.toString(), bytes.toString('utf8'));
        assert.deepEqual(Buffer.concat(body.segments), bytes);
      },
    ),
    { numRuns: 400 },
  );
});

test('a body grows in segments of its own when no length was declared, one when it was', () => {
  const bytes = Buffer.alloc(300 * 1024, 'é');
  const grown = sunk(
    bytes,
    Array.from({ length: 20 }, () => 16 * 1024),
  );
  assert.ok(grown.segments.length > 1);
  assert.equal(grown.toString(), bytes.toString('utf8'));
  assert.equal(sunk(bytes, [1000, 5000], bytes.length).segments.length, 1);
});

test('handed to a worker: its own memory is given up, and a later read says so', async () => {
  const body = sunk(Buffer.from('{"servers":{}}'), [3]);
  const { segments, transfer } = await body.forWorker();
  assert.equal(Buffer.concat(segments).toString(), '{"servers":{}}');
  assert.deepEqual(
    transfer,
    segments.map((s) => s.buffer),
  );
  assert.throws(() => body.toString(), {
    message: 'this body was handed to a sync worker and is no longer here',
  });
});

test('handed to a worker while kept elsewhere (a cache, a remembered fetch): a copy goes', async () => {
  const text = `{"pad":"${'ü'.repeat(1024 * 1024)}"}`;
  const body = sunk(Buffer.from(text), [70_000]).markShared();
  const { segments, transfer } = await body.forWorker();
  assert.equal(segments.length, 1);
  assert.equal(Buffer.from(segments[0]!).toString(), text);
  assert.ok(!body.segments.some((s) => transfer.includes(s.buffer as ArrayBuffer)));
  // Transferring the copy leaves the body whole.
  structuredClone(segments, { transfer });
  assert.equal(body.toString(), text);
  // Memory others may hold (Node's pool of small Buffers) is never transferred either.
  const pooled = Body.of('{}');
  const w = await pooled.forWorker();
  assert.notEqual(w.transfer[0], pooled.segments[0]!.buffer);
});

const OFFICIAL = 'io.modelcontextprotocol.registry/official';
const item = (name: string, version: string, status = 'active') => ({
  server: { name, version, description: `${name} ü` },
  _meta: { [OFFICIAL]: { status, isLatest: false } },
});
const PAGES = [
  [item('io.example/a', '1.0.0'), item('io.example/b', '2.0.0'), item('io.example/a', '1.1.0')],
  [item('io.example/b', '2.0.0', 'deleted'), { server: { version: '1' } }, item('io.example/c', '0.1.0')],
  [item('io.example/a', '0.9.0'), item('io.example/d', '1.0.0')],
];
const web = loopbackHttp((req, res) => {
  const n = Number(new URL(req.url ?? '', 'http://x').searchParams.get('cursor') ?? '0');
  const servers = PAGES[n] ?? [];
  const next = n + 1 < PAGES.length ? { nextCursor: String(n + 1) } : {};
  res.end(JSON.stringify({ servers, metadata: { count: servers.length, ...next } }));
});

const textOf = (d: ParsedDocument) => [...d.chunks()].join('');

test("a registry source's document, built again from its pages' bytes, is the same document", async () => {
  const doc = await fetchRegistryApi(web.url, { ...DEFAULT_REGISTRY_API_OPTIONS, timeoutMs: 2000 });
  assert.equal(doc.pages?.length, PAGES.length);
  assert.equal(
    doc.textBytes,
    doc.pages?.reduce((n, p) => n + p.length, 0),
  );
  const again = documentFromPages(doc.pages ?? [], doc.textBytes, 'source up');
  assert.deepEqual(again.value, doc.value);
  assert.equal(textOf(again), textOf(doc));
  assert.equal(again.textBytes, doc.textBytes);
});

test('a url source hands over the bytes it received, undecoded', async () => {
  const body = await fetchUrlBody(`${web.url}/r.json?cursor=1`, {
    ...DEFAULT_URL_OPTIONS,
    timeoutMs: 2000,
  });
  assert.ok(body instanceof Body);
  assert.deepEqual(JSON.parse(body.toString()).servers, PAGES[1]);
});
