/**
 * A loader thread for workload-pool.test.ts: the product's loader (load.ts),
 * except that a load of the `hold` key waits for the test's `gate` before it starts, one of the
 * `holdPart` key before its second part (half-installed), and a load of the `crash` key ends the
 * thread (as a heap exhaustion would).
 */
import { workerData } from 'node:worker_threads';
import { loadIndex, serveLoads, type LoaderData } from '../../../src/webhook/workloads/load.ts';

const { gate, hold, holdPart, crash } = (workerData as LoaderData).data as Record<string, string> & {
  gate: Int32Array;
};

async function opened(): Promise<void> {
  const w = Atomics.waitAsync(gate, 0, 0);
  if (w.async) await w.value;
}

serveLoads({
  load: async (m) => {
    if (m.key === crash) process.exit(3);
    if (m.key === hold) await opened();
    return loadIndex(m);
  },
  beforePart: async (key, n) => {
    if (key === holdPart && n === 1) await opened();
  },
});
