/**
 * Catalog work stays off the admission event loop (SPEC §11, §18): of the workload webhook's files,
 * only the worker thread's entry reads, parses or indexes a catalog or runs a decision; the rest
 * gather by I/O and hand over.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

const DIR = join(import.meta.dirname, '../../../src/webhook/workloads');
const CPU =
  /\b(parseStorage|indexEntries|readLayout|parseRegistryDocument|mutateWorkload|validateWorkload|resolveWorkload|enforceWorkload|JSON\.parse\(r\.text)\b/;

test('only worker.ts parses catalogs or decides', () => {
  const files = readdirSync(DIR).filter((f) => f.endsWith('.ts'));
  assert.ok(files.includes('worker.ts') && files.length > 3);
  for (const f of files) {
    const code = readFileSync(join(DIR, f), 'utf8').replace(/\/\*[\s\S]*?\*\/|\/\/.*$/gm, '');
    if (f === 'worker.ts') assert.match(code, CPU, 'the worker does the work');
    else assert.doesNotMatch(code, CPU, `${f} must leave catalog work and decisions to the worker`);
  }
});
