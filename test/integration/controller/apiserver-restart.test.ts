/**
 * The apiserver goes away in the middle of a sync and comes back: the controller's informers
 * re-list, the interrupted reconcile is retried, and the registry converges to Ready with its data.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { useIsolatedCluster } from './isolated.ts';
import { client, createNamespace } from '../../support/cluster.ts';
import { startController, type ControllerProcess } from '../../support/controller.ts';
import { REGISTRIES } from '../../../src/kube/mcpregistries.ts';
import { readStoredCatalog } from '../../../src/storage/configmaps.ts';
import type { ControlPlane } from '../../../src/local/control-plane.ts';
import { FIXTURE, FIXTURE_DOC, registry, startHttpsSource, waitPhase } from './helpers.ts';

let ns: string;
let ctrl: ControllerProcess;
let source: Awaited<ReturnType<typeof startHttpsSource>>;
let cp: ControlPlane;
let requested: () => void = () => {};

before(async () => {
  const c = await useIsolatedCluster();
  cp = c.cp;
  ns = await createNamespace('ctrl-restart');
  // Answers after 1.5 s, so the sync is in flight while the apiserver is down.
  source = await startHttpsSource(ns, (_q, res) => {
    requested();
    setTimeout(() => res.end(FIXTURE), 1500);
  });
  ctrl = startController({ kubeconfig: c.kubeconfig, namespaces: [ns] });
});
after(async () => {
  await ctrl?.stop();
  source?.close();
  await cp?.stop();
});

test('stopping and restarting the apiserver mid-sync converges to Ready', async () => {
  const firstFetch = new Promise<void>((r) => (requested = r));
  await client().create(
    { ...REGISTRIES, namespace: ns },
    registry(ns, 'outage', {
      sources: [
        {
          name: 'web',
          type: 'url',
          url: { href: `${source.base}/r.json`, caBundleRef: { name: 'ca' } },
        },
      ],
    }),
  );
  await firstFetch;
  await cp.stopApiserver();
  await new Promise((r) => setTimeout(r, 3000));
  await cp.startApiserver();
  client().close();
  const r = await waitPhase(ns, 'outage', 'Ready', () => true, 90_000);
  const all = Object.keys(FIXTURE_DOC.servers).length + Object.keys(FIXTURE_DOC.remote_servers ?? {}).length;
  assert.equal(r.status?.sync?.serverCount, all);
  assert.equal((await readStoredCatalog(client(), ns, 'outage'))?.catalog.servers.length, all);
  assert.match(ctrl.log(), /watch failed; re-listing after backoff|reconcile failed/);
});
