/**
 * Child-process entry of the load generator, so it can be pinned to its own core:
 *   taskset -c 1 node bench/lib/loadgen.ts '<LoadConfig JSON>'
 * Prints one LoadResult as JSON on stdout.
 */
import { runLoad, type LoadConfig } from './load.ts';

const cfg = JSON.parse(process.argv[2] ?? '{}') as LoadConfig;
const result = await runLoad(cfg);
process.stdout.write(JSON.stringify(result));
