/**
 * When the reconciler may read a registry from the informer's cache: never at a version its own
 * writes replaced (the watch has not delivered them yet), always once the cache has moved past.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { OwnWrites } from '../../../src/controller/watch/own-writes.ts';
import { KubeApiError } from '../../../src/kube/client.ts';

const at = (rv: string, name = 'demo') => ({ metadata: { namespace: 'team', name, resourceVersion: rv } });

test('a cached copy our own writes replaced is not used until the cache shows a later version', () => {
  const own = new OwnWrites();
  assert.equal(own.usable(at('1')), true, 'nothing written yet: the cache is as good as a GET');
  own.wrote(at('1'), at('2')); // finalizer patch
  own.wrote(at('2'), at('3')); // status write
  assert.equal(own.usable(at('1')), false);
  assert.equal(own.usable(at('2')), false);
  assert.equal(own.usable(at('1', 'other')), true, 'another registry is not affected');
  assert.equal(own.usable(at('3')), true, 'our last write delivered');
  // Past it, what was remembered is dropped: the set never grows with the registry's history.
  assert.equal(own.usable(at('1')), true);
});

test('a write that changed nothing, or a registry that is gone, leaves nothing behind', () => {
  const own = new OwnWrites();
  own.wrote(at('5'), at('5'));
  assert.equal(own.usable(at('5')), true);
  own.wrote(at('5'), undefined);
  assert.equal(own.usable(at('5')), false);
  own.forget('team', 'demo');
  assert.equal(own.usable(at('5')), true);
});

test('track: a successful write replaces the version it was made on; a conflict marks that version stale', async () => {
  const own = new OwnWrites();
  assert.deepEqual(await own.track(at('1'), Promise.resolve(at('2'))), at('2'));
  assert.equal(own.usable(at('1')), false);
  assert.equal(own.usable(at('2')), true);
  const conflict = new KubeApiError(409, { message: 'the object has been modified' }, []);
  await assert.rejects(own.track(at('2'), Promise.reject(conflict)), conflict);
  assert.equal(own.usable(at('2')), false, 'the retry GETs instead of failing on the same copy again');
  const other = new KubeApiError(500, { message: 'etcd down' }, []);
  await assert.rejects(own.track(at('7'), Promise.reject(other)), other);
  assert.equal(own.usable(at('7')), true, 'only a conflict says the copy was out of date');
});
