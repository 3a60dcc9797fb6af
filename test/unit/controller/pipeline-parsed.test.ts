/**
 * A source handed over already parsed (the registry API source: pages parsed as they arrive, never one
 * document string) must give the pipeline exactly what the same document as text gives: the same
 * sources hash (so a no-op resync still writes nothing), catalog, invalid entries with their messages,
 * warnings and errors, and the same parse-once cache entry.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  clearPipelineOutcomes,
  runPipeline,
  sourcesHash,
  type DataError,
} from '../../../src/controller/sync/pipeline.ts';
import { apiDocument, PagedVersions } from '../../../src/sources/registry-page.ts';
import { preReadUpstreamItem } from '../../../src/registry/pre-read.ts';
import { documents } from '../../../src/registry/read.ts';
import { serializeForStorage } from '../../../src/registry/index.ts';
import type { FetchedSource } from '../../../src/sources/types.ts';
import { registry } from './fixtures.ts';

const spec = registry({
  sources: [{ name: 'up', type: 'registry', format: 'upstream', registry: { baseURL: 'https://r.example' } }],
}).spec;

const OFFICIAL = 'io.modelcontextprotocol.registry/official';
function items(n: number): Record<string, unknown>[] {
  const out: Record<string, unknown>[] = Array.from({ length: n }, (_, i) => ({
    server: {
      name: `io.example/server-${i}`,
      version: `1.${i}.0`,
      description: `server ${i}, "quoted" and ünïcode`,
      packages: [
        { registryType: 'oci', identifier: `ghcr.io/example/s${i}:1.0.0`, transport: { type: 'stdio' } },
      ],
    },
    _meta: { [OFFICIAL]: { status: 'active', isLatest: true, updatedAt: '2026-01-01T00:00:00Z' } },
  }));
  // Invalid entries are counted, with the same entry names and reasons either way.
  out.push({ server: { name: 'io.example/bad', version: '1.0.0' } });
  out.push({ server: { version: '1.0.0', description: 'no name' } });
  return out;
}

/** The same content both ways; fresh objects each time (a parse must not depend on shared ones). */
const asText = (n: number): FetchedSource => ({
  name: 'up',
  format: 'upstream',
  text: JSON.stringify({ servers: items(n), metadata: { count: n + 2 } }),
});
const asParsed = (n: number): FetchedSource => ({
  name: 'up',
  format: 'upstream',
  parsed: apiDocument(items(n), 0),
});
/** The same, as the registry source hands it over: reduced as paged, each kept item pre-read. */
function asPaged(n: number): FetchedSource {
  const latest = new PagedVersions();
  for (const item of items(n)) if (latest.add(item)) preReadUpstreamItem(item);
  return { name: 'up', format: 'upstream', parsed: apiDocument(latest.items(), 0) };
}

test('a parsed source: same hash, catalog, invalid entries and stored text as the same document as text', () => {
  for (const n of [0, 3, 40]) {
    documents.clear();
    clearPipelineOutcomes();
    const t = runPipeline(spec, [asText(n)]);
    documents.clear();
    clearPipelineOutcomes();
    const p = runPipeline(spec, [asParsed(n)]);
    assert.equal(p.hash, t.hash);
    assert.equal(p.hash, sourcesHash([asParsed(n)]));
    assert.equal(sourcesHash([asParsed(n)]), sourcesHash([asText(n)]));
    assert.equal(sourcesHash([asPaged(n)]), t.hash);
    assert.deepEqual(p.catalog, t.catalog);
    assert.equal(serializeForStorage(p.catalog), serializeForStorage(t.catalog));
    assert.deepEqual(p.invalid, t.invalid);
    assert.equal(p.invalid.length, 2);
    assert.equal(p.serverCount, n);
    assert.deepEqual(p.warnings, t.warnings);
    documents.clear();
    clearPipelineOutcomes();
    const g = runPipeline(spec, [asPaged(n)]);
    assert.equal(g.hash, t.hash);
    assert.deepEqual(g.catalog, t.catalog);
    assert.equal(serializeForStorage(g.catalog), serializeForStorage(t.catalog));
    assert.deepEqual(g.invalid, t.invalid);
    assert.deepEqual(g.warnings, t.warnings);
  }
});

test('a parsed source shares the parse-once cache entry of the same text, and only when small enough', () => {
  documents.clear();
  clearPipelineOutcomes();
  runPipeline(spec, [asText(5)]);
  const before = documents.stats();
  clearPipelineOutcomes();
  runPipeline(spec, [asParsed(5)]);
  assert.equal(documents.stats().hits, before.hits + 1);
  assert.equal(documents.stats().entries, 1);
  // Over 1 MiB of text (~3,000 servers here): parsed each time, never kept.
  documents.clear();
  const { hits, misses } = documents.stats();
  clearPipelineOutcomes();
  const large = runPipeline(spec, [asParsed(3000)]);
  clearPipelineOutcomes();
  runPipeline(spec, [asPaged(3000)]);
  assert.deepEqual(documents.stats(), { entries: 0, hits, misses: misses + 2 });
  // Its document key is not computed past the cache's size, but the sources hash covers all of it.
  assert.equal(large.hash, sourcesHash([asText(3000)]));
});

test('a parsed source whose format does not match says so exactly as for text', () => {
  const wrong = (f: FetchedSource): FetchedSource => ({ ...f, format: 'toolhive' }) as FetchedSource;
  const message = (f: FetchedSource) => {
    try {
      runPipeline(spec, [f]);
    } catch (e) {
      return (e as DataError).message;
    }
    assert.fail('expected a DataError');
  };
  const m = message(wrong(asParsed(1)));
  assert.equal(m, message(wrong(asText(1))));
  assert.equal(
    m,
    'source up: the document is a upstream API page (upstream format), but the format is set to toolhive: set format: upstream',
  );
});

test('a resync of unchanged input reuses the last figures and reads the catalog only when asked', () => {
  clearPipelineOutcomes();
  const first = runPipeline(spec, [asParsed(3000)]); // over 1 MiB: the parse cache does not keep it
  const { misses } = documents.stats();
  const again = runPipeline(spec, [asParsed(3000)]);
  assert.equal(documents.stats().misses, misses, 'not read again for its figures');
  assert.equal(again.hash, first.hash);
  assert.equal(again.serverCount, 3000);
  assert.deepEqual(again.invalid, first.invalid);
  assert.equal(again.invalid.length, 2);
  // Storage missing or drifted: the catalog is still there, read on demand, the same as before.
  assert.deepEqual(again.catalog, first.catalog);
  assert.equal(documents.stats().misses, misses + 1);
  // Another filter or format is another input: read again, with its own figures.
  const filtered = registry({
    sources: [{ ...spec.sources[0]!, filter: { names: { include: ['io.example/server-1*'] } } }],
  }).spec;
  const f = runPipeline(filtered, [asParsed(3000)]);
  assert.equal(documents.stats().misses, misses + 2);
  assert.ok(f.serverCount > 0 && f.serverCount < 3000);
  assert.throws(() => runPipeline(spec, [{ ...asParsed(3000), format: 'toolhive' } as FetchedSource]));
});
