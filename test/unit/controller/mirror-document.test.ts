/**
 * An incremental resync's document (SPEC §16): the last whole read's pages with each updated_since
 * read's pages applied. Handed to a sync worker (wire.ts) or read in process (fetch-pages.ts
 * mirrorDocument), it reads and hashes exactly as a whole read of the registry now would, and the
 * held pages (owned, transferable bodies marked shared) are copied for the worker, never detached.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Body } from '../../../src/sources/fetch/fetch-body.ts';
import { documentFromPages, mirrorDocument } from '../../../src/sources/fetch/fetch-pages.ts';
import { fromWire, toWire } from '../../../src/controller/pipeline-workers/wire.ts';
import type { FetchedSource } from '../../../src/sources/types.ts';

const OFFICIAL = 'io.modelcontextprotocol.registry/official';
const entry = (name: string, version: string, updatedAt: string, isLatest = true, status = 'active') => ({
  server: { name: `io.example/${name}`, version, description: `${name} ${version}` },
  _meta: { [OFFICIAL]: { status, updatedAt, isLatest } },
});
/** A page as the registry sends it, in a body of its own memory (as a fetch's ByteSink gives). */
const page = (servers: unknown[], nextCursor?: string) => {
  const bytes = Buffer.from(
    JSON.stringify({ servers, metadata: { count: servers.length, ...(nextCursor && { nextCursor }) } }),
  );
  const own = new Uint8Array(new ArrayBuffer(bytes.length));
  own.set(bytes);
  return new Body([own], true).markShared();
};
const T = (d: number) => `2026-12-0${d}T00:00:00.123456Z`;

const CASES: { name: string; latestOnly: boolean; whole: Body[]; deltas: Body[][]; now: Body[] }[] = [
  {
    name: 'every version: a new version, a deprecation, a new server over two reads',
    latestOnly: false,
    whole: [
      page([entry('a', '1.0.0', T(1)), entry('b', '1.0.0', T(1))], 'c1'),
      page([entry('c', '1.0.0', T(2))]),
    ],
    deltas: [
      [page([entry('a', '1.0.1', T(3))])],
      [page([entry('b', '1.0.0', T(4), true, 'deprecated'), entry('d', '1.0.0', T(4))])],
    ],
    now: [
      page([
        entry('a', '1.0.0', T(1), false),
        entry('a', '1.0.1', T(3)),
        entry('b', '1.0.0', T(4), true, 'deprecated'),
        entry('c', '1.0.0', T(2)),
        entry('d', '1.0.0', T(4)),
      ]),
    ],
  },
  {
    name: 'latest only: a new version replaces its server, a deleted latest takes it out',
    latestOnly: true,
    whole: [page([entry('a', '1.0.0', T(1)), entry('b', '1.0.0', T(1))])],
    deltas: [[page([entry('a', '2.0.0', T(2)), entry('b', '1.0.0', T(3), true, 'deleted')])]],
    now: [page([entry('a', '2.0.0', T(2))])],
  },
  {
    name: 'no changes yet',
    latestOnly: false,
    whole: [page([entry('a', '1.0.0', T(1))])],
    deltas: [[page([])]],
    now: [page([entry('a', '1.0.0', T(1))])],
  },
];

const text = (f: { parsed?: { chunks(): Iterable<string> } }) => [...(f.parsed?.chunks() ?? [])].join('');

for (const c of CASES)
  test(`a mirror document reads as the whole read now: ${c.name}`, async () => {
    const want = documentFromPages(c.now, 7, 'source up');
    const doc = mirrorDocument(c.whole, c.deltas, {
      latestOnly: c.latestOnly,
      textBytes: 7,
      where: 'source up',
    });
    const fetched: FetchedSource = { name: 'up', format: 'upstream', parsed: doc };
    // In a worker: pages and changes posted as bytes, the document built there.
    const { source, transfer } = await toWire(fetched);
    assert.equal(transfer.length, c.whole.length + c.deltas.flat().length, 'one copy per page is posted');
    const there = fromWire(structuredClone(source, { transfer }));
    assert.deepEqual(there.parsed?.value, want.value);
    assert.equal(text(there), text({ parsed: want }));
    assert.equal(there.parsed?.textBytes, 7);
    // The held pages are still here for the next resync (copied for the worker, not detached).
    for (const b of [...c.whole, ...c.deltas.flat()]) assert.ok(b.toString().startsWith('{"servers":'));
    // In process: the same document, read on first use.
    assert.deepEqual(doc.value, want.value);
    assert.equal(text(fetched), text({ parsed: want }));
  });
