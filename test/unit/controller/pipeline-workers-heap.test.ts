/**
 * Nothing reaches a sync worker that its heap cannot hold by the pool's measure (HEAP_PER_TEXT per
 * character of text; pipeline-workers/index.ts checkFits): V8 sometimes aborts the whole process,
 * not only the worker, on a worker's heap exhaustion (nodejs/node#47224; docs/security.md, "Known
 * gap"), so every shape a source can take is weighed before the post: text by its length, a url
 * source's undecoded bytes by their count, a registry source's parsed pages by the bytes received,
 * a kubernetes source's workloads by their annotations' characters. Each is refused with the same
 * message, no worker replaced.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { SyncWorkerPool, workerSyncWork } from '../../../src/controller/pipeline-workers/index.ts';
import { apiDocument } from '../../../src/sources/registry-page.ts';
import { Body } from '../../../src/sources/fetch/fetch-body.ts';
import { ANNOTATIONS } from '../../../src/registry/discovery/index.ts';
import { registry, toolhiveDoc } from './fixtures.ts';

const OFFICIAL = 'io.modelcontextprotocol.registry/official';

/** What every source over a 64 MiB worker's text bound is refused with. */
const OVER_TEXT_BOUND = {
  name: 'SyncWorkerError',
  reason: 'SyncOutOfMemory',
  message:
    'the sources hold 14.0 MiB of text; a sync worker of 64 MiB (--sync-worker-memory) reads at most 12 MiB',
};

/**
 * Runs `body` with the sync work of a one-worker pool of 64 MiB, then checks that no worker was
 * replaced (a refusal happens before any worker reads) and closes the pool.
 */
async function withTightPool(
  body: (work: ReturnType<typeof workerSyncWork>) => Promise<void>,
): Promise<void> {
  const replaced: string[] = [];
  const pool = new SyncWorkerPool({
    size: 1,
    maxQueued: 1,
    memoryMb: 64,
    onReplaced: (why) => replaced.push(why),
  });
  try {
    await body(workerSyncWork(pool));
    assert.deepEqual(replaced, []);
  } finally {
    await pool.close();
  }
}

test('source text the worker heap cannot hold is refused before any worker reads it', async () => {
  await withTightPool(async (work) => {
    const text = `{"servers":{},"pad":"${'x'.repeat(14 * 1024 * 1024)}"}`;
    await assert.rejects(
      work({
        registry: 'demo',
        spec: registry().spec,
        fetched: [{ name: 'main', format: 'toolhive', text }],
      }),
      OVER_TEXT_BOUND,
    );
  });
});

test("a registry source's parsed pages the worker heap cannot hold are refused before any worker reads them", async () => {
  // Weighed as the text they were (textBytes: the bytes received), however few entries were kept: no
  // worker sees them, so none can run out of heap (V8 sometimes aborts the process, nodejs/node#47224).
  await withTightPool(async (work) => {
    const kept = [
      {
        server: { name: 'io.example/one', version: '1.0.0', description: 'kept after paging' },
        _meta: { [OFFICIAL]: { status: 'active', isLatest: true } },
      },
    ];
    await assert.rejects(
      work({
        registry: 'demo',
        spec: registry().spec,
        fetched: [
          { name: 'main', format: 'toolhive', text: toolhiveDoc(3) },
          { name: 'up', format: 'upstream', parsed: apiDocument(kept, 14 * 1024 * 1024) },
        ],
      }),
      { ...OVER_TEXT_BOUND, stage: 'data' },
    );
    // The same pages within the bound reach the worker and sync.
    const ok = await work({
      registry: 'demo',
      spec: registry().spec,
      fetched: [{ name: 'up', format: 'upstream', parsed: apiDocument(kept, 12 * 1024 * 1024) }],
    });
    assert.equal(ok.serverCount, 1);
  });
});

test("a url source's bytes the worker heap cannot hold are refused before any worker reads them", async () => {
  // Undecoded bytes weigh as the characters they decode to at most: one per byte.
  await withTightPool(async (work) => {
    const bytes = Body.of(Buffer.from(`{"servers":{},"pad":"${'x'.repeat(14 * 1024 * 1024)}"}`));
    await assert.rejects(
      work({
        registry: 'demo',
        spec: registry().spec,
        fetched: [{ name: 'main', format: 'toolhive', bytes }],
      }),
      OVER_TEXT_BOUND,
    );
  });
});

test("a kubernetes source's workloads the worker heap cannot hold are refused before any worker reads them", async () => {
  await withTightPool(async (work) => {
    const annotations = { [ANNOTATIONS.toolDefinitions]: 'x'.repeat(14 * 1024 * 1024) };
    const chars = Object.entries(annotations).reduce((n, [k, v]) => n + k.length + v.length, 0);
    const workloads = { MCPServer: [{ metadata: { name: 'w', namespace: 'team-a', annotations } }] };
    await assert.rejects(
      work({
        registry: 'demo',
        spec: { sources: [{ name: 'running', type: 'kubernetes' }] },
        fetched: [{ name: 'running', format: 'upstream', discovered: { workloads, chars } }],
      }),
      OVER_TEXT_BOUND,
    );
  });
});

test('text made to expand is refused by its shape in the worker, before it is parsed: as text, bytes or pages', async () => {
  // 0.86 MiB of `{}` entries passes the length check (12.8 MiB for 64 MiB) but ran such a worker out
  // of heap (docs/security.md, "Known gap"): the worker weighs its shape first and refuses it.
  await withTightPool(async (work) => {
    const n = 300_000;
    const text = `{"servers":[${Array(n).fill('{}').join(',')}],"metadata":{"count":${n}}}`;
    const spec = registry().spec;
    const refusal = {
      name: 'SyncWorkerError',
      reason: 'SyncOutOfMemory',
      stage: 'data',
      message:
        'the sources would take about 166 MiB of heap to read (300001 entries, 300003 objects and lists, 3 properties in 0.9 MiB of text); a sync worker of 64 MiB (--sync-worker-memory) cannot hold them',
    };
    for (const fetched of [
      { name: 'main', format: 'upstream', text },
      { name: 'main', format: 'upstream', bytes: Body.of(text) },
      {
        name: 'main',
        format: 'upstream',
        parsed: { ...apiDocument([], text.length), pages: [Body.of(text)] },
      },
    ] as const)
      await assert.rejects(work({ registry: 'demo', spec, fetched: [fetched] }), refusal);
    // A catalog of more characters is read.
    const entries = Object.values(
      (JSON.parse(toolhiveDoc(68)) as { servers: Record<string, unknown> }).servers,
    );
    const servers = Object.fromEntries(
      Array.from({ length: 1000 }, (_, i) => [`server-${i}`, entries[i % entries.length]]),
    );
    const catalog = JSON.stringify({ version: '1.0.0', servers });
    assert.ok(catalog.length > text.length);
    const ok = await work({
      registry: 'demo',
      spec,
      fetched: [{ name: 'main', format: 'toolhive', bytes: Body.of(catalog) }],
    });
    assert.equal(ok.serverCount, 1000);
  });
});
