/**
 * What the controller's ConfigMap cache keeps: storage ConfigMaps (our managed-by label) as metadata
 * only, every other ConfigMap whole; a configmap source never reads a metadata copy from the cache
 * (it falls back to a GET), and a write finds the registry's storage names in it.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  cachedStorageNames,
  isStorageOf,
  metadataView,
  OTHER_SELECTOR,
  sourceContent,
  STORAGE_SELECTOR,
} from '../../../src/controller/watch/configmap-cache.ts';
import {
  ANNOTATION_CONTENT_SHA256,
  contentSha256,
  storageMetaDrift,
} from '../../../src/storage/ownership.ts';

const MANAGED = { 'app.kubernetes.io/managed-by': 'mcp-registry-operator' };
const owner = (uid: string) => [{ controller: true, uid, kind: 'MCPRegistry', name: 'r' }];
const data = { 'registry.json': '{"servers":{}}' };

test('a storage ConfigMap is kept as metadata only, even when an apiserver sent it whole', () => {
  const cm = {
    metadata: {
      name: 'r-registry-storage',
      namespace: 'ns',
      uid: 'c1',
      resourceVersion: '7',
      labels: { ...MANAGED, 'toolhive.stacklok.io/registry': 'r' },
      annotations: { [ANNOTATION_CONTENT_SHA256]: contentSha256({ data }) },
      ownerReferences: owner('u1'),
      managedFields: [{ manager: 'x' }],
    },
    data,
  };
  const kept = metadataView(cm);
  assert.deepEqual(Object.keys(kept).sort(), ['metadata', 'metadataOnly']);
  const { managedFields: _m, ...rest } = cm.metadata;
  assert.deepEqual(kept.metadata, rest);
  assert.equal(storageMetaDrift('r-registry-storage', kept, 'u1'), undefined);
  // A source pointed at it (a ConfigMap that is both) does not read the cache: it GETs the content.
  assert.equal(sourceContent(kept), undefined);
});

test("a user's ConfigMap is kept whole and a source reads it from the cache", () => {
  const cm = { metadata: { name: 'catalog', namespace: 'ns', labels: { team: 'a' } }, data };
  assert.equal(sourceContent(cm), cm);
  assert.equal(sourceContent(undefined), undefined);
});

test('the two informers split ConfigMaps by the managed-by label: equal to ours, and anything else', () => {
  assert.equal(STORAGE_SELECTOR, 'app.kubernetes.io/managed-by=mcp-registry-operator');
  assert.equal(OTHER_SELECTOR, 'app.kubernetes.io/managed-by!=mcp-registry-operator');
});

test("the registry's storage names in the cache: main and shards it controls, in its namespace", () => {
  const cms = [
    { metadata: { name: 'r-registry-storage', namespace: 'ns', ownerReferences: owner('u1') } },
    { metadata: { name: 'r-registry-storage-0', namespace: 'ns', ownerReferences: owner('u1') } },
    // Another registry's storage, a user's object at our shard name, another namespace.
    { metadata: { name: 'r2-registry-storage', namespace: 'ns', ownerReferences: owner('u2') } },
    { metadata: { name: 'r-registry-storage-1', namespace: 'ns' } },
    { metadata: { name: 'r-registry-storage-2', namespace: 'other', ownerReferences: owner('u1') } },
    // A long name stores under a label, not its name pattern.
    {
      metadata: {
        name: 'odd-name',
        namespace: 'ns',
        labels: { ...MANAGED, 'toolhive.stacklok.io/registry': 'r' },
        ownerReferences: owner('u1'),
      },
    },
  ];
  assert.deepEqual(cachedStorageNames(cms, { namespace: 'ns', name: 'r', uid: 'u1' }), [
    'r-registry-storage',
    'r-registry-storage-0',
    'odd-name',
  ]);
  assert.equal(isStorageOf('r-registry-storage-12', 'r'), true);
  assert.equal(isStorageOf('r-registry-storage-x', 'r'), false);
  assert.equal(isStorageOf('r2-registry-storage', 'r'), false);
});
