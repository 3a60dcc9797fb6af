/**
 * Catalog work stays off the admission event loop (SPEC §11, §18): of the workload webhook's files,
 * only the threads' own code reads, parses or indexes a catalog (load.ts, the loader thread) or runs
 * a decision (worker.ts, the review thread); the rest gather by I/O and hand over.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

const DIR = join(import.meta.dirname, '../../../src/webhook/workloads');
const CPU =
  /\b(parseStorage|indexEntries|readLayout|parseRegistryDocument|mutateWorkload|validateWorkload|resolveWorkload|enforceWorkload|JSON\.parse\(r\.text)\b/;

const THREADS = new Set(['worker.ts', 'load.ts']);

test('only the worker threads parse catalogs or decide', () => {
  const files = readdirSync(DIR).filter((f) => f.endsWith('.ts'));
  assert.ok([...THREADS].every((f) => files.includes(f)) && files.length > 3);
  for (const f of files) {
    const code = readFileSync(join(DIR, f), 'utf8').replace(/\/\*[\s\S]*?\*\/|\/\/.*$/gm, '');
    if (THREADS.has(f)) assert.match(code, CPU, `${f} does the work`);
    else assert.doesNotMatch(code, CPU, `${f} must leave catalog work and decisions to the worker`);
  }
});
