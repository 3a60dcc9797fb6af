/**
 * A sync worker thread's entry: one job at a time (the pool sends the next only after the answer).
 * Nothing here touches the network or the apiserver: bytes in, figures and storage layout out.
 */
import { parentPort } from 'node:worker_threads';
import { lowerThreadPriority, SYNC_WORKER_NICE } from '../../observability/thread-priority.ts';
import { doSyncWork } from './work.ts';
import type { WireRequest } from './wire.ts';

const port = parentPort;
if (!port) throw new Error('pipeline-workers/worker.ts runs only as a worker thread');
// Where the pod has one core, or a CPU limit of one, the event loop answering admission and the sync
// share it: at nice 19 the scheduler gives the event loop ~98% of the time it asks for, and the sync
// the rest and every idle moment (docs/security.md, "Event-loop isolation").
lowerThreadPriority(SYNC_WORKER_NICE);
port.on('message', (req: WireRequest) => {
  void doSyncWork(req).then((res) => port.postMessage(res));
});
