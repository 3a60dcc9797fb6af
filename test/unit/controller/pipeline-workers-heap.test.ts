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
import { Body } from '../../../src/sources/fetch-body.ts';
import { ANNOTATIONS } from '../../../src/registry/discovery/index.ts';
import { registry, toolhiveDoc } from './fixtures.ts';

const OFFICIAL = 'io.modelcontextprotocol.registry/official';

test('source text the worker heap cannot hold is refused before any worker reads it', async () => {
  const replaced: string[] = [];
  const tight = new SyncWorkerPool({
    size: 1,
    maxQueued: 1,
    memoryMb: 64,
    onReplaced: (why) => replaced.push(why),
  });
  try {
    const text = `{"servers":{},"pad":"${'x'.repeat(14 * 1024 * 1024)}"}`;
    await assert.rejects(
      workerSyncWork(tight)({
        registry: 'demo',
        spec: registry().spec,
        fetched: [{ name: 'main', format: 'toolhive', text }],
      }),
      {
        name: 'SyncWorkerError',
        reason: 'SyncOutOfMemory',
        message:
          'the sources hold 14.0 MiB of text; a sync worker of 64 MiB (--sync-worker-memory) reads at most 12 MiB',
      },
    );
    assert.deepEqual(replaced, []);
  } finally {
    await tight.close();
  }
});

test("a registry source's parsed pages the worker heap cannot hold are refused before any worker reads them", async () => {
  // Weighed as the text they were (textBytes: the bytes received), however few entries were kept: no
  // worker sees them, so none can run out of heap (V8 sometimes aborts the process, nodejs/node#47224).
  const replaced: string[] = [];
  const tight = new SyncWorkerPool({
    size: 1,
    maxQueued: 1,
    memoryMb: 64,
    onReplaced: (why) => replaced.push(why),
  });
  try {
    const kept = [
      {
        server: { name: 'io.example/one', version: '1.0.0', description: 'kept after paging' },
        _meta: { [OFFICIAL]: { status: 'active', isLatest: true } },
      },
    ];
    await assert.rejects(
      workerSyncWork(tight)({
        registry: 'demo',
        spec: registry().spec,
        fetched: [
          { name: 'main', format: 'toolhive', text: toolhiveDoc(3) },
          { name: 'up', format: 'upstream', parsed: apiDocument(kept, 14 * 1024 * 1024) },
        ],
      }),
      {
        name: 'SyncWorkerError',
        reason: 'SyncOutOfMemory',
        stage: 'data',
        message:
          'the sources hold 14.0 MiB of text; a sync worker of 64 MiB (--sync-worker-memory) reads at most 12 MiB',
      },
    );
    assert.deepEqual(replaced, []);
    // The same pages within the bound reach the worker and sync.
    const ok = await workerSyncWork(tight)({
      registry: 'demo',
      spec: registry().spec,
      fetched: [{ name: 'up', format: 'upstream', parsed: apiDocument(kept, 12 * 1024 * 1024) }],
    });
    assert.equal(ok.serverCount, 1);
  } finally {
    await tight.close();
  }
});

test("a url source's bytes the worker heap cannot hold are refused before any worker reads them", async () => {
  // Undecoded bytes weigh as the characters they decode to at most: one per byte.
  const tight = new SyncWorkerPool({ size: 1, maxQueued: 1, memoryMb: 64 });
  try {
    const bytes = Body.of(Buffer.from(`{"servers":{},"pad":"${'x'.repeat(14 * 1024 * 1024)}"}`));
    await assert.rejects(
      workerSyncWork(tight)({
        registry: 'demo',
        spec: registry().spec,
        fetched: [{ name: 'main', format: 'toolhive', bytes }],
      }),
      {
        name: 'SyncWorkerError',
        reason: 'SyncOutOfMemory',
        message:
          'the sources hold 14.0 MiB of text; a sync worker of 64 MiB (--sync-worker-memory) reads at most 12 MiB',
      },
    );
  } finally {
    await tight.close();
  }
});

test("a kubernetes source's workloads the worker heap cannot hold are refused before any worker reads them", async () => {
  const tight = new SyncWorkerPool({ size: 1, maxQueued: 1, memoryMb: 64 });
  try {
    const annotations = { [ANNOTATIONS.toolDefinitions]: 'x'.repeat(14 * 1024 * 1024) };
    const chars = Object.entries(annotations).reduce((n, [k, v]) => n + k.length + v.length, 0);
    const workloads = { MCPServer: [{ metadata: { name: 'w', namespace: 'team-a', annotations } }] };
    await assert.rejects(
      workerSyncWork(tight)({
        registry: 'demo',
        spec: { sources: [{ name: 'running', type: 'kubernetes' }] },
        fetched: [{ name: 'running', format: 'upstream', discovered: { workloads, chars } }],
      }),
      {
        name: 'SyncWorkerError',
        reason: 'SyncOutOfMemory',
        message:
          'the sources hold 14.0 MiB of text; a sync worker of 64 MiB (--sync-worker-memory) reads at most 12 MiB',
      },
    );
  } finally {
    await tight.close();
  }
});

test('text made to expand is refused by its shape in the worker, before it is parsed: as text, bytes or pages', async () => {
  // 0.86 MiB of `{}` entries passes the length check (12.8 MiB for 64 MiB) but ran such a worker out
  // of heap (docs/security.md, "Known gap"): the worker weighs its shape first and refuses it.
  const replaced: string[] = [];
  const tight = new SyncWorkerPool({
    size: 1,
    maxQueued: 1,
    memoryMb: 64,
    onReplaced: (why) => replaced.push(why),
  });
  try {
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
      await assert.rejects(workerSyncWork(tight)({ registry: 'demo', spec, fetched: [fetched] }), refusal);
    assert.deepEqual(replaced, []);
    // A catalog of more characters is read.
    const entries = Object.values(
      (JSON.parse(toolhiveDoc(68)) as { servers: Record<string, unknown> }).servers,
    );
    const servers = Object.fromEntries(
      Array.from({ length: 1000 }, (_, i) => [`server-${i}`, entries[i % entries.length]]),
    );
    const catalog = JSON.stringify({ version: '1.0.0', servers });
    assert.ok(catalog.length > text.length);
    const ok = await workerSyncWork(tight)({
      registry: 'demo',
      spec,
      fetched: [{ name: 'main', format: 'toolhive', bytes: Body.of(catalog) }],
    });
    assert.equal(ok.serverCount, 1000);
  } finally {
    await tight.close();
  }
});
