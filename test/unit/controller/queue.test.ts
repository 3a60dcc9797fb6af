import { test } from 'node:test';
import assert from 'node:assert/strict';
import { WorkQueue } from '../../../src/controller/watch/queue.ts';

function q() {
  let now = 0;
  const queue = new WorkQueue({ now: () => now, baseDelayMs: 100, maxDelayMs: 1000 });
  return { queue, tick: (ms: number) => (now += ms) };
}

test('a key is queued once however often it is added', () => {
  const { queue } = q();
  queue.add('a');
  queue.add('a');
  queue.add('b');
  assert.equal(queue.depth(), 2);
  assert.equal(queue.get(), 'a');
  assert.equal(queue.get(), 'b');
  assert.equal(queue.get(), undefined);
});

test('a key being processed is not handed out again; an add during processing requeues it at done()', () => {
  const { queue } = q();
  queue.add('a');
  assert.equal(queue.get(), 'a');
  queue.add('a');
  assert.equal(queue.get(), undefined);
  queue.done('a');
  assert.equal(queue.get(), 'a');
});

test('failures back off exponentially per key up to the cap, and forget() resets', () => {
  const { queue } = q();
  assert.deepEqual(
    [1, 2, 3, 4, 5, 6].map(() => queue.addRateLimited('a')),
    [100, 200, 400, 800, 1000, 1000],
  );
  assert.equal(queue.retries('a'), 6);
  queue.forget('a');
  assert.equal(queue.addRateLimited('a'), 100);
});

test('delayed keys become ready when due; an immediate add wins over a delay', () => {
  const { queue, tick } = q();
  queue.addAfter('a', 500);
  queue.addAfter('b', 500);
  assert.equal(queue.get(), undefined);
  assert.equal(queue.nextDelay(), 500);
  tick(499);
  assert.equal(queue.get(), undefined);
  tick(1);
  assert.equal(queue.get(), 'a');
  queue.add('b');
  assert.equal(queue.get(), 'b');
  assert.equal(queue.nextDelay(), undefined);
});

test('the earlier of two schedules for one key wins', () => {
  const { queue, tick } = q();
  queue.addAfter('a', 1000);
  queue.addAfter('a', 100);
  tick(100);
  assert.equal(queue.get(), 'a');
});

test('fair across namespaces: one tenant with many ready keys does not make another wait behind them', () => {
  const { queue } = q();
  for (let i = 0; i < 5; i++) queue.add(`noisy/r${i}`);
  queue.add('quiet/a');
  queue.add('other/b');
  queue.add('quiet/c');
  assert.equal(queue.depth(), 8);
  const order = Array.from({ length: 8 }, () => queue.get());
  assert.deepEqual(order, [
    'noisy/r0',
    'quiet/a',
    'other/b',
    'noisy/r1',
    'quiet/c',
    'noisy/r2',
    'noisy/r3',
    'noisy/r4',
  ]);
  assert.equal(queue.get(), undefined);
  assert.equal(queue.depth(), 0);
});
