/**
 * Storage ConfigMaps watched as metadata only (issue #15), against the real apiserver:
 * - the controller's ConfigMap cache (ConfigMapInformers, in process, through a client that records
 *   what it asked and what came back): the storage informer's list and watch ask for
 *   PartialObjectMetadata and receive no data; every other ConfigMap is cached whole; the two label
 *   selectors together hold every ConfigMap of the namespace exactly once, and a ConfigMap whose label
 *   is removed moves to the whole cache;
 * - a storage ConfigMap edited while the controller is stopped is repaired by the next controller,
 *   which remembers none of its predecessor's writes (the edit while it runs: repair.test.ts).
 */
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import pino from 'pino';
import {
  client,
  createNamespace,
  eventually,
  eventsText,
  tamperStorage,
  kubeconfigPath,
  kubectlOk,
} from '../../support/cluster.ts';
import { startController } from '../../support/controller.ts';
import { ConfigMapInformers } from '../../../src/controller/watch/configmap-informers.ts';
import { METADATA_ACCEPT, METADATA_LIST_ACCEPT, type KubeClient } from '../../../src/kube/client.ts';
import { CONFIGMAPS } from '../../../src/kube/configmaps.ts';
import { REGISTRIES } from '../../../src/kube/mcpregistries.ts';
import { FIXTURE, getReg, putConfigMap, registry, waitPhase } from './helpers.ts';

const OURS = { 'app.kubernetes.io/managed-by': 'mcp-registry-operator' };
type Seen = { kind?: string; items?: { kind?: string; data?: unknown }[]; data?: unknown };
interface Call {
  method: 'get' | 'watch';
  labelSelector?: unknown;
  accept?: string;
  received: Seen[];
}

/** The test client, recording each list and watch: its selector, its Accept header, and what came back. */
function recording(c: KubeClient, calls: Call[]): KubeClient {
  return new Proxy(c, {
    get(target, prop, receiver) {
      if (prop === 'get')
        return async (ref: unknown, query: Record<string, unknown> | undefined, accept?: string) => {
          const call: Call = { method: 'get', labelSelector: query?.labelSelector, accept, received: [] };
          calls.push(call);
          const body = (await target.get(ref as never, query as never, accept)) as Seen;
          call.received.push(body);
          return body;
        };
      if (prop === 'watch')
        return (
          ref: unknown,
          query: Record<string, unknown>,
          onEvent: (e: { object: Seen }) => void,
          signal?: AbortSignal,
          accept?: string,
        ) => {
          const call: Call = { method: 'watch', labelSelector: query.labelSelector, accept, received: [] };
          calls.push(call);
          return target.watch(
            ref as never,
            query as never,
            (e: { object: Seen }) => {
              call.received.push(e.object);
              onEvent(e);
            },
            signal,
            accept,
          );
        };
      return Reflect.get(target, prop, receiver) as unknown;
    },
  });
}

let ns: string;
before(async () => {
  ns = await createNamespace('ctrl-storage-watch');
});

const cmRef = () => ({ ...CONFIGMAPS, namespace: ns });
const create = (name: string, labels: Record<string, string> | undefined, data: Record<string, string>) =>
  client().create(cmRef(), { metadata: { name, namespace: ns, labels }, data });

test('storage ConfigMaps are listed and watched as metadata only; every other ConfigMap whole, each exactly once', async (t) => {
  const big = { 'registry.json': 'x'.repeat(100_000) };
  await create('listed-storage', OURS, big);
  await create('plain', undefined, { k: 'v' });
  await create('foreign-manager', { 'app.kubernetes.io/managed-by': 'helm' }, { k: 'v' });
  const calls: Call[] = [];
  const cache = new ConfigMapInformers(recording(client(), calls), ns, () => {}, pino({ level: 'silent' }));
  cache.start();
  t.after(() => cache.stop());
  await eventually('both informers listed', () => cache.hasSynced() || undefined);
  await create('watched-storage', OURS, big);
  await eventually('the storage watch delivered the new ConfigMap', () => cache.get(ns, 'watched-storage'));

  const storageCalls = calls.filter(
    (c) => c.labelSelector === 'app.kubernetes.io/managed-by=mcp-registry-operator',
  );
  const list = storageCalls.find((c) => c.method === 'get');
  assert.equal(list?.accept, METADATA_LIST_ACCEPT);
  assert.equal(list.received[0]?.kind, 'PartialObjectMetadataList');
  assert.deepEqual(
    list.received[0]?.items?.map((i) => [i.kind, 'data' in i]),
    [['PartialObjectMetadata', false]],
  );
  const watch = storageCalls.find((c) => c.method === 'watch');
  assert.equal(watch?.accept, METADATA_ACCEPT);
  const events = watch.received;
  assert.ok(events.length >= 1);
  for (const e of events) assert.deepEqual([e.kind, 'data' in e], ['PartialObjectMetadata', false]);
  for (const name of ['listed-storage', 'watched-storage']) {
    const kept = cache.get(ns, name);
    assert.equal(kept?.metadataOnly, true, name);
    assert.equal(kept.data, undefined, name);
    assert.equal(kept.metadata.labels?.['app.kubernetes.io/managed-by'], 'mcp-registry-operator');
  }
  // The other informer asks plain JSON and keeps data: a configmap source reads it from the cache.
  assert.ok(
    calls
      .filter((c) => c.labelSelector === 'app.kubernetes.io/managed-by!=mcp-registry-operator')
      .every((c) => c.accept === undefined),
  );
  assert.deepEqual(cache.get(ns, 'plain')?.data, { k: 'v' });
  assert.deepEqual(cache.get(ns, 'foreign-manager')?.data, { k: 'v' });

  // Exactly once: the two caches are disjoint and together hold what a plain list of the namespace holds.
  const all = (await client().list<{ metadata: { name: string } }>(cmRef())).items
    .map((c) => c.metadata.name)
    .sort();
  const storage = cache.storage.list().map((c) => c.metadata.name);
  const others = cache.others.list().map((c) => c.metadata.name);
  assert.deepEqual([...storage, ...others].sort(), all);
  assert.deepEqual(storage.sort(), ['listed-storage', 'watched-storage']);

  // Our label removed: the ConfigMap leaves the metadata cache and is cached whole.
  kubectlOk(['label', 'configmap', 'listed-storage', '-n', ns, 'app.kubernetes.io/managed-by-']);
  await eventually('moved to the whole cache', () =>
    cache.get(ns, 'listed-storage')?.data?.['registry.json'] === big['registry.json'] &&
    cache.storage.get(ns, 'listed-storage') === undefined
      ? true
      : undefined,
  );
});

test('a namespace without storage ConfigMaps is listed too (the metadata list then says items: null), and a storage ConfigMap created later is watched', async (t) => {
  const empty = await createNamespace('ctrl-storage-empty');
  const cache = new ConfigMapInformers(client(), empty, () => {}, pino({ level: 'silent' }));
  cache.start();
  t.after(() => cache.stop());
  await eventually('both informers listed', () => cache.hasSynced() || undefined);
  assert.deepEqual(cache.storage.list(), []);
  await client().create(
    { ...CONFIGMAPS, namespace: empty },
    { metadata: { name: 's', labels: OURS }, data: { k: 'v' } },
  );
  const kept = await eventually('the storage watch delivered it', () => cache.get(empty, 's'));
  assert.deepEqual([kept.metadataOnly, kept.data], [true, undefined]);
});

test('a storage ConfigMap edited while the controller is stopped is repaired by the next one; an untouched one is not rewritten', async () => {
  await putConfigMap(ns, 'catalog', { 'registry.json': FIXTURE });
  const ctrl = startController({ kubeconfig: kubeconfigPath(), namespaces: [ns] });
  const source = [{ name: 'main', type: 'configmap' as const, configMapRef: { name: 'catalog' } }];
  try {
    for (const name of ['tampered', 'untouched'])
      await client().create({ ...REGISTRIES, namespace: ns }, registry(ns, name, { sources: source }));
    await waitPhase(ns, 'tampered', 'Ready');
    await waitPhase(ns, 'untouched', 'Ready');
  } finally {
    await ctrl.stop();
  }
  const storage = (name: string) => ({ ...cmRef(), name: `${name}-registry-storage` });
  type Stored = { metadata: { resourceVersion: string }; data?: Record<string, string> };
  const original = await client().get<Stored>(storage('tampered'));
  const untouched = await client().get<Stored>(storage('untouched'));
  tamperStorage(ns, 'tampered-registry-storage');
  const next = startController({ kubeconfig: kubeconfigPath(), namespaces: [ns] });
  try {
    await eventually(
      'tampered storage rewritten by the restarted controller',
      async () => {
        const now = await client().get<Stored>(storage('tampered'));
        return JSON.stringify(now.data) === JSON.stringify(original.data) ? true : undefined;
      },
      60_000,
    );
    const events = eventsText(ns, 'involvedObject.name=tampered,reason=StorageRepaired', '{.items[*].type}');
    assert.equal(events.trim(), 'Warning');
    assert.equal((await getReg(ns, 'tampered')).status?.phase, 'Ready');
    // The untouched one was checked by a GET and left as it was.
    assert.equal(
      (await client().get<Stored>(storage('untouched'))).metadata.resourceVersion,
      untouched.metadata.resourceVersion,
    );
  } finally {
    await next.stop();
  }
});
