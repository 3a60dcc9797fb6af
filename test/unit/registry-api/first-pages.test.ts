import { test } from 'node:test';
import assert from 'node:assert/strict';
import { snapshotOf } from '../../../src/registry-api/snapshot/catalog-entries.ts';
import { catalogOfFixture, startApi } from './harness.ts';

/** The bytes, ETag and (decoded) gzip of one path. */
async function fetchAll(url: string) {
  const plain = await fetch(url);
  // fetch decodes the gzip; the header says it was sent compressed.
  const gz = await fetch(url, { headers: { 'accept-encoding': 'gzip' } });
  return {
    body: Buffer.from(await plain.arrayBuffer()),
    etag: plain.headers.get('etag'),
    gz: Buffer.from(await gz.arrayBuffer()),
    encoding: gz.headers.get('content-encoding'),
  };
}

// The pages built inside the swap must be exactly what the handler builds on demand: each warmed path
// is compared with an equivalent query that is not warmed (a different cache key, the same content:
// every server was updated after 1970; the fixture's 88 servers fit in one page of 100 or of 1000).
// A query that differs only in what cannot change an answer (include_deleted, a default written out)
// has the warmed page's key (response-cache.ts), so it would not be built on demand.
const EPOCH = 'updated_since=1970-01-01T00:00:00Z';
const PAIRS: [warmed: string, onDemand: string][] = [
  ['/v0.1/servers', `/v0.1/servers?${EPOCH}`],
  ['/v0.1/servers?limit=100', `/v0.1/servers?limit=100&${EPOCH}`],
  ['/api/v1/registry/servers', '/api/v1/registry/servers?limit=1000'],
];

test(
  'first pages built with the snapshot equal on-demand pages, before and after a reload',
  { timeout: 60_000 },
  async () => {
    const catalog = catalogOfFixture();
    const api = await startApi(catalog);
    try {
      const seen = new Map<string, Buffer>();
      const check = async () => {
        for (const [warmed, onDemand] of PAIRS) {
          const a = await fetchAll(`${api.url}${warmed}`);
          const b = await fetchAll(`${api.url}${onDemand}`);
          assert.ok(a.body.length > 1024, `${warmed} is large enough to be gzipped`);
          assert.ok(
            !a.body.equals(seen.get(warmed) ?? Buffer.alloc(0)),
            `${warmed} shows the current snapshot`,
          );
          seen.set(warmed, a.body);
          // Buffer.equals, not deepEqual: assert's diff of two ~100 KB bodies takes minutes.
          assert.ok(a.body.equals(b.body), `${warmed}: the same bytes as ${onDemand}`);
          assert.equal(a.etag, b.etag, warmed);
          assert.equal(a.encoding, 'gzip', warmed);
          assert.ok(a.gz.equals(a.body), `${warmed} gzip decodes to the same bytes`);
        }
      };
      await check();
      // A reload (the first server gone, so every first page changes): the swap builds the new pages.
      const changed = { ...catalog, servers: catalog.servers.slice(1) };
      api.store.set(snapshotOf(changed, 'changed', { registryName: 'test', source: 'test' }));
      await check();
    } finally {
      await api.close();
    }
  },
);
