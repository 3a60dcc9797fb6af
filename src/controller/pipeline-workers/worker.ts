/**
 * A sync worker thread's entry: one job at a time (the pool sends the next only after the answer).
 * Nothing here touches the network or the apiserver: bytes in, figures and storage layout out.
 */
import { readlinkSync } from 'node:fs';
import { setPriority } from 'node:os';
import { parentPort } from 'node:worker_threads';
import { doSyncWork } from './work.ts';
import type { WireRequest } from './wire.ts';

/**
 * The lowest CPU priority for this thread only (Linux: a thread's id is its own scheduling entity).
 * Where the pod has one core, or a CPU limit of one, the event loop answering admission and the
 * sync share it: at nice 19 the scheduler gives the event loop ~98% of the time it asks for, and the
 * sync the rest and every idle moment (docs/security.md, "Event-loop isolation"). Raising one's own
 * nice value needs no privilege; elsewhere (no /proc/thread-self) the thread keeps the default.
 */
function lowestPriority(): void {
  try {
    const tid = Number(readlinkSync('/proc/thread-self').split('/').pop());
    if (Number.isInteger(tid) && tid > 0) setPriority(tid, 19);
  } catch {
    // Not Linux, or /proc not mounted: the default priority.
  }
}

const port = parentPort;
if (!port) throw new Error('pipeline-workers/worker.ts runs only as a worker thread');
lowestPriority();
port.on('message', (req: WireRequest) => {
  void doSyncWork(req).then((res) => port.postMessage(res));
});
