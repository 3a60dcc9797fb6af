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
