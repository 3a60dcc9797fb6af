/**
 * The work of one sync's filters is bounded (SPEC §18): servers × patterns, not only each glob. Every
 * name-against-pattern test costs TEST_COST units plus its character tests, from one budget per sync;
 * over it the sync fails with a message naming the servers and patterns of the filter that ran out.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  catalogOf,
  filterCatalog,
  FilterBudget,
  FilterBudgetError,
  makeCatalogServer,
  MAX_FILTER_WORK,
  TEST_COST,
} from '../../../src/registry/index.ts';
import { runPipeline, type DataError } from '../../../src/controller/sync/pipeline.ts';
import { registry, toolhiveDoc } from '../controller/fixtures.ts';

const names = (n: number) =>
  Array.from({ length: n }, (_, i) => `${'a'.repeat(55)}${String(i).padStart(5, '0')}`);
const catalog = (n: number) =>
  catalogOf(
    names(n).map((name) =>
      makeCatalogServer({ name, kind: 'upstream-only', upstream: { name, description: 'd', version: '1' } }),
    ),
  );

test('each test costs TEST_COST plus its character tests; tag filters cost nothing', () => {
  const b = new FilterBudget(1_000_000);
  filterCatalog(catalog(10), { names: { include: [names(1)[0] ?? ''] } }, b);
  // An exact name: 60 character tests for the one that matches, 1 to 60 for the others.
  const spent = 1_000_000 - (b as unknown as { left: number }).left;
  assert.ok(spent >= 10 * TEST_COST + 60 && spent <= 10 * (TEST_COST + 60), `${spent}`);
  const tags = new FilterBudget(1);
  filterCatalog(catalog(10), { tags: { include: ['x'] } }, tags);
  assert.equal((tags as unknown as { left: number }).left, 1);
});

test('over the budget: FilterBudgetError naming the servers and patterns of the filter', () => {
  const b = new FilterBudget(5 * TEST_COST);
  assert.throws(() => filterCatalog(catalog(10), { names: { include: ['*x', '*y'], exclude: ['z*'] } }, b), {
    name: 'FilterBudgetError',
    message:
      'filtering 10 servers against 3 name patterns is more work than one sync may do (500 units, docs/controller.md "Work per sync"); use fewer name patterns (tag filters cost nothing) or a smaller source',
  });
  assert.ok(new FilterBudgetError('x') instanceof Error);
});

test('one budget per sync: the spec filter pays for what the source filter spent (pipeline message)', () => {
  // 5,000 servers; 30 costly globs and a `*` cost ~255 million units per filter: each filter alone
  // is under the 400 million a sync may spend, the two together are not.
  const entry = Object.values(
    (JSON.parse(toolhiveDoc(1)) as { servers: Record<string, unknown> }).servers,
  )[0];
  const servers = Object.fromEntries(names(5000).map((n) => [n, entry]));
  const text = JSON.stringify({ version: '1.0.0', servers, remote_servers: {} });
  const globs = [...Array.from({ length: 30 }, (_, k) => `*${'a'.repeat(40)}b${k}*`), '*'];
  const spec = registry({ filter: { names: { include: globs } } }).spec;
  const source = spec.sources[0];
  assert.ok(source);
  const alone = runPipeline(
    { ...spec, filter: undefined, sources: [{ ...source, filter: { names: { include: globs } } }] },
    [{ name: 'main', format: 'toolhive', text }],
  );
  assert.equal(alone.serverCount, 5000);
  assert.throws(
    () =>
      runPipeline({ ...spec, sources: [{ ...source, filter: { names: { include: globs } } }] }, [
        { name: 'main', format: 'toolhive', text },
      ]),
    (e: DataError) => {
      assert.equal(e.name, 'DataError');
      assert.equal(
        e.message,
        `spec.filter: filtering 5000 servers against 31 name patterns is more work than one sync may do (${MAX_FILTER_WORK} units, docs/controller.md "Work per sync"); use fewer name patterns (tag filters cost nothing) or a smaller source`,
      );
      return true;
    },
  );
});
