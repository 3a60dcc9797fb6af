/**
 * The Event recorder against an in-memory apiserver with resourceVersion preconditions: one request
 * per new or repeated Event, a stale memory (another replica counted) or a fresh process (nothing
 * remembered) still counts on the same Event, and an expired Event starts again at 1.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { EventRecorder } from '../../../src/controller/events.ts';
import { KubeApiError, type KubeClient, type ResourceRef } from '../../../src/kube/client.ts';

type Ev = { metadata: { name: string; resourceVersion?: string }; count: number; lastTimestamp: string };

function fakeApiserver() {
  const store = new Map<string, Ev>();
  let rv = 0;
  const calls: string[] = [];
  const fail = (status: number) => new KubeApiError(status, { message: String(status) }, []);
  const client = {
    async find(ref: ResourceRef) {
      calls.push('get');
      const e = store.get(ref.name ?? '');
      return e && structuredClone(e);
    },
    async create(_ref: ResourceRef, body: Ev) {
      calls.push('create');
      if (store.has(body.metadata.name)) throw fail(409);
      const e = { ...structuredClone(body), metadata: { ...body.metadata, resourceVersion: String(++rv) } };
      store.set(body.metadata.name, e);
      return { body: structuredClone(e) };
    },
    async replace(ref: ResourceRef, body: Ev) {
      calls.push('replace');
      const cur = store.get(ref.name ?? '');
      if (!cur) throw fail(404);
      if (cur.metadata.resourceVersion !== body.metadata.resourceVersion) throw fail(409);
      const e = { ...structuredClone(body), metadata: { ...body.metadata, resourceVersion: String(++rv) } };
      store.set(ref.name ?? '', e);
      return { body: structuredClone(e) };
    },
  };
  return { client: client as unknown as KubeClient, store, calls };
}

const target = { namespace: 'ns', name: 'reg', uid: 'u1' };
const only = (store: Map<string, Ev>) => {
  assert.equal(store.size, 1);
  return [...store.values()][0]!;
};

test('a new Event is one create; each repeat is one replace that counts it', async () => {
  const api = fakeApiserver();
  const rec = new EventRecorder();
  for (let i = 0; i < 5; i++) await rec.record(api.client, target, 'Warning', 'SyncFailed', 'boom');
  assert.deepEqual(api.calls, ['create', 'replace', 'replace', 'replace', 'replace']);
  assert.equal(only(api.store).count, 5);
  await rec.record(api.client, target, 'Warning', 'SyncFailed', 'another message');
  assert.equal(api.store.size, 2, 'a different message is a different Event');
});

test('another writer in between, a restarted process, an expired Event: counts are never lost', async () => {
  const api = fakeApiserver();
  const a = new EventRecorder();
  const b = new EventRecorder();
  await a.record(api.client, target, 'Warning', 'SyncFailed', 'boom');
  await b.record(api.client, target, 'Warning', 'SyncFailed', 'boom'); // fresh: create 409, get, replace
  await a.record(api.client, target, 'Warning', 'SyncFailed', 'boom'); // stale: replace 409, get, replace
  assert.equal(only(api.store).count, 3);
  assert.deepEqual(api.calls, ['create', 'create', 'get', 'replace', 'replace', 'get', 'replace']);
  api.store.clear(); // the event TTL passed
  await a.record(api.client, target, 'Warning', 'SyncFailed', 'boom'); // replace 404, create
  assert.equal(only(api.store).count, 1);
});
