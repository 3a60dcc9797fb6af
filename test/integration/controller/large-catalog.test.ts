/**
 * A 10,000-server catalog built from the real fixture entries syncs over HTTPS, is stored within
 * the ConfigMap limits (gzip shards with an index), and reads back equal to the source. Each copy
 * carries random bytes so the catalog does not gzip below one ConfigMap and must be sharded.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { useIsolatedCluster } from './isolated.ts';
import { client, createNamespace } from '../../support/cluster.ts';
import { startController, type ControllerProcess } from '../../support/controller.ts';
import { readStoredCatalog } from '../../../src/storage/configmaps.ts';
import { REGISTRIES } from '../../../src/kube/mcpregistries.ts';
import { parseRegistryDocument } from '../../../src/registry/index.ts';
import { FIXTURE, registry, startHttpsSource, storageConfigMaps, waitPhase } from './helpers.ts';

let ns: string;
let ctrl: ControllerProcess;
let source: Awaited<ReturnType<typeof startHttpsSource>>;
let stopCluster: () => Promise<void>;
let big: string;

function tenThousand(): string {
  const doc = JSON.parse(FIXTURE) as {
    servers: Record<string, Record<string, unknown>>;
    remote_servers?: Record<string, Record<string, unknown>>;
  };
  const entries = Object.entries(doc.servers);
  const servers: Record<string, Record<string, unknown>> = {};
  for (let i = 0; i < 10_000; i++) {
    const [name, entry] = entries[i % entries.length] ?? ['x', {}];
    servers[`${name}-${String(i).padStart(5, '0')}`] = {
      ...entry,
      description: `${String(entry.description ?? '')} (copy ${i}, build ${randomBytes(64).toString('hex')})`,
    };
  }
  return JSON.stringify({ ...doc, servers, remote_servers: {} });
}

before(async () => {
  const c = await useIsolatedCluster();
  stopCluster = c.stop;
  ns = await createNamespace('ctrl-10k');
  big = tenThousand();
  source = await startHttpsSource(ns, (_q, res) => res.end(big));
  ctrl = startController({ kubeconfig: c.kubeconfig, namespaces: [ns] });
});
after(async () => {
  await ctrl?.stop();
  source?.close();
  await stopCluster?.();
});

test('10,000 servers sync, shard within ConfigMap limits, and read back equal', async () => {
  await client().create(
    { ...REGISTRIES, namespace: ns },
    registry(ns, 'big', {
      sources: [
        {
          name: 'web',
          type: 'url',
          url: { href: `${source.base}/r.json`, caBundleRef: { name: 'ca' } },
        },
      ],
    }),
  );
  const r = await waitPhase(ns, 'big', 'Ready', () => true, 180_000);
  assert.equal(r.status?.sync?.serverCount, 10_000);
  assert.equal(r.status?.storage?.compressed, true);
  const cms = await storageConfigMaps(ns, 'big');
  assert.ok(cms.length >= 2, `expected shards, got ${cms.length} ConfigMap(s)`);
  assert.deepEqual(Object.keys(cms.find((c) => c.metadata.name === 'big-registry-storage')?.data ?? {}), [
    'index.json',
  ]);
  assert.deepEqual(cms.map((c) => c.metadata.name).sort(), [...(r.status?.storage?.configMaps ?? [])].sort());
  for (const cm of cms) {
    const size = Buffer.byteLength(JSON.stringify({ data: cm.data, binaryData: cm.binaryData }));
    assert.ok(size < 1024 * 1024, `${cm.metadata.name} is ${size} bytes`);
  }
  const stored = await readStoredCatalog(client(), ns, 'big');
  const expected = parseRegistryDocument(big, 'toolhive').catalog;
  assert.equal(stored?.catalog.servers.length, 10_000);
  assert.deepEqual(stored?.catalog.servers, expected.servers);
});
