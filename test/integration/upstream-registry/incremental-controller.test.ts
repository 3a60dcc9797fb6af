/**
 * Incremental mirrors in the controller (SPEC §16), on the real apiserver with the real controller
 * process and the official MCP registry server (on PostgreSQL 15; test/support/upstream-registry.ts).
 * Registries read the same registry through a loopback relay of ours that passes every request on
 * and notes its query (the proof that updated_since was asked, or not): read incrementally
 * (`fullSyncEvery: 1000`) or whole every time (`fullSyncEvery: 1`), every version and latest only,
 * after random publish / new version / deprecate / delete / reactivate rounds their storage is the
 * same text. A relay path that drops updated_since stands for a registry that ignores it: the
 * registry ends in the fallback, said by SourceAvailable and a Warning Event, and reads whole since.
 * After an operator restart (nothing held: the same as a registry moving to another replica) the
 * first read is whole and the next incremental again.
 * The registry is on loopback over http, which the shared stack's policy refuses, so this file runs
 * its own webhook-less control plane (as official-server.test.ts does).
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { useIsolatedCluster } from '../controller/isolated.ts';
import { getReg, registry, waitPhase } from '../controller/helpers.ts';
import { client, createNamespace, eventually } from '../../support/cluster.ts';
import { startController, type ControllerProcess } from '../../support/controller.ts';
import {
  ANONYMOUS,
  serverJson,
  startUpstreamRegistry,
  type UpstreamRegistry,
} from '../../support/upstream-registry.ts';
import { REGISTRIES } from '../../../src/kube/mcpregistries.ts';
import { CONFIGMAPS, type ConfigMapObject } from '../../../src/kube/configmaps.ts';
import { storageName } from '../../../src/storage/layout.ts';
import type { MCPRegistryV1beta1 } from '../../../src/api/types.ts';
import { change, random, type Published } from './changes.ts';
import { allItems } from './mirror.ts';
import { timeKey } from '../../../src/registry/time.ts';

const SEED = Number(process.env.MCPR_INCREMENTAL_SEED ?? 34_21);
const OFFICIAL = 'io.modelcontextprotocol.registry/official';

let ns: string;
let upstream: UpstreamRegistry;
let relay: Server;
let relayURL = '';
let ctrl: ControllerProcess | undefined;
let stopCluster: (() => Promise<void>) | undefined;
let kubeconfig = '';
/** The query of every list request the relay passed on, by the path's tag. */
const asked = new Map<string, URLSearchParams[]>();

/**
 * /pass/<tag>/v0.1/... goes to the official server as asked; /ignore/<tag>/v0.1/... without
 * updated_since, as a registry that does not know the parameter answers; /reject/<tag>/v0.1/...
 * refuses a request with it (400), as a strict one does.
 */
function startRelay(target: string): Promise<Server> {
  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://relay');
    const [, mode, tag] = url.pathname.split('/');
    const rest = url.pathname.split('/').slice(3).join('/');
    const q = new URLSearchParams(url.search);
    if (rest === 'v0.1/servers')
      asked.set(tag ?? '', [...(asked.get(tag ?? '') ?? []), new URLSearchParams(q)]);
    if (mode === 'ignore') q.delete('updated_since');
    if (mode === 'reject' && q.has('updated_since')) return void res.writeHead(400).end('unknown parameter');
    fetch(`${target}/${rest}${q.size ? `?${q}` : ''}`)
      .then(async (r) => {
        res.writeHead(r.status, { 'content-type': r.headers.get('content-type') ?? 'application/json' });
        res.end(Buffer.from(await r.arrayBuffer()));
      })
      .catch(() => {
        res.writeHead(502).end();
      });
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server)));
}

before(async () => {
  const cluster = await useIsolatedCluster();
  stopCluster = cluster.stop;
  ns = await createNamespace('mirror-incremental');
  // Enough servers that five rounds of changes weigh less than a whole read (mirror-read.ts
  // nextHeldRead reads whole once they weigh as much), so every round reads incrementally.
  upstream = await startUpstreamRegistry({
    seed: Array.from({ length: 48 }, (_, i) => serverJson(`io.example.inc/seed-${i}`, '1.0.0')),
  });
  relay = await startRelay(upstream.baseURL);
  relayURL = `http://127.0.0.1:${(relay.address() as AddressInfo).port}`;
  kubeconfig = cluster.kubeconfig;
  ctrl = startController({ kubeconfig, namespaces: [ns] });
});

after(async () => {
  await ctrl?.stop();
  relay?.close();
  await upstream?.stop();
  await stopCluster?.();
});

async function create(name: string, path: string, registrySpec: Record<string, unknown>): Promise<void> {
  await client().create(
    { ...REGISTRIES, namespace: ns },
    registry(ns, name, {
      sources: [
        { name: 'up', type: 'registry', registry: { baseURL: `${relayURL}/${path}`, ...registrySpec } },
      ],
    }),
  );
}

/** Asks each registry for a sync and waits for that sync's outcome (the trigger acknowledged). */
async function syncAll(names: string[], value: string): Promise<MCPRegistryV1beta1[]> {
  for (const name of names)
    await client().patch({ ...REGISTRIES, namespace: ns, name }, 'merge', {
      metadata: { annotations: { 'toolhive.stacklok.io/sync-trigger': value } },
    });
  const out: MCPRegistryV1beta1[] = [];
  for (const name of names)
    out.push(
      await waitPhase(ns, name, 'Ready', (r) => r.status?.sync?.lastManualSyncTrigger === value, 120_000),
    );
  return out;
}

/** The storage ConfigMap's content as stored (data and binaryData), and the shards it names. */
async function storedContent(name: string): Promise<string> {
  const cm = await client().get<ConfigMapObject>({ ...CONFIGMAPS, namespace: ns, name: storageName(name) });
  return JSON.stringify({ data: cm.data ?? {}, binaryData: cm.binaryData ?? {} });
}

const sourceAvailable = (r: MCPRegistryV1beta1) =>
  r.status?.conditions?.find((c) => c.type === 'SourceAvailable');
const sinceAsked = (tag: string) => (asked.get(tag) ?? []).filter((q) => q.has('updated_since')).length;

test('incremental and whole syncs store the same after random changes (every version and latest only)', async () => {
  const pairs = [
    ['inc-all', 'whole-all', {}],
    ['inc-latest', 'whole-latest', { maxVersionsPerServer: 1 }],
  ] as const;
  for (const [inc, whole, spec] of pairs) {
    await create(inc, `pass/${inc}`, { ...spec, fullSyncEvery: 1000 });
    await create(whole, `pass/${whole}`, { ...spec, fullSyncEvery: 1 });
  }
  const names = pairs.flatMap(([a, b]) => [a, b]);
  for (const name of names) await waitPhase(ns, name, 'Ready', () => true, 120_000);
  const next = random(SEED);
  const published: Published = new Map();
  for (let round = 1; round <= 5; round++) {
    const done: string[] = [];
    for (let i = 0, n = 1 + Math.floor(next() * 4); i < n; i++)
      done.push(await change(upstream, published, next));
    const what = `seed ${SEED}, round ${round}: ${done.join('; ')}`;
    const before = new Map(names.map((n) => [n, sinceAsked(n)]));
    const regs = new Map((await syncAll(names, `round-${round}`)).map((r) => [r.metadata.name, r]));
    for (const [inc, whole] of pairs) {
      // The incremental registry asked for the changes only; the other read whole.
      assert.ok(sinceAsked(inc) > (before.get(inc) ?? 0), `${what}: ${inc} asked updated_since`);
      assert.equal(sinceAsked(whole), 0, `${what}: ${whole} never asks updated_since`);
      assert.equal(await storedContent(inc), await storedContent(whole), `${what}: ${inc} vs ${whole}`);
      const [a, b] = [regs.get(inc), regs.get(whole)];
      assert.equal(a?.status?.sync?.hash, b?.status?.sync?.hash, what);
      assert.equal(a?.status?.sync?.serverCount, b?.status?.sync?.serverCount, what);
      assert.equal(sourceAvailable(a as MCPRegistryV1beta1)?.reason, 'Fetched', what);
    }
  }
});

test('a registry that ignores or refuses updated_since: the fallback in status and an Event, every later read whole', async () => {
  await create('ignoring', 'ignore/ignoring', { fullSyncEvery: 1000 });
  await create('rejecting', 'reject/rejecting', { fullSyncEvery: 1000 });
  await waitPhase(ns, 'ignoring', 'Ready', () => true, 120_000);
  await waitPhase(ns, 'rejecting', 'Ready', () => true, 120_000);
  // What the incremental read will be answered with: everything, each at or before the latest time.
  const items = await allItems(upstream.baseURL, 'include_deleted=true');
  const times = items.map((i) => String(i._meta[OFFICIAL]?.updatedAt));
  // Compared exactly (to the nanosecond), as the controller does, and named as the registry wrote it.
  const latest = times.reduce((a, b) => ((timeKey(b) as bigint) > (timeKey(a) as bigint) ? b : a));
  const why = `the registry ignores updated_since: asked for entries updated after ${latest}, it listed ${items.length} updated at or before it`;
  const said = (r?: MCPRegistryV1beta1) => {
    const c = r && sourceAvailable(r);
    return { phase: r?.status?.phase, status: c?.status, reason: c?.reason, message: c?.message };
  };
  const fallback = (reason: string) => ({
    phase: 'Ready',
    status: 'True',
    reason: 'WholeSyncFallback',
    message: `fetched up; source up is read whole at every sync: ${reason}`,
  });
  const [r, refused] = await syncAll(['ignoring', 'rejecting'], 'detect');
  assert.deepEqual(said(r), fallback(why));
  // The strict registry's 400 is not a failed sync: the same sync read it whole.
  assert.deepEqual(said(refused), fallback('the registry refuses updated_since (HTTP 400)'));
  const event = await eventually(
    'the IncrementalSyncFallback Event',
    async () => {
      const list = await client().list<{ type: string; reason: string; message: string }>(
        { group: '', version: 'v1', plural: 'events', namespace: ns },
        { fieldSelector: 'involvedObject.name=ignoring' },
      );
      return list.items.find((e) => e.reason === 'IncrementalSyncFallback');
    },
    60_000,
  );
  assert.deepEqual(
    { type: event.type, message: event.message },
    { type: 'Warning', message: `source up is read whole at every sync: ${why}` },
  );
  // From then on every read is whole: no updated_since asked again, the status still says why.
  const asks = [sinceAsked('ignoring'), sinceAsked('rejecting')];
  const again = await syncAll(['ignoring', 'rejecting'], 'after');
  assert.deepEqual([sinceAsked('ignoring'), sinceAsked('rejecting')], asks);
  assert.deepEqual(again.map(said), [
    fallback(why),
    fallback('the registry refuses updated_since (HTTP 400)'),
  ]);
  assert.equal((await getReg(ns, 'rejecting')).status?.sync?.attempts ?? 0, 0);
});

test('after an operator restart the first sync reads whole (nothing held), the next incrementally; storage the same', async () => {
  const names = ['inc-all', 'whole-all'];
  await ctrl?.stop();
  ctrl = startController({ kubeconfig, namespaces: [ns] });
  const before = sinceAsked('inc-all');
  // A change while the operator was away: the whole read after the restart has it.
  await upstream.publish(serverJson(`${ANONYMOUS}/while-away`, '1.0.0'));
  await syncAll(names, 'restarted');
  assert.equal(sinceAsked('inc-all'), before, 'the first sync of a new process reads whole');
  assert.equal(await storedContent('inc-all'), await storedContent('whole-all'));
  await upstream.publish(serverJson(`${ANONYMOUS}/after-restart`, '1.0.0'));
  await syncAll(names, 'restarted-2');
  assert.equal(sinceAsked('inc-all'), before + 1, 'then incrementally again');
  assert.equal(await storedContent('inc-all'), await storedContent('whole-all'));
});
