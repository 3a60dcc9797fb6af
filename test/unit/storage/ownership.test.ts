/** Ownership and storage integrity checks (#12.2, #12.10), pure. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  ANNOTATION_CONTENT_SHA256,
  contentSha256,
  controlledBy,
  knownContentSha256,
  NameConflictError,
  storageDrift,
  storageMetaDrift,
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

test('from metadata alone: missing, foreign and unannotated objects drift with the same messages; content is not judged', () => {
  const data = { 'registry.json': '{"servers":{}}' };
  const sum = { [ANNOTATION_CONTENT_SHA256]: contentSha256({ data }) };
  const meta = (annotations?: Record<string, string>, owners = [ours]) => ({
    metadata: { name: 'r-registry-storage', annotations, ownerReferences: owners },
  });
  const whole = (d: Record<string, string>, annotations?: Record<string, string>, owners = [ours]) => ({
    ...meta(annotations, owners),
    data: d,
  });
  for (const [m, w] of [
    [meta(), whole(data)],
    [meta(sum, []), whole(data, sum, [])],
  ] as const) {
    const why = storageMetaDrift('r-registry-storage', m, 'u1');
    assert.notEqual(why, undefined);
    assert.equal(why, storageDrift('r-registry-storage', w, 'u1'));
  }
  assert.equal(storageMetaDrift('x', undefined, 'u1'), 'storage ConfigMap x is missing');
  // An edited content is invisible in metadata: only the whole comparison (a GET) tells.
  assert.equal(storageMetaDrift('r-registry-storage', meta(sum), 'u1'), undefined);
  assert.notEqual(storageDrift('r-registry-storage', whole({ 'registry.json': '{}' }, sum), 'u1'), undefined);
  // Emptied by hand: no content at all is not the recorded content either.
  assert.notEqual(storageDrift('r-registry-storage', whole({}, sum), 'u1'), undefined);
});

test('a hash computed where the content was laid out is used for that record only; any other is hashed', () => {
  const record = { 'registry.json.gz': 'H4sIAAAA' };
  const real = contentSha256({ binaryData: record });
  knownContentSha256(record, 'f'.repeat(64));
  assert.equal(contentSha256({ binaryData: record }), 'f'.repeat(64));
  // The same bytes in another record (a ConfigMap read back from the apiserver) are hashed.
  assert.equal(contentSha256({ binaryData: { ...record } }), real);
  // A content with both maps is always hashed whole.
  assert.notEqual(contentSha256({ data: {}, binaryData: record }), 'f'.repeat(64));
});
