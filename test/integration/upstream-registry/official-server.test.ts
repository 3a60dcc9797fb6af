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
import { allItems, idOf, startStorageApi } from './mirror.ts';
import { REGISTRIES } from '../../../src/kube/mcpregistries.ts';
import type { MCPRegistryV1beta1, SourceV1beta1 } from '../../../src/api/types.ts';

const SEEDED = 320;
const seedName = (i: number) => `io.example.seed/server-${String(i).padStart(3, '0')}`;
const MULTI = 'io.example.seed/multi';
const DEPRECATED = `${ANONYMOUS}/deprecated-one`;
const DELETED = `${ANONYMOUS}/deleted-one`;
const ROLLBACK = `${ANONYMOUS}/rollback`;
const LATE = `${ANONYMOUS}/late-arrival`;
/**
 * In ToolHive's namespace: its catalog key is the short name (`aaa-first`, first among the keys),
 * its server.json name sorts between the seeds and the anonymous ones, where the official server lists it.
 */
const STACKLOK = 'io.github.stacklok/aaa-first';
/** Four versions: 1.1.0 deprecated, 1.2.0 deleted, 2.0.0 latest (SPEC §14: every one is served). */
const VERSIONS = `${ANONYMOUS}/versions`;

let ns: string;
let upstream: UpstreamRegistry;
let ctrl: ControllerProcess | undefined;
let stopCluster: (() => Promise<void>) | undefined;
let kubeconfig = '';

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
      serverJson(STACKLOK, '1.0.0'),
      serverJson(STACKLOK, '1.1.0'),
    ],
  });
  await upstream.publish(serverJson(DEPRECATED, '1.0.0'));
  await upstream.setStatus(DEPRECATED, '1.0.0', 'deprecated', 'superseded by io.example.seed/multi');
  await upstream.publish(serverJson(DELETED, '1.0.0'));
  await upstream.setStatus(DELETED, '1.0.0', 'deleted', 'withdrawn by its publisher');
  await upstream.publish(serverJson(ROLLBACK, '1.0.0'));
  await upstream.publish(serverJson(ROLLBACK, '2.0.0'));
  for (const v of ['1.0.0', '1.1.0', '1.2.0', '2.0.0']) await upstream.publish(serverJson(VERSIONS, v));
  await upstream.setStatus(VERSIONS, '1.1.0', 'deprecated', 'use 2.0.0');
  await upstream.setStatus(VERSIONS, '1.2.0', 'deleted', 'broken build');
  kubeconfig = cluster.kubeconfig;
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

/** Every page of a listing at this limit: its items (name@version) and whether it names a next cursor. */
async function pages(base: string, query: string, limit: number): Promise<[string[], boolean][]> {
  const out: [string[], boolean][] = [];
  let cursor = '';
  for (let i = 0; i < 400; i++) {
    const r = await fetch(
      `${base}/v0.1/servers?limit=${limit}${query ? `&${query}` : ''}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`,
    );
    const body = (await r.json()) as {
      servers: { server: { name: string; version: string } }[];
      metadata: { nextCursor?: string };
    };
    out.push([body.servers.map((x) => `${x.server.name}@${x.server.version}`), !!body.metadata.nextCursor]);
    if (!body.metadata.nextCursor) return out;
    cursor = body.metadata.nextCursor;
  }
  throw new Error(`${base} ${query}: more than 400 pages`);
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

test('first sync: every latest version over several pages catalogued, deprecated kept with its status, deleted dropped', async () => {
  const expected = [
    ...Array.from({ length: SEEDED }, (_, i) => `${seedName(i)}@1.0.0`),
    `${MULTI}@1.10.0`,
    `${STACKLOK}@1.1.0`,
    `${DEPRECATED}@1.0.0`,
    `${ROLLBACK}@2.0.0`,
    `${VERSIONS}@2.0.0`,
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

test('served as the official server serves it: every version, field by field, and updated_since set by set', async () => {
  const ours = await startStorageApi(kubeconfig, ns, 'official');
  try {
    // Every listing the official server gives, item by item and field by field (times to the digit).
    for (const q of ['', 'version=latest', 'version=1.1.0', 'search=versions'])
      assert.deepEqual(await allItems(ours.url, q), await allItems(upstream.baseURL, q), `?${q}`);
    // Page by page, in order, with the cursors' presence: a full last page names a cursor to an
    // empty page (search=versions: 3 items, so limit 3 and 1 end on a full page).
    for (const [q, limit] of [
      ['', 100],
      ['search=versions', 3],
      ['search=versions', 1],
      ['search=stacklok', 1],
      ['include_deleted=true', 7],
    ] as const)
      assert.deepEqual(
        await pages(ours.url, q, limit),
        await pages(upstream.baseURL, q, limit),
        `?${q} ${limit}`,
      );
    // The short-keyed server is where the official server lists it, not where its key would sort.
    const order = (await allItems(ours.url, 'version=latest')).map(idOf);
    assert.equal(order.indexOf(`${STACKLOK}@1.1.0`), SEEDED + 1);
    // With deleted versions: deleted versions of live servers, and a server deleted whole.
    const withDeleted = await allItems(upstream.baseURL, 'include_deleted=true');
    assert.deepEqual(await allItems(ours.url, 'include_deleted=true'), withDeleted);
    assert.ok(withDeleted.some((i) => idOf(i) === `${DELETED}@1.0.0`));
    assert.ok(withDeleted.some((i) => idOf(i) === `${VERSIONS}@1.2.0`));
    for (const name of [VERSIONS, MULTI, DEPRECATED, DELETED, ROLLBACK, seedName(7)]) {
      const path = `/v0.1/servers/${encodeURIComponent(name)}/versions`;
      const versions = (
        await allItems(upstream.baseURL, `include_deleted=true&search=${encodeURIComponent(name)}`)
      )
        .filter((i) => i.server.name === name)
        .map((i) => i.server.version);
      for (const p of [
        path,
        `${path}?include_deleted=true`,
        `${path}/latest`,
        ...versions.flatMap((v) => [`${path}/${v}`, `${path}/${v}?include_deleted=true`]),
      ]) {
        const [theirs, mine] = await Promise.all(
          [upstream.baseURL, ours.url].map(async (b) => {
            const r = await fetch(b + p);
            return { status: r.status, body: r.status === 200 ? ((await r.json()) as unknown) : null };
          }),
        );
        assert.deepEqual(mine, theirs, p);
      }
    }
    // updated_since at every time a version of these servers was updated, and the same time cut to
    // milliseconds: strictly later, to the microsecond, deleted versions included.
    const times = withDeleted
      .filter((i) => [VERSIONS, MULTI, ROLLBACK, DELETED, seedName(3)].includes(i.server.name))
      .map((i) => String(i._meta['io.modelcontextprotocol.registry/official']?.updatedAt));
    assert.ok(
      times.some((t) => /\.\d{4,}Z$/.test(t)),
      `no sub-millisecond time in ${times.join(', ')}`,
    );
    for (const t of [
      ...times,
      ...times.map((x) => x.replace(/(\.\d{3})\d+Z$/, '$1Z')),
      '2000-01-01T00:00:00Z',
    ]) {
      const q = `updated_since=${encodeURIComponent(t)}`;
      const theirs = (await allItems(upstream.baseURL, q)).map(idOf);
      assert.deepEqual((await allItems(ours.url, q)).map(idOf), theirs, q);
    }
  } finally {
    await ours.stop();
  }
});

test('maxVersionsPerServer 2: the latest and the newest other version of each server, and the status says what was left out', async () => {
  await client().create(
    { ...REGISTRIES, namespace: ns },
    registry(ns, 'bounded', {
      sources: [
        {
          name: 'official',
          type: 'registry',
          registry: { baseURL: upstream.baseURL, maxVersionsPerServer: 2 },
        },
      ],
    }),
  );
  const r = await waitPhase(ns, 'bounded', 'Ready', () => true, 180_000);
  const words =
    'source official: 2 servers have more than 2 versions; 3 older versions left out (maxVersionsPerServer: 2)';
  assert.equal(r.status?.message, `${SEEDED + 5} servers from source official; ${words}`);
  assert.equal(conditions(r).DataValid, 'True/Valid');
  assert.equal(
    r.status?.conditions?.find((c) => c.type === 'DataValid')?.message,
    `all entries valid; ${words}`,
  );
  const kept = new Map(
    (await stored('bounded')).map((s) => [s.upstreamName, s.versions?.map((v) => v.upstream.version)]),
  );
  // Newest published first: 1.2.0 was published after 1.10.0 (out of order), 1.2.0 (deleted) last of the rest.
  assert.deepEqual(kept.get(MULTI), ['1.2.0']);
  assert.deepEqual(kept.get(VERSIONS), ['1.2.0']);
  assert.deepEqual(kept.get(ROLLBACK), ['1.0.0']);
  await client().delete({ ...REGISTRIES, namespace: ns, name: 'bounded' });
  // 1: only the latest versions are asked for (version=latest), so nothing is left out or kept beside.
  const one: SourceV1beta1 = {
    name: 'official',
    type: 'registry',
    registry: { baseURL: upstream.baseURL, maxVersionsPerServer: 1 },
  };
  await client().create({ ...REGISTRIES, namespace: ns }, registry(ns, 'latest-only', { sources: [one] }));
  const l = await waitPhase(ns, 'latest-only', 'Ready', () => true, 180_000);
  assert.equal(l.status?.message, `${SEEDED + 5} servers from source official`);
  assert.deepEqual(
    (await stored('latest-only')).filter((s) => s.versions),
    [],
  );
  await client().delete({ ...REGISTRIES, namespace: ns, name: 'latest-only' });
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
