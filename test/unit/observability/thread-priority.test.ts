/**
 * A thread lowers its own CPU priority and no other's (src/observability/thread-priority.ts): the
 * operator's main thread answers admission at nice 0 while its controller thread and sync workers
 * yield to it. Read back from the kernel (/proc), not from our own bookkeeping.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Worker } from 'node:worker_threads';
import { threadId } from '../../../src/observability/thread-priority.ts';
import { niceOf } from '../../support/threads.ts';

const MODULE = new URL('../../../src/observability/thread-priority.ts', import.meta.url).href;

function lowering(nice: number, waitToBeRead: boolean): Worker {
  return new Worker(
    `const { parentPort } = require('node:worker_threads');
     import(${JSON.stringify(MODULE)}).then((m) => {
       const why = m.lowerThreadPriority(${nice});
       parentPort.postMessage({ why, tid: m.threadId() });
       ${waitToBeRead ? "parentPort.once('message', () => process.exit(0));" : ''}
     });`,
    { eval: true },
  );
}

test('a worker thread at nice 13 changes only its own priority, as the kernel reports it', async () => {
  const main = threadId();
  assert.ok(main !== undefined, 'Linux with /proc/thread-self');
  const before = niceOf(process.pid, main);
  const worker = lowering(13, true);
  try {
    const { why, tid } = await new Promise<{ why?: string; tid: number }>((r) => worker.once('message', r));
    assert.equal(why, undefined);
    assert.notEqual(tid, main);
    assert.equal(niceOf(process.pid, tid), 13);
    assert.equal(niceOf(process.pid, main), before);
  } finally {
    worker.postMessage('done');
    await new Promise((r) => worker.once('exit', r));
  }
});

test('a refused priority is reported, not thrown', async () => {
  // Raising one's own priority needs CAP_SYS_NICE, which root (these tests) has; a value out of
  // range is refused to every user, so that is the refusal asked for here.
  const worker = lowering(100, false);
  const { why } = await new Promise<{ why?: string }>((r) => worker.once('message', r));
  await new Promise((r) => worker.once('exit', r));
  assert.match(why ?? '', /EINVAL|out of range|must be/i);
});
