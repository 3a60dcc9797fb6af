/**
 * `thv registry sync --wait` waits for the sync it asked for (#21 item 5), with the real controller on
 * a control plane of this file's own (no admission webhooks: the source is a plain-HTTP loopback server
 * the shared stack's policy rightly refuses). A URL source is not watched, so only the sync the
 * command triggers can bring new data: its summary must show that data. A trigger that arrives together
 * with a spec change is answered by the one sync that change causes, not by a second one.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import { useIsolatedCluster } from '../controller/isolated.ts';
import { client, createNamespace, eventually } from '../../support/cluster.ts';
import { startController, type ControllerProcess } from '../../support/controller.ts';
import { REGISTRIES } from '../../../src/kube/mcpregistries.ts';
import { FIXTURE_DOC, registry, waitPhase } from '../controller/helpers.ts';
import { thv } from './thv.ts';

let ns: string;
let ctrl: ControllerProcess;
let stopCluster: (() => Promise<void>) | undefined;
let server: Server;
let href: string;
let served = '';

const NAMES = Object.keys(FIXTURE_DOC.servers).sort();
const catalog = (count: number) =>
  JSON.stringify({
    version: '1.0.0',
    last_updated: '2026-11-29T00:00:00Z',
    servers: Object.fromEntries(NAMES.slice(0, count).map((n) => [n, FIXTURE_DOC.servers[n]])),
  });

before(async () => {
  const cluster = await useIsolatedCluster();
  stopCluster = cluster.stop;
  ns = await createNamespace('cli-sync-wait');
  server = createServer((_req, res) =>
    res.writeHead(200, { 'content-type': 'application/json' }).end(served),
  );
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const addr = server.address();
  href = `http://127.0.0.1:${typeof addr === 'object' && addr ? addr.port : 0}/registry.json`;
  ctrl = startController({ kubeconfig: cluster.kubeconfig, namespaces: [ns] });
});
after(async () => {
  await ctrl?.stop();
  server?.closeAllConnections();
  server?.close();
  await stopCluster?.();
});

test('sync --wait of a Ready registry reports the sync it triggered: the new data’s count', async () => {
  served = catalog(5);
  await client().create(
    { ...REGISTRIES, namespace: ns },
    registry(ns, 'remote', { sources: [{ name: 'web', type: 'url', url: { href } }] }),
  );
  await waitPhase(ns, 'remote', 'Ready', (r) => r.status?.sync?.serverCount === 5);

  served = catalog(3); // nothing watches a URL: only the requested sync can see this
  const r = await thv(['registry', 'sync', 'remote', '-n', ns, '--wait']);
  assert.equal(r.code, 0, `${r.stderr}\n--- controller ---\n${ctrl.log().slice(-2000)}`);
  const [requested, summary] = r.stdout.split('\n');
  const trigger = /sync-trigger=(\S+)\)$/.exec(requested ?? '')?.[1];
  assert.ok(trigger, requested);
  assert.equal(summary, 'mcpregistry.toolhive.stacklok.io/remote synced: 3 servers, Ready');
  const after = await client().get<{
    status: { sync: { lastManualSyncTrigger?: string; serverCount?: number } };
  }>({ ...REGISTRIES, namespace: ns, name: 'remote' });
  assert.equal(after.status.sync.lastManualSyncTrigger, trigger);
  assert.equal(after.status.sync.serverCount, 3);

  // The same again with unchanged data: a no-op sync still answers the trigger.
  const again = await thv(['registry', 'sync', 'remote', '-n', ns, '--wait']);
  assert.equal(again.code, 0, again.stderr);
  assert.equal(
    again.stdout.split('\n')[1],
    'mcpregistry.toolhive.stacklok.io/remote synced: 3 servers, Ready',
  );
});

test('a trigger that comes with a spec change is acknowledged by that one sync, not a second', async () => {
  served = catalog(4);
  const ref = { ...REGISTRIES, namespace: ns, name: 'remote' };
  const logBefore = ctrl.log().length;
  // What `kubectl apply` of a manifest with a new filter and a new sync-trigger value sends.
  await client().patch(ref, 'merge', {
    metadata: { annotations: { 'toolhive.stacklok.io/sync-trigger': 'with-spec-change' } },
    spec: { filter: { names: { exclude: [NAMES[0]] } } },
  });
  const done = await eventually('the trigger to be acknowledged', async () => {
    const r = await client().get<{
      metadata: { generation: number };
      status: { observedGeneration?: number; sync: { lastManualSyncTrigger?: string; serverCount?: number } };
    }>(ref);
    return r.status.sync.lastManualSyncTrigger === 'with-spec-change' ? r : undefined;
  });
  assert.equal(done.status.observedGeneration, done.metadata.generation);
  assert.equal(done.status.sync.serverCount, 3);
  // Before, the spec change synced without recording the trigger, and a second sync (ManualTrigger)
  // recorded it: by the time the trigger shows, both would be in the log.
  const reasons = ctrl
    .log()
    .slice(logBefore)
    .split('\n')
    .filter((l) => l.includes('"name":"remote"') && l.includes('"msg":"syncing"'))
    .map((l) => (JSON.parse(l) as { reason: string }).reason);
  assert.deepEqual(reasons, ['SpecChanged']);
});
