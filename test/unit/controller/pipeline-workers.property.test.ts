/**
 * The sync's CPU work on a worker thread (pipeline-workers/) gives exactly what the in-process path
 * gives (SPEC §18; issue #34 item 1): the same hashes, counts, invalid entries, warnings and
 * "filtered out" figures, the same stored bytes (the ConfigMap layout: plain, gzip or shards), and
 * the same errors (a DataError with its source and message, a catalog over the storage limit).
 * Property over catalogs (ToolHive and upstream, as text, as a url source's undecoded bytes cut into
 * segments anywhere (invalid UTF-8 included, kept by a cache or not), as a registry source's parsed
 * pages, with and without the pages' bytes, and as a kubernetes source's workloads, with invalid
 * entries, skipped workloads and unreadable documents) and filters. A body a cache keeps is copied
 * for the worker, not taken: the in-process path reads the very same body after the worker ran.
 * Sources a worker's heap cannot hold: pipeline-workers-heap.test.ts.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import fc from 'fast-check';
import { runPipeline } from '../../../src/controller/sync/pipeline.ts';
import { figuresOf } from '../../../src/controller/sync/sync-work.ts';
import { SyncWorkerPool, workerSyncWork } from '../../../src/controller/pipeline-workers/index.ts';
import { storageChunks } from '../../../src/registry/index.ts';
import { layoutPieces, storageName, type Layout } from '../../../src/storage/layout.ts';
import { contentSha256 } from '../../../src/storage/ownership.ts';
import { apiDocument } from '../../../src/sources/registry-page.ts';
import { Body, ByteSink } from '../../../src/sources/fetch/fetch-body.ts';
import { documentFromPages } from '../../../src/sources/fetch/fetch-pages.ts';
import type { FetchedSource } from '../../../src/sources/types.ts';
import {
  ANNOTATIONS,
  DISCOVERY_KINDS,
  type DiscoveryKind,
  type WorkloadObject,
} from '../../../src/registry/discovery/index.ts';
import type { FilterSpec, SourceV1beta1, SpecV1beta1 } from '../../../src/api/types.ts';
import { registry, serverNames, toolhiveDoc } from './fixtures.ts';

let pool: SyncWorkerPool;
before(() => {
  pool = new SyncWorkerPool({ size: 1, maxQueued: 8, memoryMb: 384 });
});
after(() => pool.close());

type Outcome =
  { error: { name: string; message: string; source?: string } } | { figures: unknown; layout: unknown };

const asError = (e: unknown) => {
  const err = e as Error & { source?: string };
  return { name: err.name, message: err.message, ...(err.source !== undefined && { source: err.source }) };
};

/** The path before the workers: runPipeline, then writeStorage's layoutPieces(storageChunks(catalog)). */
async function inProcess(spec: SpecV1beta1, fetched: FetchedSource[]): Promise<Outcome> {
  let r;
  try {
    r = runPipeline(spec, fetched);
  } catch (e) {
    return { error: asError(e) };
  }
  let layout: unknown;
  try {
    layout = await layoutPieces('demo', storageChunks(r.catalog));
  } catch (e) {
    layout = asError(e);
  }
  return { figures: figuresOf(r), layout };
}

async function onWorker(spec: SpecV1beta1, fetched: FetchedSource[]): Promise<Outcome> {
  let r;
  try {
    r = await workerSyncWork(pool)({ registry: 'demo', spec, fetched });
  } catch (e) {
    return { error: asError(e) };
  }
  let layout: unknown;
  try {
    const { contentSha256: sums, ...laid } = r.content() as Layout;
    // The worker hashed each ConfigMap's content; what it says is the hash of that content.
    assert.deepEqual(sums, {
      [storageName('demo')]: contentSha256(laid.main),
      ...Object.fromEntries(laid.shards.map((x) => [x.name, contentSha256({ binaryData: x.binaryData })])),
    });
    layout = laid;
  } catch (e) {
    if (e instanceof assert.AssertionError) throw e;
    layout = asError(e);
  }
  const { content: _content, ...figures } = r;
  return { figures, layout };
}

const OFFICIAL = 'io.modelcontextprotocol.registry/official';
const NAMES = serverNames(68);
const GLOBS = [
  '*',
  'a*',
  '*-mcp*',
  '*a*a*b',
  'github',
  '*server*',
  '?',
  'io.github.*/*',
  'io.example/s*',
  '[a-f]*',
];
const TAGS = ['api', 'search', 'database', 'ai', 'analytics', 'nope'];

const filter: fc.Arbitrary<FilterSpec | undefined> = fc.option(
  fc.record(
    {
      names: fc.record(
        {
          include: fc.array(fc.constantFrom(...GLOBS), { maxLength: 3 }),
          exclude: fc.array(fc.constantFrom(...GLOBS), { maxLength: 2 }),
        },
        { requiredKeys: [] },
      ),
      tags: fc.record(
        {
          include: fc.array(fc.constantFrom(...TAGS), { maxLength: 2 }),
          exclude: fc.array(fc.constantFrom(...TAGS), { maxLength: 2 }),
        },
        { requiredKeys: [] },
      ),
    },
    { requiredKeys: [] },
  ),
  { nil: undefined },
);

/** Upstream API items: valid servers, an entry missing fields, a deleted one, odd text. */
const upstreamItems = fc.array(
  fc.record({
    n: fc.integer({ min: 0, max: 40 }),
    text: fc.string({ maxLength: 12 }),
    kind: fc.constantFrom('ok', 'ok', 'ok', 'invalid', 'deleted', 'unnamed'),
    latest: fc.boolean(),
  }),
  { maxLength: 12 },
);
const item = (x: { n: number; text: string; kind: string; latest: boolean }) =>
  x.kind === 'unnamed'
    ? { server: { version: '1.0.0', description: x.text } }
    : {
        server: {
          name: `io.example/s${x.n}`,
          version: `1.${x.n}.0`,
          ...(x.kind !== 'invalid' && {
            description: `server ${x.text} "q" ü`,
            packages: [
              {
                registryType: 'oci',
                identifier: `ghcr.io/example/s${x.n}:1.0.0`,
                transport: { type: 'stdio' },
              },
            ],
          }),
        },
        _meta: { [OFFICIAL]: { status: x.kind === 'deleted' ? 'deleted' : 'active', isLatest: x.latest } },
      };

/** A kubernetes source's workloads: exported or not, a required annotation missing, names shared. */
const workloads = fc.array(
  fc.record({
    kind: fc.constantFrom(...DISCOVERY_KINDS.map((k) => k.kind)),
    n: fc.integer({ min: 0, max: 6 }),
    shape: fc.constantFrom('exported', 'exported', 'no-url', 'not-exported', 'tools'),
    text: fc.string({ maxLength: 12 }),
  }),
  { maxLength: 10 },
);
function discovered(list: { kind: DiscoveryKind; n: number; shape: string; text: string }[]) {
  const byKind: Partial<Record<DiscoveryKind, WorkloadObject[]>> = {};
  let chars = 0;
  for (const w of list) {
    const annotations: Record<string, string> = {
      ...(w.shape !== 'not-exported' && { [ANNOTATIONS.export]: 'true' }),
      ...(w.shape !== 'no-url' && { [ANNOTATIONS.url]: `https://w${w.n}.team-a.example/mcp` }),
      [ANNOTATIONS.description]: `workload ${w.text} ü`,
      ...(w.shape === 'tools' && { [ANNOTATIONS.tools]: `["a","${w.text.replace(/["\\]/g, '')}"]` }),
    };
    for (const [k, v] of Object.entries(annotations)) chars += k.length + v.length;
    (byKind[w.kind] ??= []).push({
      metadata: { name: `w${w.n}`, namespace: 'team-a', uid: `uid-${w.kind}-${w.n}`, annotations },
      spec: { image: `ghcr.io/org/w${w.n}:v1.${w.n}.0`, transport: 'stdio' },
    });
  }
  return { workloads: byKind, chars };
}

/** Bytes as a response brings them: chunks cut at the given sizes, a length declared or not. */
function sunk(bytes: Uint8Array, cuts: number[], shared: boolean): Body {
  const sink = new ByteSink(cuts.length % 2 ? bytes.length : undefined);
  let at = 0;
  for (const n of cuts) {
    sink.push(bytes.subarray(at, at + n));
    at = Math.min(bytes.length, at + n);
  }
  sink.push(bytes.subarray(at));
  const body = sink.body();
  return shared ? body.markShared() : body;
}

/** The same bytes again (a worker takes a body's own memory); a shared body is the very same one. */
const bodyAgain = (b: Body) => (b.shared ? b : sunk(Buffer.concat(b.segments), [4096], false));

const cuts = fc.array(fc.integer({ min: 1, max: 3000 }), { maxLength: 6 });

/** One source: its spec entry and what was fetched for it. */
const source = (name: string): fc.Arbitrary<[SourceV1beta1, FetchedSource]> =>
  fc.oneof(
    fc
      .record({ names: fc.subarray(NAMES, { maxLength: 20 }), bad: fc.boolean(), f: filter })
      .map(({ names, bad, f }): [SourceV1beta1, FetchedSource] => {
        const base = JSON.parse(toolhiveDoc(68)) as { servers: Record<string, Record<string, unknown>> };
        const servers = Object.fromEntries(names.map((n) => [n, base.servers[n]]));
        // An entry without its image is invalid: skipped and counted, with its message.
        if (bad)
          servers['broken-entry'] = {
            description: 'no image',
            transport: 'stdio',
            tier: 'Community',
            status: 'Active',
            tools: [],
          };
        const text = JSON.stringify({ version: '1.0.0', last_updated: '2025-10-22T00:00:00Z', servers });
        return [
          {
            name,
            type: 'configmap',
            format: 'toolhive',
            configMapRef: { name: 'cat' },
            ...(f && { filter: f }),
          } as SourceV1beta1,
          { name, format: 'toolhive', text } as FetchedSource,
        ];
      }),
    fc
      .record({ items: upstreamItems, parsed: fc.boolean(), f: filter })
      .map(({ items, parsed, f }): [SourceV1beta1, FetchedSource] => {
        const all = items.map(item);
        const fetched: FetchedSource = parsed
          ? { name, format: 'upstream', parsed: apiDocument(all, JSON.stringify(all).length) }
          : {
              name,
              format: 'upstream',
              text: JSON.stringify({ servers: all, metadata: { count: all.length } }),
            };
        return [
          {
            name,
            type: 'registry',
            format: 'upstream',
            registry: { baseURL: 'https://r.example' },
            ...(f && { filter: f }),
          } as SourceV1beta1,
          fetched,
        ];
      }),
    // A url source's bytes, undecoded: multi-byte characters cut between segments, invalid UTF-8.
    fc
      .record({
        names: fc.subarray(NAMES, { maxLength: 20 }),
        cuts,
        shared: fc.boolean(),
        junk: fc.boolean(),
      })
      .map(({ names, cuts: at, shared, junk }): [SourceV1beta1, FetchedSource] => {
        const base = JSON.parse(toolhiveDoc(68)) as { servers: Record<string, Record<string, unknown>> };
        const servers = Object.fromEntries(
          names.map((n) => [n, { ...base.servers[n], description: `ü€𝄞 ${n} @@` }]),
        );
        const [head, ...rest] = JSON.stringify({ version: '1.0.0', servers }).split('@@');
        const bad = junk ? Buffer.from([0xff, 0xc3, 0x28, 0xe2, 0x82]) : Buffer.from('ok');
        const bytes = Buffer.concat([Buffer.from(head ?? ''), ...rest.flatMap((r) => [bad, Buffer.from(r)])]);
        return [
          {
            name,
            type: 'url',
            format: 'toolhive',
            url: { href: 'https://r.example/r.json' },
          } as SourceV1beta1,
          { name, format: 'toolhive', bytes: sunk(bytes, at, shared) },
        ];
      }),
    // A registry source's document with its pages' bytes: the worker reads the pages again.
    fc
      .record({ items: upstreamItems, perPage: fc.integer({ min: 1, max: 5 }), cuts, shared: fc.boolean() })
      .map(({ items, perPage, cuts: at, shared }): [SourceV1beta1, FetchedSource] => {
        const all = items.map(item);
        const pages: Body[] = [];
        for (let i = 0; i === 0 || i < all.length; i += perPage) {
          const servers = all.slice(i, i + perPage);
          const next = i + perPage < all.length ? { nextCursor: `c${i}` } : {};
          pages.push(
            sunk(
              Buffer.from(JSON.stringify({ servers, metadata: { count: servers.length, ...next } })),
              at,
              shared,
            ),
          );
        }
        const bytes = pages.reduce((n, p) => n + p.length, 0);
        return [
          {
            name,
            type: 'registry',
            format: 'upstream',
            registry: { baseURL: 'https://r.example' },
          } as SourceV1beta1,
          { name, format: 'upstream', parsed: { ...documentFromPages(pages, bytes, 'source'), pages } },
        ];
      }),
    fc
      .record({ list: workloads, f: filter })
      .map(({ list, f }): [SourceV1beta1, FetchedSource] => [
        { name, type: 'kubernetes', ...(f && { filter: f }) } as SourceV1beta1,
        { name, format: 'upstream', discovered: discovered(list) },
      ]),
    // Bytes that are no document: the sync fails with the parser's message, the same either way.
    fc
      .constantFrom('{', '[1,', 'null', '{"servers": 5}', '', '\u0000')
      .map((text): [SourceV1beta1, FetchedSource] => [
        { name, type: 'configmap', format: 'toolhive', configMapRef: { name: 'cat' } } as SourceV1beta1,
        { name, format: 'auto', text },
      ]),
  );

const specAndSources = fc
  .tuple(fc.integer({ min: 1, max: 3 }), filter)
  .chain(([n, f]) =>
    fc.tuple(fc.tuple(...Array.from({ length: n }, (_, i) => source(`s${i}`))), fc.constant(f)),
  );

test('worker and in-process paths agree: figures, stored bytes and errors (property)', async () => {
  await fc.assert(
    fc.asyncProperty(specAndSources, async ([pairs, f]) => {
      const spec = registry({ sources: pairs.map(([s]) => s), ...(f && { filter: f }) }).spec;
      const fetched = pairs.map(([, x]) => x);
      // Each path gets its own objects: nothing may depend on what the other did to them.
      const again = () =>
        pairs.map(([, x]): FetchedSource => {
          if (x.bytes) return { ...x, bytes: bodyAgain(x.bytes) };
          if (x.parsed?.pages) return { ...x, parsed: { ...x.parsed, pages: x.parsed.pages.map(bodyAgain) } };
          return x.parsed
            ? {
                ...x,
                parsed: apiDocument(
                  structuredClone((x.parsed.value as { servers: Record<string, unknown>[] }).servers),
                  x.parsed.textBytes,
                ),
              }
            : x;
        });
      assert.deepEqual(await onWorker(spec, again()), await inProcess(spec, fetched));
    }),
    { numRuns: 120 },
  );
});

test('a catalog stored as gzip shards: the same shards, index and hash from the worker', async () => {
  const base = Object.values(
    (JSON.parse(toolhiveDoc(68)) as { servers: Record<string, Record<string, unknown>> }).servers,
  );
  const servers: Record<string, unknown> = {};
  for (let i = 0; i < 10_000; i++) {
    const e = base[i % base.length] ?? {};
    servers[`server-${i}`] = {
      ...e,
      description: `${String(e.description)} ${randomBytes(64).toString('hex')}`,
    };
  }
  const text = JSON.stringify({ version: '1.0.0', servers });
  const spec = registry().spec;
  const fetched: FetchedSource[] = [{ name: 'main', format: 'toolhive', text }];
  const want = await inProcess(spec, fetched);
  assert.ok(
    'layout' in want && (want.layout as { shards: unknown[] }).shards.length >= 2,
    'the catalog is sharded',
  );
  assert.deepEqual(await onWorker(spec, fetched), want);
});

test('a result equal to what is stored: the same figures, and no storage laid out', async () => {
  const spec = registry().spec;
  const fetched: FetchedSource[] = [{ name: 'main', format: 'toolhive', text: toolhiveDoc(10) }];
  const r = runPipeline(spec, fetched);
  const w = await workerSyncWork(pool)({
    registry: 'demo',
    spec,
    fetched,
    stored: { hash: r.hash, filterHash: r.filterHash },
  });
  const { content, ...figures } = w;
  assert.deepEqual(figures, figuresOf(r));
  assert.throws(content, { message: 'the sync worker laid out no storage for a changed result' });
});

test('the queue is bounded: a job beyond it is refused with SyncWorkersBusy', async () => {
  const p = new SyncWorkerPool({ size: 1, maxQueued: 1, memoryMb: 256 });
  try {
    const spec = registry().spec;
    const job = () =>
      workerSyncWork(p)({
        registry: 'demo',
        spec,
        fetched: [{ name: 'main', format: 'toolhive', text: toolhiveDoc(68) }],
      });
    const running = job();
    const waiting = job();
    await assert.rejects(job(), {
      name: 'SyncWorkerError',
      reason: 'SyncWorkersBusy',
      message: 'all 1 sync workers are busy and 1 syncs wait; retrying later',
    });
    assert.equal((await running).serverCount, 68);
    assert.equal((await waiting).serverCount, 68);
  } finally {
    await p.close();
  }
});
