/**
 * Registry federation (#19 item 2) on the real apiserver with the real controller: a team registry
 * reads a platform registry through the platform's REAL registry API process (thv-registry-api
 * serve --from-configmap, as `npm start` runs it) on a loopback port, which the test controller is
 * told about with --registry-ref-endpoints (in a cluster it is the `<name>-api` Service). Filters
 * apply at each level; new platform data re-syncs the team registry without any interval; a namespace
 * the platform does not list is refused with the exact message until the platform allows it; a
 * reference cycle is reported on both registries and never looped.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { client, createNamespace, kubeconfigPath, kubectlOk } from '../../support/cluster.ts';
import { startController, type ControllerProcess } from '../../support/controller.ts';
import { startLocalRegistryApi } from '../../../src/registry-api/local.ts';
import { readStoredCatalog } from '../../../src/storage/configmaps.ts';
import { REGISTRIES } from '../../../src/kube/mcpregistries.ts';
import type { MCPRegistryV1beta1 } from '../../../src/api/types.ts';
import { FIXTURE_DOC, fixtureNamesWithTag, getReg, putConfigMap, registry, waitPhase } from './helpers.ts';

const READERS = 'toolhive.stacklok.io/allowed-reader-namespaces';
let platformNs: string;
let teamNs: string;
let otherNs: string;
let ctrl: ControllerProcess;
let api: { url: string; stop: () => Promise<void> };

/** The fixture with only the servers named, so the test controls what the platform holds. */
function catalogWith(names: string[]): string {
  const pick = (m: Record<string, unknown> = {}) =>
    Object.fromEntries(Object.entries(m).filter(([n]) => names.includes(n)));
  return JSON.stringify({
    ...FIXTURE_DOC,
    servers: pick(FIXTURE_DOC.servers),
    remote_servers: pick(FIXTURE_DOC.remote_servers),
  });
}

const create = (
  ns: string,
  name: string,
  spec: MCPRegistryV1beta1['spec'],
  annotations?: Record<string, string>,
) => client().create({ ...REGISTRIES, namespace: ns }, registry(ns, name, spec, annotations));

const storedNames = async (ns: string, name: string) =>
  ((await readStoredCatalog(client(), ns, name))?.catalog.servers.map((s) => s.name) ?? []).sort();

const condition = (r: MCPRegistryV1beta1, type: string) => r.status?.conditions?.find((c) => c.type === type);

before(async () => {
  platformNs = await createNamespace('fed-platform');
  teamNs = await createNamespace('fed-team');
  otherNs = await createNamespace('fed-other');
  api = await startLocalRegistryApi({
    kubeconfigPath: kubeconfigPath(),
    namespace: platformNs,
    name: 'platform',
  });
  ctrl = startController({
    kubeconfig: kubeconfigPath(),
    namespaces: [platformNs, teamNs, otherNs],
    extraArgs: [`--registry-ref-endpoints=${platformNs}/platform=${api.url}`],
  });
});
after(async () => {
  await ctrl?.stop();
  await api?.stop();
});

// The platform keeps the database servers; the team keeps, of those, the ones not tagged "sql" (its
// source filter) and not named like "*mongo*" (its registry filter).
const database = fixtureNamesWithTag('database');
const tagsOf = (n: string) => (FIXTURE_DOC.servers[n] ?? FIXTURE_DOC.remote_servers?.[n])?.tags ?? [];
const teamView = (platform: string[]) =>
  platform.filter((n) => !tagsOf(n).includes('sql') && !n.includes('mongo')).sort();

test('a team registry reads the platform registry through its real API, filters applied at each level', async () => {
  assert.ok(teamView(database).length > 0 && teamView(database).length < database.length);
  await putConfigMap(platformNs, 'catalog', {
    'registry.json': catalogWith(Object.keys({ ...FIXTURE_DOC.servers, ...FIXTURE_DOC.remote_servers })),
  });
  // The team registry first: it waits for the platform's data and syncs as soon as it has some.
  await create(teamNs, 'team', {
    sources: [
      {
        name: 'platform',
        type: 'registry',
        registry: { registryRef: { name: 'platform', namespace: platformNs } },
        filter: { tags: { exclude: ['sql'] } },
      },
    ],
    filter: { names: { exclude: ['*mongo*'] } },
  });
  await create(
    platformNs,
    'platform',
    {
      sources: [{ name: 'main', type: 'configmap', configMapRef: { name: 'catalog' } }],
      filter: { tags: { include: ['database'] } },
    },
    { [READERS]: `${teamNs}, ${otherNs}-not-this-one` },
  );
  const platform = await waitPhase(platformNs, 'platform', 'Ready');
  assert.equal(platform.status?.sync?.serverCount, database.length);
  assert.deepEqual(await storedNames(platformNs, 'platform'), database);

  const expected = teamView(database);
  const team = await waitPhase(
    teamNs,
    'team',
    'Ready',
    (r) => r.status?.sync?.serverCount === expected.length,
  );
  assert.deepEqual(await storedNames(teamNs, 'team'), expected);
  // The dependency, in status: which registry the source reads.
  const from = `platform (MCPRegistry ${platformNs}/platform)`;
  assert.equal(team.status?.message, `${expected.length} servers from source ${from}`);
  assert.equal(condition(team, 'SourceAvailable')?.message, `fetched ${from}`);
  assert.equal(team.status?.sync?.invalidServerCount, 0);

  // New platform data (one database server fewer) reaches the team registry: it has no interval, so
  // only the watch on the platform registry can have made it sync.
  const fewer = database.filter((n) => n !== expected[0]);
  await putConfigMap(platformNs, 'catalog', { 'registry.json': catalogWith(fewer) });
  await waitPhase(platformNs, 'platform', 'Ready', (r) => r.status?.sync?.serverCount === fewer.length);
  const now = teamView(fewer);
  await waitPhase(teamNs, 'team', 'Ready', (r) => r.status?.sync?.serverCount === now.length);
  assert.deepEqual(await storedNames(teamNs, 'team'), now);
});

test('a namespace the platform does not list is refused with the exact status, and syncs once allowed', async () => {
  // Written in v1alpha1 with kubectl, as a user of the design document's shape would: through the
  // webhooks and the conversion webhook to the stored v1beta1 object, whose one source is `default`.
  kubectlOk(['apply', '-f', '-'], {
    apiVersion: 'toolhive.stacklok.io/v1alpha1',
    kind: 'MCPRegistry',
    metadata: { name: 'outsider', namespace: otherNs },
    spec: {
      source: { type: 'registry', registry: { registryRef: { name: 'platform', namespace: platformNs } } },
    },
  });
  const stored = await getReg(otherNs, 'outsider');
  assert.deepEqual(stored.spec.sources, [
    {
      name: 'default',
      type: 'registry',
      format: 'upstream',
      registry: { registryRef: { name: 'platform', namespace: platformNs } },
      ...(stored.spec.sources[0]?.filter ? { filter: stored.spec.sources[0].filter } : {}),
    },
  ]);
  const alpha = JSON.parse(
    kubectlOk([
      'get',
      'mcpregistries.v1alpha1.toolhive.stacklok.io',
      'outsider',
      '-n',
      otherNs,
      '-o',
      'json',
    ]),
  ) as { spec: { source: unknown } };
  assert.deepEqual(alpha.spec.source, {
    type: 'registry',
    registry: { registryRef: { name: 'platform', namespace: platformNs } },
  });
  const failed = await waitPhase(otherNs, 'outsider', 'Failed');
  const why = `source default: MCPRegistry ${platformNs}/platform does not exist or does not allow registries in namespace ${otherNs} to read it; its owners can add "${otherNs}" to its ${READERS} annotation`;
  assert.equal(failed.status?.message, `${why}; no data stored yet`);
  assert.deepEqual(
    {
      reason: condition(failed, 'SourceAvailable')?.reason,
      message: condition(failed, 'SourceAvailable')?.message,
    },
    { reason: 'RegistryRefForbidden', message: why },
  );
  // The platform's owners allow every namespace: the outsider syncs at once (no backoff wait).
  await client().patch({ ...REGISTRIES, namespace: platformNs, name: 'platform' }, 'merge', {
    metadata: { annotations: { [READERS]: '*' } },
  });
  const ok = await waitPhase(otherNs, 'outsider', 'Ready');
  assert.equal(
    ok.status?.message,
    `${ok.status?.sync?.serverCount} servers from source default (MCPRegistry ${platformNs}/platform)`,
  );
  assert.ok((ok.status?.sync?.serverCount ?? 0) > 0);
});

test('a reference cycle (A reads B reads A) is reported on both registries, never looped', async () => {
  const ref = (name: string) => ({
    sources: [{ name: 'peer', type: 'registry' as const, registry: { registryRef: { name } } }],
  });
  await create(teamNs, 'loop-a', ref('loop-b'));
  await create(teamNs, 'loop-b', ref('loop-a'));
  const cycle = (first: string, second: string) =>
    `source peer: registry reference cycle ${teamNs}/${first} → ${teamNs}/${second} → ${teamNs}/${first}: a registry cannot read itself, directly or through others; remove one of these references`;
  for (const [a, b] of [
    ['loop-a', 'loop-b'],
    ['loop-b', 'loop-a'],
  ] as const) {
    const r = await waitPhase(
      teamNs,
      a,
      'Failed',
      (x) => condition(x, 'SourceAvailable')?.reason === 'RegistryRefCycle',
    );
    assert.equal(condition(r, 'SourceAvailable')?.message, cycle(a, b));
    assert.equal(r.status?.message, `${cycle(a, b)}; no data stored yet`);
  }
  // Never looped: each registry's failures back off like any other, and neither's failing makes the
  // other sync (their data, which is what readers watch, never changes). Over three attempts of
  // loop-a, it synced for no reason but its first sync, its retries, and at most once for loop-b
  // appearing after it; a ping-pong would show as a run of SourceChanged syncs.
  await waitPhase(teamNs, 'loop-a', 'Failed', (x) => (x.status?.sync?.attempts ?? 0) >= 3);
  const reasons = ctrl
    .log()
    .split('\n')
    .filter(
      (l) =>
        l.includes(`"namespace":"${teamNs}"`) &&
        l.includes('"name":"loop-a"') &&
        l.includes('"msg":"syncing"'),
    )
    .map((l) => (JSON.parse(l) as { reason: string }).reason);
  assert.ok(reasons.length >= 3, reasons.join(','));
  assert.deepEqual(
    [...new Set(reasons)].filter((r) => !['Initial', 'Retry', 'SourceChanged'].includes(r)),
    [],
    reasons.join(','),
  );
  assert.ok(reasons.filter((r) => r === 'SourceChanged').length <= 1, reasons.join(','));
});
