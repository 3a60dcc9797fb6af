/**
 * A resync writes only the storage ConfigMaps whose content changed (SPEC §16, issue #34 item 2),
 * counted through the real apiserver: a ConfigMap left alone keeps its resourceVersion. The catalog
 * is stored as one gzip stream cut into shards, and deflate's output before a change is the same
 * bytes, so a change to the last servers in name order leaves the first shards as they were.
 */
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { client, createNamespace } from '../../support/cluster.ts';
import { createRegistry } from '../../support/stored-registry.ts';
import { FIXTURE } from '../controller/helpers.ts';
import { readStoredText, writeStorage, type RegistryRef } from '../../../src/storage/configmaps.ts';
import { CONFIGMAPS as CM, type ConfigMapObject } from '../../../src/kube/configmaps.ts';
import { storageName } from '../../../src/storage/layout.ts';

let reg: RegistryRef;

before(async () => {
  const ns = await createNamespace('shard-writes');
  const created = await createRegistry(ns, 'mirror');
  reg = { namespace: ns, name: 'mirror', uid: created.metadata.uid ?? '' };
});

/** ToolHive text of `n` servers with incompressible descriptions (~2 MB, ~1.5 MB of gzip: three shards). */
function catalogText(n: number, changed: Record<number, string> = {}): string {
  const doc = JSON.parse(FIXTURE) as { servers: Record<string, Record<string, unknown>> };
  const [, entry] = Object.entries(doc.servers)[0] ?? ['', {}];
  const servers: Record<string, Record<string, unknown>> = {};
  for (let i = 0; i < n; i++)
    servers[`s-${String(i).padStart(5, '0')}`] = { ...entry, description: changed[i] ?? descriptions[i] };
  return JSON.stringify({ ...doc, servers, remote_servers: {} });
}
const descriptions = Array.from({ length: 2500 }, () => randomBytes(600).toString('base64'));

/** Every storage ConfigMap of the registry with its resourceVersion. */
async function versions(): Promise<Map<string, string>> {
  const list = await client().list<ConfigMapObject>({ ...CM, namespace: reg.namespace });
  return new Map(
    list.items
      .filter((cm) => cm.metadata.name.startsWith(storageName(reg.name)))
      .map((cm) => [cm.metadata.name, cm.metadata.resourceVersion ?? '']),
  );
}

test('a resync writes only the ConfigMaps whose content changed; the catalog reads back whole', async () => {
  // What the controller's integrity check knows: the versions its own writes returned.
  const known = new Map<string, string>();
  const trusted = (name: string, rv: string) => known.get(name) === rv;
  const store = async (text: string) => {
    const info = await writeStorage(client(), reg, text, undefined, undefined, undefined, trusted);
    for (const [name, rv] of Object.entries(info.versions)) known.set(name, rv);
    return info;
  };
  const first = await store(catalogText(2500));
  assert.ok(first.configMaps.length >= 4, `sharded: ${first.configMaps.join(', ')}`);
  assert.deepEqual([...(first.written ?? [])].sort(), [...first.configMaps].sort());
  const before = await versions();

  // The same content again: nothing is written.
  const same = await store(catalogText(2500));
  assert.deepEqual(same.written, []);
  assert.deepEqual(await versions(), before);

  // The last server changes: the shards before it keep their versions, the index is written.
  const text = catalogText(2500, { 2499: 'changed' });
  const next = await store(text);
  const after = await versions();
  const kept = [...after].filter(([name, rv]) => before.get(name) === rv).map(([name]) => name);
  assert.deepEqual(
    [...after.keys()].filter((name) => !kept.includes(name)).sort(),
    [...(next.written ?? [])].sort(),
    'the ConfigMaps whose resourceVersion moved are exactly those written',
  );
  assert.ok(next.written?.includes(storageName(reg.name)), 'the index names the new content');
  assert.ok(kept.includes(`${storageName(reg.name)}-0`), `shard 0 is not rewritten: ${kept.join(', ')}`);
  assert.ok((next.written?.length ?? 0) < next.configMaps.length);
  assert.equal((await readStoredText(client(), reg.namespace, reg.name))?.text, text);

  // Without the integrity check's word, an annotation proves nothing: everything is written.
  const untrusted = await writeStorage(client(), reg, catalogText(2500));
  assert.deepEqual([...(untrusted.written ?? [])].sort(), [...untrusted.configMaps].sort());
});
