/**
 * A configmap source reads the informer's copy when the controller has one (no GET of a body that a
 * thousand registries may share), falls back to a GET on a miss, and says the same thing either way
 * when the key is missing or the ConfigMap does not exist.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fetchConfigMap } from '../../../src/sources/configmap.ts';
import { KubeApiError, type KubeClient } from '../../../src/kube/client.ts';
import type { ConfigMapObject } from '../../../src/kube/configmaps.ts';

const cm = (data: Record<string, string>, binaryData?: Record<string, string>): ConfigMapObject => ({
  metadata: { name: 'catalog', namespace: 'ns', resourceVersion: '7' },
  data,
  ...(binaryData ? { binaryData } : {}),
});

function client(stored: ConfigMapObject | undefined): { client: KubeClient; gets: () => number } {
  let gets = 0;
  const fake = {
    async get() {
      gets++;
      if (!stored)
        throw new KubeApiError(
          404,
          { kind: 'Status', code: 404, reason: 'NotFound', message: 'not found' },
          [],
        );
      return stored;
    },
  };
  return { client: fake as unknown as KubeClient, gets: () => gets };
}

test('the informer copy is read without a GET', async () => {
  const c = client(cm({ 'registry.json': 'from the API' }));
  const text = await fetchConfigMap(c.client, 'ns', { name: 'catalog' }, () =>
    cm({ 'registry.json': 'cached' }),
  );
  assert.equal(text, 'cached');
  assert.equal(c.gets(), 0);
});

test('a cache miss falls back to a GET', async () => {
  const c = client(cm({ 'registry.json': 'from the API' }));
  assert.equal(await fetchConfigMap(c.client, 'ns', { name: 'catalog' }, () => undefined), 'from the API');
  assert.equal(await fetchConfigMap(c.client, 'ns', { name: 'catalog' }), 'from the API');
  assert.equal(c.gets(), 2);
});

test('binaryData, a missing key and a missing ConfigMap read the same from the cache as from the API', async () => {
  const b64 = Buffer.from('binary text').toString('base64');
  const c = client(undefined);
  assert.equal(
    await fetchConfigMap(c.client, 'ns', { name: 'catalog', key: 'b' }, () => cm({}, { b: b64 })),
    'binary text',
  );
  await assert.rejects(
    fetchConfigMap(c.client, 'ns', { name: 'catalog', key: 'other' }, () => cm({ a: '1' })),
    { message: 'ConfigMap ns/catalog has no key "other" (keys: a)' },
  );
  await assert.rejects(
    fetchConfigMap(c.client, 'ns', { name: 'catalog' }, () => undefined),
    {
      message: 'ConfigMap ns/catalog not found',
    },
  );
});
