/**
 * A registry source's versions bounded per server (spec.sources[].registry.maxVersionsPerServer,
 * SPEC §14): what the pipeline keeps and the exact words the status carries when the bound bites.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  clearPipelineOutcomes,
  runPipeline,
  specFilterHash,
  versionsTrimmedMessage,
} from '../../../src/controller/sync/pipeline.ts';
import { filterHash } from '../../../src/registry/index.ts';
import { statusAfterSuccess, type SuccessOutcome } from '../../../src/controller/sync/status.ts';
import type { FetchedSource } from '../../../src/sources/types.ts';
import { registry } from './fixtures.ts';

const OFFICIAL = 'io.modelcontextprotocol.registry/official';
const item = (name: string, version: string, day: number, isLatest = false) => ({
  server: {
    name,
    description: name,
    version,
    packages: [{ registryType: 'oci', identifier: `ghcr.io/x/y:${version}`, transport: { type: 'stdio' } }],
  },
  _meta: {
    [OFFICIAL]: {
      status: 'active',
      isLatest,
      publishedAt: `2026-01-${String(day).padStart(2, '0')}T00:00:00Z`,
    },
  },
});
/** io.ex/many: 5 versions; io.ex/few: 2; io.ex/one: 1. */
const fetched: FetchedSource = {
  name: 'up',
  format: 'upstream',
  text: JSON.stringify({
    servers: [
      ...[1, 2, 3, 4].map((d) => item('io.ex/many', `1.${d}.0`, d)),
      item('io.ex/many', '2.0.0', 9, true),
      item('io.ex/few', '0.1.0', 1),
      item('io.ex/few', '0.2.0', 2, true),
      item('io.ex/one', '1.0.0', 1, true),
    ],
  }),
};
const spec = (maxVersionsPerServer?: number) =>
  registry({
    sources: [
      {
        name: 'up',
        type: 'registry',
        format: 'upstream',
        registry: { baseURL: 'https://r.example', ...(maxVersionsPerServer && { maxVersionsPerServer }) },
      },
    ],
  }).spec;
const kept = (max?: number) => {
  clearPipelineOutcomes();
  const r = runPipeline(spec(max), [fetched]);
  return {
    r,
    versions: Object.fromEntries(
      r.catalog.servers.map((s) => [
        s.name,
        [s.version, ...(s.versions ?? []).map((v) => v.upstream.version)],
      ]),
    ),
  };
};

test('the default bound (100) keeps every version and says nothing', () => {
  const { r, versions } = kept();
  assert.deepEqual(versions, {
    'io.ex/few': ['0.2.0', '0.1.0'],
    'io.ex/many': ['2.0.0', '1.1.0', '1.2.0', '1.3.0', '1.4.0'],
    'io.ex/one': ['1.0.0'],
  });
  assert.equal(r.versionsTrimmed, undefined);
});

test('maxVersionsPerServer 3: the latest and the two most recently published others, and the status says so', () => {
  const { r, versions } = kept(3);
  assert.deepEqual(versions, {
    'io.ex/few': ['0.2.0', '0.1.0'],
    'io.ex/many': ['2.0.0', '1.3.0', '1.4.0'],
    'io.ex/one': ['1.0.0'],
  });
  assert.equal(r.serverCount, 3);
  assert.deepEqual(r.versionsTrimmed, [{ source: 'up', max: 3, servers: 1, versions: 2 }]);
  const words = versionsTrimmedMessage(r.versionsTrimmed!);
  assert.equal(
    words,
    'source up: 1 server has more than 3 versions; 2 older versions left out (maxVersionsPerServer: 3)',
  );
  const outcome: SuccessOutcome = {
    kind: 'success',
    hash: r.hash,
    filterHash: r.filterHash,
    serverCount: r.serverCount,
    invalidCount: 0,
    conflicts: 0,
    storage: { configMaps: ['demo-registry-storage'], bytes: 1, compressed: false },
    stored: true,
    sourceNames: ['up'],
    versionsTrimmed: words,
  };
  const s = statusAfterSuccess(undefined, outcome, {
    generation: 1,
    now: '2026-01-01T00:00:00Z',
    api: {
      readyReplicas: 1,
      condition: { type: 'APIReady', status: 'True', reason: 'Ready', message: 'ok' },
    },
  });
  assert.equal(s.message, `3 servers from source up; ${words}`);
  const cond = (t: string) => s.conditions?.find((c) => c.type === t);
  assert.equal(cond('Ready')?.message, `3 servers from source up; ${words}`);
  assert.equal(cond('DataValid')?.message, `all entries valid; ${words}`);
  assert.equal(cond('DataValid')?.reason, 'Valid');
});

test('maxVersionsPerServer 1: only the catalogued version, every other counted', () => {
  const { r, versions } = kept(1);
  assert.deepEqual(versions, { 'io.ex/few': ['0.2.0'], 'io.ex/many': ['2.0.0'], 'io.ex/one': ['1.0.0'] });
  assert.equal(
    versionsTrimmedMessage(r.versionsTrimmed!),
    'source up: 2 servers have more than 1 version; 5 older versions left out (maxVersionsPerServer: 1)',
  );
});

test('the bound is part of the filter hash: a new bound syncs anew, no bound hashes as before', () => {
  const before = filterHash(undefined, undefined);
  assert.equal(specFilterHash(spec()), before);
  assert.notEqual(specFilterHash(spec(3)), before);
  assert.notEqual(specFilterHash(spec(3)), specFilterHash(spec(4)));
  // So the same sources read under another bound are not taken for the last read's figures.
  clearPipelineOutcomes();
  assert.equal(runPipeline(spec(), [fetched]).versionsTrimmed, undefined);
  assert.equal(runPipeline(spec(2), [fetched]).versionsTrimmed?.[0]?.versions, 3);
});
