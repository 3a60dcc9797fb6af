/** Ownership and storage integrity checks (#12.2, #12.10), pure. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  ANNOTATION_CONTENT_SHA256,
  contentSha256,
  controlledBy,
  digestStorage,
  NameConflictError,
  storageDrift,
} from '../../../src/storage/ownership.ts';

const ours = { controller: true, uid: 'u1', kind: 'MCPRegistry', name: 'r' };

test('controlled means a controller ownerReference with this uid; a label or a plain owner is not enough', () => {
  assert.equal(controlledBy({ metadata: { ownerReferences: [ours] } }, 'u1'), true);
  assert.equal(
    controlledBy({ metadata: { ownerReferences: [{ ...ours, controller: false }] } }, 'u1'),
    false,
  );
  assert.equal(controlledBy({ metadata: { ownerReferences: [{ ...ours, uid: 'other' }] } }, 'u1'), false);
  assert.equal(controlledBy({ metadata: {} }, 'u1'), false);
  assert.equal(controlledBy({ metadata: { ownerReferences: [{ ...ours, uid: '' }] } }, ''), false);
});

test('the NameConflict message names the object and what to do', () => {
  assert.equal(
    new NameConflictError('Service', 'team', 'demo-api', 'demo').message,
    'Service team/demo-api already exists and is not controlled by MCPRegistry demo; the controller leaves it untouched: delete or rename that Service, or give the registry another name',
  );
});

test('drift: content that no longer matches its annotation, a missing annotation, a missing or foreign object', () => {
  const data = { 'registry.json': '{"servers":{}}' };
  const cm = (d: Record<string, string>, annotations?: Record<string, string>, owners = [ours]) => ({
    metadata: { name: 'r-registry-storage', annotations, ownerReferences: owners },
    data: d,
  });
  const sum = { [ANNOTATION_CONTENT_SHA256]: contentSha256({ data }) };
  assert.equal(storageDrift('r-registry-storage', cm(data, sum), 'u1'), undefined);
  assert.equal(
    storageDrift('r-registry-storage', cm({ 'registry.json': '{"servers":{"evil":{}}}' }, sum), 'u1'),
    'storage ConfigMap r-registry-storage was changed outside the controller (its content no longer matches the toolhive.stacklok.io/content-sha256 annotation)',
  );
  assert.equal(
    storageDrift('r-registry-storage', cm(data), 'u1'),
    'storage ConfigMap r-registry-storage has no toolhive.stacklok.io/content-sha256 annotation (written by an earlier version, or the annotation was removed)',
  );
  assert.equal(storageDrift('x', undefined, 'u1'), 'storage ConfigMap x is missing');
  assert.equal(
    storageDrift('r-registry-storage', cm(data, sum, []), 'u1'),
    'storage ConfigMap r-registry-storage is not controlled by this registry',
  );
  // data and binaryData are different keys: moving a value between them changes the hash.
  assert.notEqual(contentSha256({ data }), contentSha256({ binaryData: data }));
});

test('a digested storage ConfigMap (metadata and content digest, no content) drifts exactly like the whole object', () => {
  const data = { 'registry.json': '{"servers":{}}' };
  const sum = { [ANNOTATION_CONTENT_SHA256]: contentSha256({ data }) };
  const whole = (d: Record<string, string>, annotations?: Record<string, string>) => ({
    metadata: { name: 'r-registry-storage', annotations, ownerReferences: [ours] },
    data: d,
  });
  const kept = digestStorage(whole(data, sum));
  assert.deepEqual(Object.keys(kept).sort(), ['contentDigest', 'metadata']);
  assert.equal(storageDrift('r-registry-storage', kept, 'u1'), undefined);
  const edited = digestStorage(whole({ 'registry.json': '{"servers":{"evil":{}}}' }, sum));
  assert.equal(
    storageDrift('r-registry-storage', edited, 'u1'),
    'storage ConfigMap r-registry-storage was changed outside the controller (its content no longer matches the toolhive.stacklok.io/content-sha256 annotation)',
  );
  // Emptied by hand: no content at all still has a digest, and it is not the recorded one.
  assert.notEqual(storageDrift('r-registry-storage', digestStorage(whole({}, sum)), 'u1'), undefined);
  assert.equal(
    storageDrift('r-registry-storage', digestStorage(whole(data)), 'u1'),
    'storage ConfigMap r-registry-storage has no toolhive.stacklok.io/content-sha256 annotation (written by an earlier version, or the annotation was removed)',
  );
});
