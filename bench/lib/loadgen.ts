/**
 * Child-process entry of the load generator, so it can be pinned to its own core:
 *   taskset -c 1 node bench/lib/loadgen.ts < config.json
 * Reads one LoadConfig as JSON on stdin (bodies can be megabytes: too big for argv) and prints one
 * LoadResult as JSON on stdout.
 */
import { runLoad, type LoadConfig } from './load.ts';

const chunks: Buffer[] = [];
for await (const c of process.stdin) chunks.push(c as Buffer);
const cfg = JSON.parse(Buffer.concat(chunks).toString('utf8')) as LoadConfig;
const result = await runLoad(cfg);
process.stdout.write(JSON.stringify(result));
