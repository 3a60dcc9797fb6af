/**
 * A sync worker thread's entry: one job at a time (the pool sends the next only after the answer).
 * Nothing here touches the network or the apiserver: bytes in, figures and storage layout out.
 */
import { parentPort } from 'node:worker_threads';
import { doSyncWork } from './work.ts';
import type { WireRequest } from './wire.ts';

const port = parentPort;
if (!port) throw new Error('pipeline-workers/worker.ts runs only as a worker thread');
port.on('message', (req: WireRequest) => {
  void doSyncWork(req).then((res) => port.postMessage(res));
});
