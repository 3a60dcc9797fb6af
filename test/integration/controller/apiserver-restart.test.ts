/**
 * The apiserver goes away in the middle of a sync and comes back: the controller's informers
 * re-list, the interrupted reconcile is retried, and the registry converges to Ready with its data.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:https';
import { useIsolatedCluster } from './isolated.ts';
import { client, createNamespace } from '../../support/cluster.ts';
import { startController, type ControllerProcess } from '../../support/controller.ts';
import { createCA, issueCert } from '../../../src/pki/pki.ts';
import { REGISTRIES } from '../../../src/controller/registry-api-client.ts';
import { readStoredCatalog } from '../../../src/controller/storage.ts';
import type { ControlPlane } from '../../../src/local/control-plane.ts';
import { FIXTURE, FIXTURE_DOC, registry, waitPhase } from './helpers.ts';

let ns: string;
let ctrl: ControllerProcess;
let server: Server;
let cp: ControlPlane;
let requested: () => void = () => {};

before(async () => {
  const c = await useIsolatedCluster();
  cp = c.cp;
  ns = await createNamespace('ctrl-restart');
  const ca = await createCA('ca');
  const cert = await issueCert(ca, { commonName: 's', ipAddresses: ['127.0.0.1'], usage: 'server' });
  // Answers after 1.5 s, so the sync is in flight while the apiserver is down.
  server = createServer({ cert: cert.certPem, key: cert.keyPem }, (_q, res) => {
    requested();
    setTimeout(() => res.end(FIXTURE), 1500);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  await client().create(
    { group: '', version: 'v1', plural: 'secrets', namespace: ns },
    { metadata: { name: 'ca' }, stringData: { 'ca.crt': ca.certPem } },
  );
  ctrl = startController({ kubeconfig: c.kubeconfig, namespaces: [ns] });
});
after(async () => {
  await ctrl?.stop();
  server?.closeAllConnections();
  server?.close();
  await cp?.stop();
});

test('stopping and restarting the apiserver mid-sync converges to Ready', async () => {
  const addr = server.address();
  const port = typeof addr === 'object' && addr ? addr.port : 0;
  const firstFetch = new Promise<void>((r) => (requested = r));
  await client().create(
    { ...REGISTRIES, namespace: ns },
    registry(ns, 'outage', {
      sources: [
        {
          name: 'web',
          type: 'url',
          url: { href: `https://127.0.0.1:${port}/r.json`, caBundleRef: { name: 'ca' } },
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
