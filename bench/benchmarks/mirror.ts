/**
 * Incremental mirror resync (SPEC §16, issue #34 item 2), in process: a registry of N servers × 3
 * versions in the official registry's order, 1% of its servers changed, read again as the
 * controller does it (src/controller/sync/mirrors.ts): the changes since the source's latest
 * updatedAt read as pages, then the document rebuilt from the held whole read's page bytes with the
 * changes applied (fetch-pages.ts documentFromMirror, what a sync worker runs) vs the registry read
 * whole; each side then runs the same pipeline and storage layout (asserted byte-identical).
 * Reported: wall time (ours: the incremental resync; baseline: the whole one), the pages each asks
 * the registry for, and how many storage ConfigMaps each would write (a shard is written only when
 * its bytes changed, src/storage/configmaps.ts).
 *
 * Not a controller run: no network, no apiserver. The rebuild still parses the held pages (the
 * operator holds bytes, not objects), so the CPU of a resync is about a whole read's; the saving is
 * in the requests (docs/performance.md, "Incremental mirrors"). 20,000 servers in a full run (issue
 * #34's size), 1,000 with --quick. Not gated: issue #34's gates on the incremental resync read the
 * controller's run in the sync benchmark (bench/lib/resync.ts); this one says where its time goes.
 */
import type { Benchmark } from '../lib/bench.ts';
import { metric } from '../lib/report.ts';
import { changeOnePercent, versionedEntries } from '../lib/catalog.ts';
import { judgeDelta, latestUpdate, type Entry } from '../../src/registry/mirror/incremental.ts';
import { parsePage, apiDocument } from '../../src/sources/registry-page.ts';
import { Body } from '../../src/sources/fetch/fetch-body.ts';
import { documentFromMirror } from '../../src/sources/fetch/fetch-pages.ts';
import { clearPipelineOutcomes, runPipeline } from '../../src/controller/sync/pipeline.ts';
import { layoutPiecesSync, type Layout } from '../../src/storage/layout.ts';
import { storageChunks } from '../../src/registry/index.ts';
import type { SpecV1beta1 } from '../../src/api/types.ts';

const PAGE = 100;

/** The entries as the registry pages them (text), and read back as the source reads pages. */
function pages(entries: Entry[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < entries.length; i += PAGE)
    out.push(JSON.stringify({ servers: entries.slice(i, i + PAGE), metadata: {} }));
  return out.length ? out : ['{"servers":[],"metadata":{}}'];
}
function read(texts: string[]): { entries: Entry[]; bytes: number } {
  const entries: Entry[] = [];
  let bytes = 0;
  texts.forEach((t, i) => {
    bytes += t.length;
    for (const item of parsePage(t, 'bench', i + 1).items) entries.push(item);
  });
  return { entries, bytes };
}

const spec = {
  sources: [{ name: 'up', type: 'registry', registry: { baseURL: 'https://r' } }],
} as SpecV1beta1;
function store(parsed: ReturnType<typeof apiDocument>): Layout {
  clearPipelineOutcomes();
  const r = runPipeline(spec, [{ name: 'up', format: 'upstream', parsed }]);
  return layoutPiecesSync('mirror', storageChunks(r.catalog));
}
/** ConfigMaps a write of `next` over `prev` changes (the index, and every shard whose bytes differ). */
function writes(prev: Layout, next: Layout): number {
  const old = new Map(prev.shards.map((s) => [s.name, s.binaryData.chunk]));
  return 1 + next.shards.filter((s) => old.get(s.name) !== s.binaryData.chunk).length;
}

export const mirror: Benchmark = {
  name: 'mirror',
  subject:
    'incremental resync as the controller runs it (the held page bytes with the updated_since changes applied), 1% of servers changed',
  baseline: 'the same resync read whole',
  async run(ctx) {
    const n = ctx.settings.quick ? 1000 : 20_000;
    const base = versionedEntries(n) as unknown as Entry[];
    const heldTexts = pages(base);
    const held = read(heldTexts);
    const heldPages = heldTexts.map((t) => Body.of(t).markShared());
    const since = latestUpdate(held.entries).latest as string;
    const first = store(apiDocument(held.entries, held.bytes));
    // 1% of servers get a new description on their latest version, dated after everything else.
    const now = [...base];
    const changed = changeOnePercent(now);
    const deltaPages = pages(changed);
    const wholePages = pages(now);
    const timings = { incremental: [] as number[], whole: [] as number[] };
    let incrementalWrites = 0;
    let wholeWrites = 0;
    for (let rep = 0; rep < ctx.settings.reps + 1; rep++) {
      // Interleaved, one of each per repetition; the first is a warm-up.
      let t = performance.now();
      // The event loop's part (parse the changes, judge them), then the worker's (rebuild, pipeline).
      const delta = read(deltaPages);
      const verdict = judgeDelta(delta.entries, since);
      if (!verdict.honoured) throw new Error(`bench registry: ${verdict.reason}`);
      const deltaBodies = deltaPages.map((t) => Body.of(t));
      const a = store(
        documentFromMirror(heldPages, [deltaBodies], {
          latestOnly: false,
          textBytes: held.bytes,
          where: 'bench',
        }),
      );
      const incMs = performance.now() - t;
      t = performance.now();
      const whole = read(wholePages);
      const b = store(apiDocument(whole.entries, whole.bytes));
      const wholeMs = performance.now() - t;
      if (JSON.stringify(a) !== JSON.stringify(b))
        throw new Error('incremental and whole resyncs store different text');
      if (rep === 0) continue;
      timings.incremental.push(incMs);
      timings.whole.push(wholeMs);
      incrementalWrites = writes(first, a);
      wholeWrites = 1 + b.shards.length;
    }
    const median = (xs: number[]) => [...xs].sort((x, y) => x - y)[Math.floor(xs.length / 2)] ?? NaN;
    const scenario = `${n} servers × 3 versions, ${changed.length} changed`;
    ctx.log(
      `${scenario}: incremental ${median(timings.incremental).toFixed(0)} ms, whole ${median(timings.whole).toFixed(0)} ms`,
    );
    return {
      metrics: [
        metric(scenario, 'resync wall', 'ms', median(timings.incremental), median(timings.whole), 'lower'),
        metric(
          scenario,
          'pages asked of the registry',
          'count',
          deltaPages.length,
          wholePages.length,
          'lower',
        ),
        metric(
          scenario,
          'ConfigMaps written',
          'count',
          incrementalWrites,
          wholeWrites,
          'lower',
          'baseline: every ConfigMap of the layout, as before a shard was written only when its bytes changed',
        ),
      ],
      details: { timings, changed: changed.length, entries: base.length, bytes: held.bytes },
    };
  },
};
