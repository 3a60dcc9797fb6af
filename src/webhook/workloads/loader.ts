/** The catalog loader thread's entry (load.ts). */
import { serveLoads } from './load.ts';

serveLoads();
