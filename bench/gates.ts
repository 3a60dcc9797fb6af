/**
 * Re-evaluates the gates over saved results, without running anything:
 *   node bench/gates.ts [DIR]        (default bench/results; reads every <name>.json there)
 * Prints the gates table and the A/A band (when aa.json is there) exactly as `npm run bench` ends.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { evaluateGates, gatesMarkdown, noiseBand } from './lib/gates.ts';
import { repoRoot } from './lib/procs.ts';
import type { BenchResult } from './lib/report.ts';

const dir = resolve(process.argv[2] ?? join(repoRoot, 'bench/results'));
const results: BenchResult[] = readdirSync(dir)
  .filter((f) => f.endsWith('.json') && f !== 'gates.json')
  .map((f) => JSON.parse(readFileSync(join(dir, f), 'utf8')) as BenchResult)
  .filter((r) => typeof r.name === 'string' && Array.isArray(r.metrics));
const band = noiseBand(results.find((r) => r.name === 'aa'));
console.log(gatesMarkdown(evaluateGates(results, undefined, band), band));
