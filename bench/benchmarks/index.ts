import type { Benchmark } from '../lib/bench.ts';
import { conversion } from './conversion.ts';

/** In the order `npm run bench` runs them (cheapest first). */
export const BENCHMARKS: Benchmark[] = [conversion];
