/** registryRef resolution (src/controller/registry-ref-resolver.ts): each refusal's reason and message. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  resolveSources,
  type RefResolverOptions,
} from '../../../src/controller/federation/registry-ref-resolver.ts';
import { SourceError } from '../../../src/sources/types.ts';
import type { MCPRegistryV1beta1 } from '../../../src/api/types.ts';

const team: MCPRegistryV1beta1 = {
  apiVersion: 'toolhive.stacklok.io/v1beta1',
  kind: 'MCPRegistry',
  metadata: { namespace: 't', name: 'team' },
  spec: {
    sources: [
      { name: 'cm', type: 'configmap', configMapRef: { name: 'c' } },
      {
        name: 'up',
        type: 'registry',
        registry: { registryRef: { name: 'platform', namespace: 'p' }, authSecretRef: { name: 'k' } },
      },
    ],
  },
};
const platform = (o: Partial<MCPRegistryV1beta1> = {}): MCPRegistryV1beta1 => ({
  apiVersion: 'toolhive.stacklok.io/v1beta1',
  kind: 'MCPRegistry',
  metadata: {
    namespace: 'p',
    name: 'platform',
    annotations: { 'toolhive.stacklok.io/allowed-reader-namespaces': 't' },
  },
  spec: { sources: [{ name: 'cm', type: 'configmap', configMapRef: { name: 'c' } }] },
  status: { phase: 'Ready', sync: { lastSyncTime: '2026-11-29T00:00:00Z' } },
  ...o,
});
const opts = (
  p: MCPRegistryV1beta1 | undefined,
  o: Partial<RefResolverOptions> = {},
): RefResolverOptions => ({
  cached: () => undefined,
  get: async () => p,
  endpoints: {},
  apiDeployed: true,
  ...o,
});

async function refusal(p: MCPRegistryV1beta1 | undefined, o: Partial<RefResolverOptions> = {}) {
  const e = await resolveSources(team, opts(p, o)).then(
    () => undefined,
    (x: unknown) => x,
  );
  assert.ok(e instanceof SourceError, String(e));
  return `${e.reason}: ${e.message}`;
}

test('a readable registry resolves to its Service (or a configured endpoint); other sources untouched', async () => {
  const out = await resolveSources(team, opts(platform()));
  assert.deepEqual(out[0], team.spec.sources[0]);
  assert.deepEqual(out[1]?.registry, {
    registryRef: { name: 'platform', namespace: 'p' },
    authSecretRef: { name: 'k' },
    baseURL: 'http://platform-api.p.svc:8080',
  });
  const local = await resolveSources(
    team,
    opts(platform(), { endpoints: { 'p/platform': 'http://127.0.0.1:9' } }),
  );
  assert.equal(local[1]?.registry?.baseURL, 'http://127.0.0.1:9');
  // The API of a registry with a base path answers only under it.
  const based = platform();
  based.spec.api = { basePath: '/registry' };
  const under = await resolveSources(team, opts(based));
  assert.equal(under[1]?.registry?.baseURL, 'http://platform-api.p.svc:8080/registry');
});

test('each refusal says what is wrong and what fixes it', async () => {
  // SPEC §18: another namespace's registry that is missing reads exactly like one that refuses.
  const refused =
    'RegistryRefForbidden: source up: MCPRegistry p/platform does not exist or does not allow registries in namespace t to read it; its owners can add "t" to its toolhive.stacklok.io/allowed-reader-namespaces annotation';
  assert.equal(await refusal(undefined), refused);
  assert.equal(await refusal(platform({ metadata: { namespace: 'p', name: 'platform' } })), refused);
  assert.equal(
    await refusal(platform({ status: { phase: 'Failed', message: 'x; no data stored yet' } })),
    'RegistryRefNotReady: source up: MCPRegistry p/platform has no data yet (phase Failed); this registry syncs as soon as it has',
  );
  assert.equal(
    await refusal(platform(), { apiDeployed: false }),
    'RegistryRefNoAPI: source up: MCPRegistry p/platform has no API Service to read: the operator runs with --deploy-registry-api=false (set --registry-ref-endpoints to read it elsewhere)',
  );
  const loop = platform({
    spec: {
      sources: [
        { name: 'back', type: 'registry', registry: { registryRef: { name: 'team', namespace: 't' } } },
      ],
    },
  });
  assert.equal(
    await refusal(loop),
    'RegistryRefCycle: source up: registry reference cycle t/team → a registry in another namespace → t/team: a registry cannot read itself, directly or through others; remove one of these references',
  );
});

test("a missing registry of the reader's own namespace is NotFound (nothing to hide there)", async () => {
  const own: MCPRegistryV1beta1 = {
    ...team,
    spec: { sources: [{ name: 'up', type: 'registry', registry: { registryRef: { name: 'gone' } } }] },
  };
  const e = await resolveSources(own, opts(undefined)).then(
    () => undefined,
    (x: unknown) => x,
  );
  assert.ok(e instanceof SourceError);
  assert.equal(
    `${e.reason}: ${e.message}`,
    'RegistryRefNotFound: source up: MCPRegistry t/gone not found; this registry syncs as soon as it exists',
  );
});

/** SPEC §18: a url or registry source naming another namespace's registry API Service needs its consent. */
const apiUrls: [string, string][] = [
  ['registry', 'http://platform-api.p.svc:8080'],
  ['registry', 'https://PLATFORM-API.P.SVC.CLUSTER.LOCAL.:443/'],
  ['registry', 'http://platform-api.p:9999'],
  ['url', 'http://platform-api.p.svc.cluster.local/v0.1/servers'],
];
for (const [type, url] of apiUrls)
  test(`a ${type} source at ${url} reads p/platform only with its consent`, async () => {
    const source =
      type === 'url'
        ? { name: 'side', type: 'url' as const, url: { href: url } }
        : { name: 'side', type: 'registry' as const, registry: { baseURL: url } };
    const reader: MCPRegistryV1beta1 = { ...team, spec: { sources: [source] } };
    const expected =
      'RegistryRefForbidden: source side: reaches the API of MCPRegistry p/platform, which does not exist or does not allow registries in namespace t to read it; its owners can add "t" to its toolhive.stacklok.io/allowed-reader-namespaces annotation';
    for (const target of [undefined, platform({ metadata: { namespace: 'p', name: 'platform' } })]) {
      const e = await resolveSources(reader, opts(target)).then(
        () => undefined,
        (x: unknown) => x,
      );
      assert.ok(e instanceof SourceError, String(e));
      assert.equal(`${e.reason}: ${e.message}`, expected);
    }
    const allowed = await resolveSources(reader, opts(platform()));
    assert.deepEqual(allowed, [source], 'with consent the source is fetched as written');
  });
