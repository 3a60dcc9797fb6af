import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  decide,
  mayWrite,
  observe,
  DEFAULT_TIMINGS,
  type ElectorState,
} from '../../../src/controller/leadership/lease.ts';

const t = DEFAULT_TIMINGS;

test('no lease: create one naming us', () => {
  const a = decide('me', { observedAt: 0 }, undefined, 1000, t);
  assert.equal(a.kind, 'create');
  assert.equal(a.kind === 'create' && a.spec.holderIdentity, 'me');
  assert.equal(a.kind === 'create' && a.spec.leaseDurationSeconds, 15);
});

test('our own lease: renew it', () => {
  const a = decide(
    'me',
    { observedAt: 0 },
    { holderIdentity: 'me', leaseDurationSeconds: 15, leaseTransitions: 2 },
    5000,
    t,
  );
  assert.equal(a.kind, 'update');
  assert.equal(a.kind === 'update' && a.spec.leaseTransitions, 2);
});

test('someone else’s lease: wait until it has not changed for a whole lease duration, on our clock', () => {
  const other = {
    holderIdentity: 'other',
    leaseDurationSeconds: 15,
    renewTime: '2020-01-01T00:00:00.000000Z',
    leaseTransitions: 1,
  };
  let s: ElectorState = observe({ observedAt: 0 }, other, 1000);
  assert.deepEqual(decide('me', s, other, 15_999, t), { kind: 'wait', holder: 'other' });
  // The holder renews: the record changes, and the clock restarts.
  const renewed = { ...other, renewTime: '2020-01-01T00:00:02.000000Z' };
  s = observe(s, renewed, 10_000);
  assert.equal(decide('me', s, renewed, 24_999, t).kind, 'wait');
  const takeover = decide('me', s, renewed, 25_000, t);
  assert.equal(takeover.kind, 'update');
  assert.equal(takeover.kind === 'update' && takeover.spec.holderIdentity, 'me');
  assert.equal(takeover.kind === 'update' && takeover.spec.leaseTransitions, 2);
});

test('a released lease (empty holder) is taken at once', () => {
  const released = { holderIdentity: '', leaseDurationSeconds: 1 };
  const s = observe({ observedAt: 0 }, released, 1000);
  assert.equal(decide('me', s, released, 1000, t).kind, 'update');
});

test('writes stop before the lease could pass to someone else', () => {
  assert.equal(mayWrite({ observedAt: 0 }, 0, t), false);
  assert.equal(mayWrite({ observedAt: 0, lastRenewAt: 1000 }, 10_999, t), true);
  assert.equal(mayWrite({ observedAt: 0, lastRenewAt: 1000 }, 11_000, t), false);
  assert.ok(t.renewDeadlineMs < t.leaseDurationMs);
});
