/**
 * Incremental resync against the official MCP registry server (built from its Go module, on
 * PostgreSQL 15; test/support/upstream-registry.ts), SPEC §16: after random sequences of publish
 * (new servers, new versions that move `isLatest`), deprecate, delete and reactivate, the last read
 * with the changes since the source's own latest updatedAt (updated_since) applied lists exactly what
 * a whole read lists, and the pipeline stores the same text from either; every version and
 * latest-only alike. A registry that ignores updated_since (a loopback server of ours, standing for
 * a third-party registry) is detected, with the reason the status gives.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { serverJson, startUpstreamRegistry, type UpstreamRegistry } from '../../support/upstream-registry.ts';
import { change, random, type Published } from './changes.ts';
import { fetchRegistryApi, DEFAULT_REGISTRY_API_OPTIONS } from '../../../src/sources/registry-api.ts';
import {
  applyChanges,
  judgeDelta,
  latestUpdate,
  type Entry,
} from '../../../src/registry/mirror/incremental.ts';
import { runPipeline } from '../../../src/controller/sync/pipeline.ts';
import { apiDocument } from '../../../src/sources/registry-page.ts';
import { serializeForStorage } from '../../../src/registry/index.ts';
import type { SpecV1beta1 } from '../../../src/api/types.ts';
import { allowLoopbackSources } from '../../support/destinations.ts';

// The official server and ours listen on loopback over http, which the built-in policy refuses.
allowLoopbackSources();

const SEED = Number(process.env.MCPR_INCREMENTAL_SEED ?? 34_2);

let upstream: UpstreamRegistry;

before(async () => {
  upstream = await startUpstreamRegistry({
    seed: Array.from({ length: 30 }, (_, i) => serverJson(`io.example.inc/seed-${i}`, '1.0.0')),
  });
});
after(async () => {
  await upstream?.stop();
});

async function read(latestOnly: boolean, updatedSince?: string): Promise<Entry[]> {
  const doc = await fetchRegistryApi(upstream.baseURL, {
    ...DEFAULT_REGISTRY_API_OPTIONS,
    pageLimit: 7,
    source: { type: 'registry' },
    ...(latestOnly && { latestOnly }),
    ...(updatedSince !== undefined && { updatedSince }),
  });
  return (doc.value as { servers: Entry[] }).servers;
}

/** What the pipeline stores for these entries as the source's document. */
function stored(entries: Entry[], latestOnly: boolean): string {
  const spec: SpecV1beta1 = {
    sources: [
      {
        name: 'up',
        type: 'registry',
        registry: { baseURL: upstream.baseURL, ...(latestOnly && { maxVersionsPerServer: 1 }) },
      },
    ],
  } as SpecV1beta1;
  const r = runPipeline(spec, [{ name: 'up', format: 'upstream', parsed: apiDocument(entries, 0) }]);
  return serializeForStorage(r.catalog);
}

/** One entry in a line: name@version, its status and whether it is the latest. */
const brief = (e: Entry) => {
  const s = e.server as { name: string; version: string };
  const o = (e._meta as Record<string, Record<string, unknown>>)['io.modelcontextprotocol.registry/official'];
  return `${s.name}@${s.version} ${String(o?.status)}${o?.isLatest ? ' latest' : ''}`;
};

const published: Published = new Map();

for (const latestOnly of [false, true]) {
  test(`incremental and whole reads store the same after random changes (${latestOnly ? 'latest only' : 'every version'})`, async () => {
    const next = random(SEED + (latestOnly ? 1 : 0));
    let held = await read(latestOnly);
    let since = latestUpdate(held).latest;
    assert.ok(since, 'the official registry dates every entry');
    for (let round = 1; round <= 6; round++) {
      const done: string[] = [];
      for (let i = 0, n = 1 + Math.floor(next() * 5); i < n; i++)
        done.push(await change(upstream, published, next));
      const what = `seed ${SEED}, round ${round}: ${done.join('; ')}`;
      const delta = await read(latestOnly, since);
      assert.deepEqual(judgeDelta(delta, since as string), { honoured: true }, what);
      const applied = applyChanges(held, delta, latestOnly);
      assert.ok('entries' in applied, `${what}: ${JSON.stringify(applied)}`);
      const whole = await read(latestOnly);
      assert.deepEqual(applied.entries.map(brief), whole.map(brief), what);
      assert.deepEqual(applied.entries, whole, what);
      assert.equal(stored(applied.entries, latestOnly), stored(whole, latestOnly), what);
      assert.ok(
        delta.length < whole.length,
        `${what}: the changes only (${delta.length} of ${whole.length})`,
      );
      held = applied.entries;
      since = latestUpdate(delta, since).latest;
    }
  });
}

test('a registry that ignores updated_since is found out, with the reason the status gives', async () => {
  const items = [
    {
      server: serverJson('io.example.third/a', '1.0.0'),
      _meta: { 'io.modelcontextprotocol.registry/official': { updatedAt: '2026-01-01T00:00:00Z' } },
    },
    {
      server: serverJson('io.example.third/b', '1.0.0'),
      _meta: { 'io.modelcontextprotocol.registry/official': { updatedAt: '2026-02-01T00:00:00.5Z' } },
    },
  ];
  const queries: string[] = [];
  const server: Server = createServer((req, res) => {
    queries.push(req.url ?? '');
    res.setHeader('content-type', 'application/json');
    res.end(JSON.stringify({ servers: items, metadata: { count: items.length } }));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  try {
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const opts = { ...DEFAULT_REGISTRY_API_OPTIONS, source: { type: 'registry' as const } };
    const whole = (await fetchRegistryApi(base, opts)).value as { servers: Entry[] };
    const since = latestUpdate(whole.servers).latest as string;
    assert.equal(since, '2026-02-01T00:00:00.5Z');
    const delta = (await fetchRegistryApi(base, { ...opts, updatedSince: since })).value as {
      servers: Entry[];
    };
    assert.match(queries[1] ?? '', /updated_since=2026-02-01T00%3A00%3A00\.5Z/);
    assert.deepEqual(judgeDelta(delta.servers, since), {
      honoured: false,
      reason:
        'the registry ignores updated_since: asked for entries updated after 2026-02-01T00:00:00.5Z, it listed 2 updated at or before it',
    });
  } finally {
    server.close();
  }
});
