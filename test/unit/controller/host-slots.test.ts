/** Fetch slots (#12.4): one sync per source host, a namespace cap, all-or-nothing, released for the next. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { HostSlots } from '../../../src/controller/sync/host-slots.ts';
import { hostOf, sourceHosts, sourceSecrets } from '../../../src/controller/sync/source-refs.ts';
import type { MCPRegistryV1beta1 } from '../../../src/api/types.ts';

test('one sync per host: a second registry on the same host waits, another host does not', () => {
  const s = new HostSlots(10);
  assert.equal(s.tryAcquire('a/one', 'a', ['slow.example']), true);
  assert.equal(s.tryAcquire('a/two', 'a', ['slow.example']), false);
  assert.equal(s.tryAcquire('b/three', 'b', ['fast.example']), true);
  assert.equal(s.holder('slow.example'), 'a/one');
  s.release('a/one');
  assert.equal(s.tryAcquire('a/two', 'a', ['slow.example']), true);
});

test('all or nothing: a registry whose second host is busy takes no slot', () => {
  const s = new HostSlots(10);
  assert.equal(s.tryAcquire('a/busy', 'a', ['h2']), true);
  assert.equal(s.tryAcquire('a/multi', 'a', ['h1', 'h2']), false);
  assert.equal(s.holder('h1'), undefined);
});

test('a namespace holds at most its cap; registries without remote sources need no slot', () => {
  const s = new HostSlots(2);
  assert.equal(s.tryAcquire('t/1', 't', ['h1']), true);
  assert.equal(s.tryAcquire('t/2', 't', ['h2']), true);
  assert.equal(s.tryAcquire('t/3', 't', ['h3']), false);
  assert.equal(s.tryAcquire('u/1', 'u', ['h3']), true);
  assert.equal(s.tryAcquire('t/cm', 't', []), true);
  s.release('t/1');
  assert.equal(s.tryAcquire('t/3', 't', ['h3']), false, 'h3 is still held by u/1');
  assert.equal(s.tryAcquire('t/4', 't', ['h4']), true);
});

test('hosts and Secrets a spec reads', () => {
  const spec = {
    sources: [
      {
        name: 'a',
        type: 'url',
        url: { href: 'https://Drip.Example:8443/r.json', headersSecretRef: { name: 'h' } },
      },
      {
        name: 'b',
        type: 'git',
        git: { repository: 'git@github.com:org/repo.git', authSecretRef: { name: 'g' } },
      },
      {
        name: 'c',
        type: 'registry',
        registry: { baseURL: 'https://drip.example/', caBundleRef: { name: 'ca' } },
      },
      { name: 'd', type: 'git', git: { repository: 'file:///srv/repo' } },
      { name: 'e', type: 'configmap', configMapRef: { name: 'cm' } },
    ],
  } as unknown as MCPRegistryV1beta1['spec'];
  assert.deepEqual(sourceHosts(spec), ['drip.example', 'github.com']);
  assert.deepEqual(sourceSecrets(spec), ['ca', 'g', 'h']);
  assert.equal(hostOf('ssh://git@host.example:22/x'), 'host.example');
  assert.equal(hostOf('not a url'), undefined);
});

test('a release wakes the first waiter of the freed host, and of the freed namespace, once', () => {
  const woken: string[][] = [];
  const s = new HostSlots(1, (keys) => woken.push(keys));
  assert.equal(s.tryAcquire('a/holder', 'a', ['github.com']), true);
  assert.equal(s.tryAcquire('b/first', 'b', ['github.com']), false);
  assert.equal(s.tryAcquire('c/second', 'c', ['github.com']), false);
  assert.equal(s.tryAcquire('a/same-ns', 'a', ['gitlab.com']), false, 'namespace a is at its cap of 1');
  assert.equal(s.tryAcquire('b/first', 'b', ['github.com']), false, 'asking again keeps its place');
  assert.deepEqual(s.waiters(), ['b/first', 'c/second', 'a/same-ns']);
  s.release('a/holder');
  assert.deepEqual(woken, [['b/first', 'a/same-ns']]);
  assert.deepEqual(s.waiters(), ['c/second']);
  assert.equal(s.tryAcquire('b/first', 'b', ['github.com']), true);
  s.forget('c/second');
  s.release('b/first');
  assert.equal(woken.length, 1, 'nobody left to wake');
});

/**
 * SPEC §18 "Fair across tenants": namespace a has eight registries waiting for a host that a's ninth
 * holds; namespace b's one registry arrives after them. Every waiter asks again whenever its requeue
 * timer fires (here: all of a's first, as their timers were set earlier), yet b's waiter is the next
 * to hold the host, and the host then alternates between namespaces with waiters.
 */
test("one namespace's eight waiters do not queue another namespace's single waiter behind them", () => {
  const woken: string[][] = [];
  const s = new HostSlots(100, (keys) => woken.push(keys));
  const host = ['registry.example'];
  assert.equal(s.tryAcquire('a/holder', 'a', host), true);
  const aWaiters = Array.from({ length: 8 }, (_, i) => `a/r${i}`);
  for (const k of aWaiters) assert.equal(s.tryAcquire(k, 'a', host), false);
  assert.equal(s.tryAcquire('b/only', 'b', host), false);
  const order: string[] = [];
  let holder = 'a/holder';
  for (let round = 0; round < 9; round++) {
    s.release(holder);
    // Everyone still waiting asks again, a's eight first; exactly one of them gets the host.
    const askers = [...aWaiters, 'b/only'].filter((k) => !order.includes(k));
    const winners = askers.filter((k) => s.tryAcquire(k, k.split('/')[0] ?? '', host));
    assert.equal(winners.length, 1, `round ${round}: one holder at a time, got ${winners.join(', ')}`);
    holder = winners[0] ?? '';
    order.push(holder);
  }
  assert.equal(order[0], 'b/only', `b waited behind a's eight: ${order.join(', ')}`);
  assert.deepEqual(order.slice(1), aWaiters, "a's own waiters keep their arrival order");
  assert.equal(
    woken[0]?.[0],
    'b/only',
    'the release woke b for the host (round-robin), not the earliest of a',
  );
});

const fairness: { name: string; arrivals: [string, string][]; expect: string[] }[] = [
  {
    name: 'three namespaces alternate on one host, first come first served within each',
    arrivals: [
      ['a/1', 'a'],
      ['a/2', 'a'],
      ['a/3', 'a'],
      ['b/1', 'b'],
      ['b/2', 'b'],
      ['c/1', 'c'],
    ],
    // The holder is in namespace a: b and c (never served) come first, then a, b again, then a.
    expect: ['b/1', 'c/1', 'a/1', 'b/2', 'a/2', 'a/3'],
  },
  {
    name: 'one namespace alone is served in arrival order',
    arrivals: [
      ['a/1', 'a'],
      ['a/2', 'a'],
    ],
    expect: ['a/1', 'a/2'],
  },
];
for (const t of fairness)
  test(`fair slots: ${t.name}`, () => {
    const s = new HostSlots(100);
    const host = ['h.example'];
    assert.equal(s.tryAcquire('a/holder', 'a', host), true);
    for (const [k, ns] of t.arrivals) assert.equal(s.tryAcquire(k, ns, host), false);
    const order: string[] = [];
    let holder = 'a/holder';
    for (let i = 0; i < t.arrivals.length; i++) {
      s.release(holder);
      const winners = t.arrivals.filter(([k, ns]) => !order.includes(k) && s.tryAcquire(k, ns, host));
      assert.equal(winners.length, 1);
      holder = winners[0]?.[0] ?? '';
      order.push(holder);
    }
    assert.deepEqual(order, t.expect);
  });

test('a turn not taken is given up: the woken key at its namespace cap frees the host for others', () => {
  const s = new HostSlots(1);
  assert.equal(s.tryAcquire('a/holder', 'a', ['h']), true);
  assert.equal(s.tryAcquire('b/busy', 'b', ['other']), true);
  assert.equal(s.tryAcquire('b/wants-h', 'b', ['h']), false);
  assert.equal(s.tryAcquire('c/wants-h', 'c', ['h']), false);
  s.release('a/holder');
  assert.equal(s.tryAcquire('c/wants-h', 'c', ['h']), false, "b's turn (served never, arrived first)");
  assert.equal(s.tryAcquire('b/wants-h', 'b', ['h']), false, 'b is at its namespace cap: turn given up');
  assert.equal(s.tryAcquire('c/wants-h', 'c', ['h']), true);
});

test('a turn lapses: a woken registry that never asks again does not hold the host from others', () => {
  let now = 0;
  const s = new HostSlots(10, () => {}, { turnMs: 1000, now: () => now });
  assert.equal(s.tryAcquire('a/holder', 'a', ['h']), true);
  assert.equal(s.tryAcquire('b/gone-quiet', 'b', ['h']), false);
  assert.equal(s.tryAcquire('c/next', 'c', ['h']), false);
  s.release('a/holder');
  assert.equal(s.tryAcquire('c/next', 'c', ['h']), false, "b's turn");
  now = 1000;
  assert.equal(s.tryAcquire('c/next', 'c', ['h']), true, "b's turn lapsed");
});
