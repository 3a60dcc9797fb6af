/**
 * A `registry` source against the official MCP registry server (built from its Go module, on
 * PostgreSQL 15; test/support/upstream-registry.ts), the real apiserver and the real controller:
 * several hundred servers over several pages, several versions of one server, a deprecated, a
 * deleted and a deleted-latest server, a server published after the first sync, and the upstream
 * going away and coming back. The registry is on loopback over http, which the shared stack's
 * policy refuses, so this file runs its own webhook-less control plane (as the controller tests do).
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { useIsolatedCluster } from '../controller/isolated.ts';
import { getReg, registry, storageConfigMaps, waitPhase } from '../controller/helpers.ts';
import { client, createNamespace } from '../../support/cluster.ts';
import { startController, type ControllerProcess } from '../../support/controller.ts';
import {
  ANONYMOUS,
  serverJson,
  startUpstreamRegistry,
  type UpstreamRegistry,
} from '../../support/upstream-registry.ts';
import { readStoredCatalog } from '../../../src/storage/configmaps.ts';
import { REGISTRIES } from '../../../src/kube/mcpregistries.ts';
import type { MCPRegistryV1beta1 } from '../../../src/api/types.ts';

const SEEDED = 320;
const seedName = (i: number) => `io.example.seed/server-${String(i).padStart(3, '0')}`;
const MULTI = 'io.example.seed/multi';
const DEPRECATED = `${ANONYMOUS}/deprecated-one`;
const DELETED = `${ANONYMOUS}/deleted-one`;
const ROLLBACK = `${ANONYMOUS}/rollback`;
const LATE = `${ANONYMOUS}/late-arrival`;

let ns: string;
let upstream: UpstreamRegistry;
let ctrl: ControllerProcess | undefined;
let stopCluster: (() => Promise<void>) | undefined;

before(async () => {
  const cluster = await useIsolatedCluster();
  stopCluster = cluster.stop;
  ns = await createNamespace('upstream-official');
  upstream = await startUpstreamRegistry({
    seed: [
      ...Array.from({ length: SEEDED }, (_, i) => serverJson(seedName(i), '1.0.0')),
      // Published out of order: the registry, not arrival order, decides which one is latest.
      serverJson(MULTI, '1.0.0'),
      serverJson(MULTI, '1.10.0'),
      serverJson(MULTI, '1.2.0'),
    ],
  });
  await upstream.publish(serverJson(DEPRECATED, '1.0.0'));
  await upstream.setStatus(DEPRECATED, '1.0.0', 'deprecated', 'superseded by io.example.seed/multi');
  await upstream.publish(serverJson(DELETED, '1.0.0'));
  await upstream.setStatus(DELETED, '1.0.0', 'deleted', 'withdrawn by its publisher');
  await upstream.publish(serverJson(ROLLBACK, '1.0.0'));
  await upstream.publish(serverJson(ROLLBACK, '2.0.0'));
  ctrl = startController({ kubeconfig: cluster.kubeconfig, namespaces: [ns] });
});

after(async () => {
  await ctrl?.stop();
  await upstream?.stop();
  await stopCluster?.();
});

/** What the upstream itself lists as latest, page by page (the truth the sync must match). */
async function upstreamLatest(): Promise<string[]> {
  const out: string[] = [];
  let cursor = '';
  for (;;) {
    const r = await fetch(
      `${upstream.baseURL}/v0.1/servers?version=latest&limit=100${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`,
    );
    const page = (await r.json()) as {
      servers: { server: { name: string; version: string } }[];
      metadata: { nextCursor?: string };
    };
    out.push(...page.servers.map((s) => `${s.server.name}@${s.server.version}`));
    if (!page.metadata.nextCursor) return out.sort();
    cursor = page.metadata.nextCursor;
  }
}

async function stored(name: string) {
  const s = await readStoredCatalog(client(), ns, name);
  return s?.catalog.servers ?? [];
}

async function trigger(name: string, value: string): Promise<void> {
  await client().patch({ ...REGISTRIES, namespace: ns, name }, 'merge', {
    metadata: { annotations: { 'toolhive.stacklok.io/sync-trigger': value } },
  });
}

const conditions = (r: MCPRegistryV1beta1) =>
  Object.fromEntries((r.status?.conditions ?? []).map((c) => [c.type, `${c.status}/${c.reason}`]));

test('first sync: every latest version over several pages, deprecated kept with its status, deleted dropped', async () => {
  const expected = [
    ...Array.from({ length: SEEDED }, (_, i) => `${seedName(i)}@1.0.0`),
    `${MULTI}@1.10.0`,
    `${DEPRECATED}@1.0.0`,
    `${ROLLBACK}@2.0.0`,
  ].sort();
  // The upstream agrees (so a seeding problem shows here, not as a puzzling count below).
  assert.deepEqual(await upstreamLatest(), expected);
  await client().create(
    { ...REGISTRIES, namespace: ns },
    registry(ns, 'official', {
      sources: [{ name: 'official', type: 'registry', registry: { baseURL: upstream.baseURL } }],
    }),
  );
  // More servers than the registry's page maximum (100): the controller followed nextCursor.
  const r = await waitPhase(ns, 'official', 'Ready', () => true, 180_000);
  assert.equal(r.status?.sync?.serverCount, expected.length);
  assert.equal(r.status?.sync?.invalidServerCount ?? 0, 0);
  const servers = await stored('official');
  assert.deepEqual(servers.map((s) => `${s.upstreamName}@${s.version}`).sort(), expected);
  // The deprecation and its message survive into storage (how the model names them is the status
  // fidelity work's business; that they are there is this source's).
  const deprecated = JSON.stringify(servers.find((s) => s.upstreamName === DEPRECATED));
  assert.match(deprecated, /"[Dd]eprecated"/);
  assert.match(deprecated, /superseded by io\.example\.seed\/multi/);
  assert.doesNotMatch(JSON.stringify(servers.find((s) => s.upstreamName === seedName(0))), /[Dd]eprecated/);
  assert.equal(
    servers.some((s) => s.upstreamName === DELETED),
    false,
  );
});

test('the next sync (manual trigger) picks up a server published since and a deleted latest version', async () => {
  const first = await getReg(ns, 'official');
  await upstream.publish(serverJson(LATE, '0.1.0'));
  // Deleting the latest version: the registry makes 1.0.0 latest again, and so must the catalog.
  await upstream.setStatus(ROLLBACK, '2.0.0', 'deleted', 'bad release');
  await trigger('official', 'after-publish');
  const r = await waitPhase(
    ns,
    'official',
    'Ready',
    (x) => x.status?.sync?.lastManualSyncTrigger === 'after-publish',
    120_000,
  );
  assert.equal(r.status?.sync?.serverCount, (first.status?.sync?.serverCount ?? 0) + 1);
  assert.notEqual(r.status?.sync?.hash, first.status?.sync?.hash);
  const byName = new Map((await stored('official')).map((s) => [s.upstreamName, s.version]));
  assert.equal(byName.get(LATE), '0.1.0');
  assert.equal(byName.get(ROLLBACK), '1.0.0');
});

test('upstream stopped: Failed with the reason and storage byte-identical; restarted: Ready again', async () => {
  const good = await getReg(ns, 'official');
  const before = await storageConfigMaps(ns, 'official');
  await upstream.stopServer();
  await trigger('official', 'upstream-down');
  const failed = await waitPhase(
    ns,
    'official',
    'Failed',
    (x) => x.status?.sync?.lastManualSyncTrigger === 'upstream-down',
    120_000,
  );
  assert.equal(
    failed.status?.message,
    `${upstream.baseURL}/v0.1/servers: no connection (refused, unreachable or timed out); serving the last good data from ${good.status?.sync?.lastSyncTime}`,
  );
  assert.equal(conditions(failed).SyncSuccessful, 'False/FetchFailed');
  assert.equal(conditions(failed).SourceAvailable, 'False/FetchFailed');
  assert.deepEqual(await storageConfigMaps(ns, 'official'), before, 'the last good storage changed');
  await upstream.startServer();
  // No new trigger: the controller's own backoff retries the failed sync.
  const ok = await waitPhase(ns, 'official', 'Ready', (x) => x.status?.sync?.attempts === 0, 120_000);
  assert.equal(ok.status?.sync?.serverCount, good.status?.sync?.serverCount);
  assert.equal(ok.status?.sync?.hash, good.status?.sync?.hash);
});
