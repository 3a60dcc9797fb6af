/**
 * Health as GitOps tools read it, on objects the real controller wrote on a real apiserver: kstatus
 * (the library behind Flux and cli-utils, test/kstatus) says InProgress while a registry syncs,
 * Current when it is Ready and Failed when its sync failed; Argo CD's health script agrees; and
 * `kubectl wait --for=condition=Ready` (and `=Stalled`) returns when it should. The file runs its own
 * control plane, because its source is a loopback HTTPS server that the shared stack's policy refuses.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import type { ServerResponse } from 'node:http';
import { useIsolatedCluster } from '../controller/isolated.ts';
import {
  FIXTURE,
  getReg,
  putConfigMap,
  registry,
  startHttpsSource,
  waitPhase,
} from '../controller/helpers.ts';
import { client, createNamespace } from '../../support/cluster.ts';
import { startController, type ControllerProcess } from '../../support/controller.ts';
import { REGISTRIES } from '../../../src/kube/mcpregistries.ts';
import { argoHealth, kstatus } from './health-readers.ts';
import { kubectlAt } from '../../support/kubectl.ts';

let ns: string;
let kubeconfig: string;
let stopCluster: (() => Promise<void>) | undefined;
let ctrl: ControllerProcess | undefined;
let source: Awaited<ReturnType<typeof startHttpsSource>> | undefined;
/** Requests to /slow.json wait here until release(). */
const held: ServerResponse[] = [];
let released = false;
function release(): void {
  released = true;
  for (const res of held.splice(0)) res.writeHead(200, { 'content-type': 'application/json' }).end(FIXTURE);
}

before(async () => {
  const cluster = await useIsolatedCluster();
  stopCluster = cluster.stop;
  kubeconfig = cluster.kubeconfig;
  ns = await createNamespace('gitops-health');
  source = await startHttpsSource(ns, (req, res) => {
    if (!req.url?.startsWith('/slow.json')) return void res.writeHead(404).end();
    if (released) res.writeHead(200, { 'content-type': 'application/json' }).end(FIXTURE);
    else held.push(res);
  });
  await putConfigMap(ns, 'catalog', { 'registry.json': FIXTURE });
  ctrl = startController({ kubeconfig, namespaces: [ns] });
});

after(async () => {
  release();
  await ctrl?.stop();
  source?.close();
  await stopCluster?.();
});

function kubectl(args: string[]) {
  return kubectlAt(kubeconfig, ['-n', ns, ...args], { timeoutMs: 180_000 });
}

/** The object exactly as the apiserver serves it (what Flux, Argo CD and kubectl read). */
async function live(name: string): Promise<unknown> {
  return client().get({ ...REGISTRIES, namespace: ns, name });
}

test('Ready: kstatus Current, Argo CD Healthy, kubectl wait --for=condition=Ready returns', async () => {
  await client().create(
    { ...REGISTRIES, namespace: ns },
    registry(ns, 'ready', {
      sources: [{ name: 'main', type: 'configmap', configMapRef: { name: 'catalog' } }],
    }),
  );
  const w = kubectl(['wait', '--for=condition=Ready', 'mcpregistry/ready', '--timeout=120s']);
  assert.equal(w.code, 0, w.stderr);
  assert.equal(w.stdout, 'mcpregistry.toolhive.stacklok.io/ready condition met\n');
  const reg = await waitPhase(ns, 'ready', 'Ready');
  const obj = await live('ready');
  const [k] = kstatus([obj]);
  assert.equal(k?.status, 'Current', k?.message);
  assert.deepEqual(argoHealth(obj), { status: 'Healthy', message: reg.status?.message });
  assert.equal(reg.status?.observedGeneration, reg.metadata.generation);
  assert.ok(!(reg.status?.conditions ?? []).some((c) => c.type === 'Reconciling' || c.type === 'Stalled'));
});

test('Failed: kstatus Failed with the status message, Argo CD Degraded, Stalled is waitable and Ready never comes', async () => {
  await client().create(
    { ...REGISTRIES, namespace: ns },
    registry(ns, 'failed', {
      sources: [{ name: 'main', type: 'configmap', configMapRef: { name: 'absent' } }],
    }),
  );
  const stalled = kubectl(['wait', '--for=condition=Stalled', 'mcpregistry/failed', '--timeout=120s']);
  assert.equal(stalled.code, 0, stalled.stderr);
  const reg = await waitPhase(ns, 'failed', 'Failed');
  const obj = await live('failed');
  const [k] = kstatus([obj]);
  assert.equal(k?.status, 'Failed');
  const stall = reg.status?.conditions?.find((c) => c.type === 'Stalled');
  assert.equal(k?.message, stall?.message);
  assert.equal(argoHealth(obj).status, 'Degraded');
  assert.equal(argoHealth(obj).message, stall?.message);
  const ready = kubectl(['wait', '--for=condition=Ready', 'mcpregistry/failed', '--timeout=2s']);
  assert.equal(ready.code, 1);
  assert.equal(ready.stderr, 'error: timed out waiting for the condition on mcpregistries/failed');
});

test('Syncing: kstatus InProgress and Argo CD Progressing while the source answers, then Current once Ready', async () => {
  assert.ok(source);
  await client().create(
    { ...REGISTRIES, namespace: ns },
    registry(ns, 'syncing', {
      sources: [
        {
          name: 'web',
          type: 'url',
          url: { href: `${source.base}/slow.json`, caBundleRef: { name: 'ca' }, timeout: '5m' },
        },
      ],
    }),
  );
  await waitPhase(ns, 'syncing', 'Syncing');
  const during = await live('syncing');
  const [k] = kstatus([during]);
  assert.equal(k?.status, 'InProgress', k?.message);
  assert.equal(k?.message, 'first sync in progress');
  assert.deepEqual(argoHealth(during), { status: 'Progressing', message: 'first sync in progress' });

  const waiting = spawn(
    'kubectl',
    [
      '--kubeconfig',
      kubeconfig,
      '-n',
      ns,
      'wait',
      '--for=condition=Ready',
      'mcpregistry/syncing',
      '--timeout=180s',
    ],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let out = '';
  waiting.stdout.on('data', (d: Buffer) => (out += d.toString()));
  const exited = new Promise<number | null>((r) => waiting.once('exit', (code) => r(code)));
  release();
  assert.equal(await exited, 0);
  assert.equal(out, 'mcpregistry.toolhive.stacklok.io/syncing condition met\n');
  const reg = await getReg(ns, 'syncing');
  assert.equal(reg.status?.phase, 'Ready');
  const [after] = kstatus([await live('syncing')]);
  assert.equal(after?.status, 'Current');
});
