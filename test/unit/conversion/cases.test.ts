import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ANNOTATION_V1BETA1_SPEC as STASH } from '../../../src/api/constants.ts';
import { fromHub, toHub } from '../../../src/api/conversion/index.ts';
import type { MCPRegistryV1alpha1, MCPRegistryV1beta1 } from '../../../src/api/types.ts';

const meta = { name: 'reg', namespace: 'team-a', uid: 'u-1', resourceVersion: '7' };
const alphaOf = (spec: object, status?: object, metadata: object = meta) =>
  ({
    apiVersion: 'toolhive.stacklok.io/v1alpha1',
    kind: 'MCPRegistry',
    metadata,
    spec,
    ...(status && { status }),
  }) as MCPRegistryV1alpha1;
const hubOf = (spec: object, status?: object, metadata: object = meta) =>
  ({
    apiVersion: 'toolhive.stacklok.io/v1beta1',
    kind: 'MCPRegistry',
    metadata,
    spec,
    ...(status && { status }),
  }) as MCPRegistryV1beta1;

// Each row: a v1alpha1 spec and the v1beta1 spec it is, with nothing to stash.
const specRows: [string, object, object][] = [
  [
    'configmap with key, format',
    { format: 'upstream', source: { type: 'configmap', configmap: { name: 'cm', key: 'r.json' } } },
    {
      sources: [
        {
          name: 'default',
          type: 'configmap',
          format: 'upstream',
          configMapRef: { name: 'cm', key: 'r.json' },
        },
      ],
    },
  ],
  [
    'configmap without key, no format',
    { source: { type: 'configmap', configmap: { name: 'cm' } } },
    { sources: [{ name: 'default', type: 'configmap', configMapRef: { name: 'cm' } }] },
  ],
  [
    'url',
    { format: 'toolhive', source: { type: 'url', url: 'https://example.com/r.json' } },
    {
      sources: [
        { name: 'default', type: 'url', format: 'toolhive', url: { href: 'https://example.com/r.json' } },
      ],
    },
  ],
  [
    'git with branch and path',
    { source: { type: 'git', git: { repository: 'https://g/x.git', branch: 'main', path: 'data/r.json' } } },
    {
      sources: [
        {
          name: 'default',
          type: 'git',
          git: { repository: 'https://g/x.git', ref: { branch: 'main' }, path: 'data/r.json' },
        },
      ],
    },
  ],
  [
    'git with tag',
    { source: { type: 'git', git: { repository: 'https://g/x.git', tag: 'v1' } } },
    {
      sources: [{ name: 'default', type: 'git', git: { repository: 'https://g/x.git', ref: { tag: 'v1' } } }],
    },
  ],
  [
    'git with commit',
    { source: { type: 'git', git: { repository: 'git@g:x.git', commit: 'abcdef1' } } },
    {
      sources: [
        { name: 'default', type: 'git', git: { repository: 'git@g:x.git', ref: { commit: 'abcdef1' } } },
      ],
    },
  ],
  [
    'git with no ref (default branch)',
    { source: { type: 'git', git: { repository: 'https://g/x.git' } } },
    { sources: [{ name: 'default', type: 'git', git: { repository: 'https://g/x.git' } }] },
  ],
  [
    'registry',
    { source: { type: 'registry', registry: { url: 'https://registry.example.com' } } },
    {
      sources: [{ name: 'default', type: 'registry', registry: { baseURL: 'https://registry.example.com' } }],
    },
  ],
  [
    'displayName, syncPolicy and filter are the same in both versions',
    {
      displayName: 'Team A',
      source: { type: 'url', url: 'https://e/r.json' },
      syncPolicy: { interval: '1h' },
      filter: {
        names: { include: ['io.github.*'], exclude: ['*-beta'] },
        tags: { include: ['db'], exclude: ['deprecated'] },
      },
    },
    {
      displayName: 'Team A',
      sources: [{ name: 'default', type: 'url', url: { href: 'https://e/r.json' } }],
      syncPolicy: { interval: '1h' },
      filter: {
        names: { include: ['io.github.*'], exclude: ['*-beta'] },
        tags: { include: ['db'], exclude: ['deprecated'] },
      },
    },
  ],
];

for (const [name, alphaSpec, hubSpec] of specRows) {
  test(`spec: ${name}`, () => {
    assert.deepStrictEqual(toHub(alphaOf(alphaSpec)), hubOf(hubSpec));
    assert.deepStrictEqual(fromHub(hubOf(hubSpec)), alphaOf(alphaSpec));
  });
}

test('status: every v1alpha1 field maps to its v1beta1 place, and back, with nothing to stash', () => {
  const conditions = [
    {
      type: 'Ready',
      status: 'True',
      lastTransitionTime: '2026-11-23T10:00:00Z',
      reason: 'Synced',
      message: 'ok',
      observedGeneration: 3,
    },
  ];
  const alphaStatus = {
    phase: 'Ready',
    message: '12 servers',
    lastSyncTime: '2026-11-23T10:00:00Z',
    lastSyncHash: 'abc',
    serverCount: 12,
    syncAttempts: 0,
    storageRef: { type: 'configmap', configMapRef: { name: 'reg-registry-storage' } },
    apiEndpoint: 'http://reg-api.team-a.svc:8080',
    lastManualSyncTrigger: 'now',
    observedGeneration: 3,
    conditions,
  };
  const hubStatus = {
    phase: 'Ready',
    message: '12 servers',
    observedGeneration: 3,
    conditions,
    sync: {
      lastSyncTime: '2026-11-23T10:00:00Z',
      hash: 'abc',
      serverCount: 12,
      attempts: 0,
      lastManualSyncTrigger: 'now',
    },
    storage: { configMaps: ['reg-registry-storage'] },
    api: { endpoint: 'http://reg-api.team-a.svc:8080' },
  };
  const spec = { source: { type: 'url', url: 'https://e/r.json' } };
  const hubSpec = { sources: [{ name: 'default', type: 'url', url: { href: 'https://e/r.json' } }] };
  assert.deepStrictEqual(toHub(alphaOf(spec, alphaStatus)), hubOf(hubSpec, hubStatus));
  assert.deepStrictEqual(fromHub(hubOf(hubSpec, hubStatus)), alphaOf(spec, alphaStatus));
  // A storageRef without a ConfigMap name is an empty storage block.
  assert.deepStrictEqual(toHub(alphaOf(spec, { storageRef: { type: 'configmap' } })).status, { storage: {} });
  assert.deepStrictEqual(fromHub(hubOf(hubSpec, { storage: {} })).status, {
    storageRef: { type: 'configmap' },
  });
});

const plainSource = { name: 'default', type: 'url', url: { href: 'https://e/r.json' } };
// Each row: a v1beta1 spec/status with something v1alpha1 cannot hold, and the stash it produces.
const stashRows: [string, object, object | undefined, string][] = [
  ['a first source not named default', { sources: [{ ...plainSource, name: 'main' }] }, undefined, 'sources'],
  [
    'url.caBundleRef',
    { sources: [{ ...plainSource, url: { href: 'https://e/r.json', caBundleRef: { name: 'ca' } } }] },
    undefined,
    'sources',
  ],
  [
    'url.headersSecretRef',
    { sources: [{ ...plainSource, url: { href: 'https://e/r.json', headersSecretRef: { name: 'h' } } }] },
    undefined,
    'sources',
  ],
  [
    'url.timeout',
    { sources: [{ ...plainSource, url: { href: 'https://e/r.json', timeout: '10s' } }] },
    undefined,
    'sources',
  ],
  [
    'git.authSecretRef',
    {
      sources: [
        {
          name: 'default',
          type: 'git',
          git: { repository: 'https://g/x.git', authSecretRef: { name: 'git-creds' } },
        },
      ],
    },
    undefined,
    'sources',
  ],
  [
    'git.ref empty',
    { sources: [{ name: 'default', type: 'git', git: { repository: 'https://g/x.git', ref: {} } }] },
    undefined,
    'sources',
  ],
  [
    'registry.authSecretRef',
    {
      sources: [
        {
          name: 'default',
          type: 'registry',
          registry: { baseURL: 'https://r', authSecretRef: { name: 't', key: 'token' } },
        },
      ],
    },
    undefined,
    'sources',
  ],
  [
    'per-source filter',
    { sources: [{ ...plainSource, filter: { tags: { include: ['db'] } } }] },
    undefined,
    'sources',
  ],
  [
    'a second source',
    { sources: [plainSource, { name: 'extra', type: 'configmap', configMapRef: { name: 'cm' } }] },
    undefined,
    'sources',
  ],
  [
    'sync.lastAttemptTime',
    { sources: [plainSource] },
    { sync: { lastAttemptTime: '2026-11-23T10:00:00Z' } },
    'status',
  ],
  ['sync.filterHash', { sources: [plainSource] }, { sync: { filterHash: 'f' } }, 'status'],
  ['sync.invalidServerCount', { sources: [plainSource] }, { sync: { invalidServerCount: 2 } }, 'status'],
  ['sync.conflictCount', { sources: [plainSource] }, { sync: { conflictCount: 1 } }, 'status'],
  ['an empty sync block', { sources: [plainSource] }, { sync: {} }, 'status'],
  [
    'storage.configMaps beyond the first',
    { sources: [plainSource] },
    { storage: { configMaps: ['a', 'a-1'] } },
    'status',
  ],
  ['storage.configMaps empty', { sources: [plainSource] }, { storage: { configMaps: [] } }, 'status'],
  ['storage.bytes', { sources: [plainSource] }, { storage: { configMaps: ['a'], bytes: 1234 } }, 'status'],
  ['storage.compressed', { sources: [plainSource] }, { storage: { compressed: true } }, 'status'],
  [
    'api.readyReplicas',
    { sources: [plainSource] },
    { api: { endpoint: 'http://x', readyReplicas: 2 } },
    'status',
  ],
  ['an empty api block', { sources: [plainSource] }, { api: {} }, 'status'],
];

for (const [name, spec, status, stashed] of stashRows) {
  test(`stash: ${name} is kept in the annotation and restored`, () => {
    const b = hubOf(spec, status);
    const a = fromHub(b);
    const annotation = a.metadata.annotations?.[STASH];
    assert.ok(annotation, 'the annotation is set');
    const stash = JSON.parse(annotation) as Record<string, unknown>;
    assert.deepEqual(Object.keys(stash), [stashed]);
    if (stashed === 'sources') assert.deepStrictEqual(stash.sources, (spec as { sources: unknown }).sources);
    assert.deepStrictEqual(toHub(a), b);
  });
}

test('the v1alpha1 view of a multi-source object shows the first source', () => {
  const b = hubOf({
    sources: [
      {
        name: 'corp',
        type: 'git',
        format: 'upstream',
        git: { repository: 'https://g/x.git', ref: { tag: 'v2' }, path: 'r.json' },
      },
      { name: 'extra', type: 'configmap', configMapRef: { name: 'cm' } },
    ],
  });
  const a = fromHub(b);
  assert.deepStrictEqual(a.spec, {
    format: 'upstream',
    source: { type: 'git', git: { repository: 'https://g/x.git', tag: 'v2', path: 'r.json' } },
  });
  assert.equal(a.metadata.annotations?.[STASH], JSON.stringify({ sources: b.spec.sources }));
});

test('other annotations are kept; the annotation map disappears only when the stash was its only key', () => {
  const b = hubOf({ sources: [{ ...plainSource, name: 'main' }] }, undefined, {
    ...meta,
    annotations: { team: 'a' },
  });
  const a = fromHub(b);
  assert.deepEqual(Object.keys(a.metadata.annotations ?? {}), ['team', STASH]);
  assert.deepStrictEqual(toHub(a).metadata, { ...meta, annotations: { team: 'a' } });
  const onlyStash = fromHub(hubOf({ sources: [{ ...plainSource, name: 'main' }] }));
  assert.deepStrictEqual(Object.keys(onlyStash.metadata.annotations ?? {}), [STASH]);
  assert.deepStrictEqual(toHub(onlyStash).metadata, meta);
});

test('a stale annotation on a v1beta1 object is replaced, never passed on', () => {
  const b = hubOf({ sources: [plainSource] }, undefined, {
    ...meta,
    annotations: { [STASH]: '{"sources":[]}', x: 'y' },
  });
  assert.deepStrictEqual(fromHub(b).metadata, { ...meta, annotations: { x: 'y' } });
});

test('an object without spec or status converts both ways with just its metadata', () => {
  const bare = (apiVersion: string) => ({ apiVersion, kind: 'MCPRegistry', metadata: meta });
  assert.deepStrictEqual(
    toHub(bare('toolhive.stacklok.io/v1alpha1') as MCPRegistryV1alpha1),
    bare('toolhive.stacklok.io/v1beta1'),
  );
  assert.deepStrictEqual(
    fromHub(bare('toolhive.stacklok.io/v1beta1') as MCPRegistryV1beta1),
    bare('toolhive.stacklok.io/v1alpha1'),
  );
});

test('unknown top-level, spec and status fields pass through untouched', () => {
  const a = alphaOf(
    { source: { type: 'url', url: 'https://e/r.json' }, futureField: 1 },
    { phase: 'Ready', futureStatus: 'x' },
  );
  const b = toHub({ ...a, extra: true } as MCPRegistryV1alpha1);
  assert.equal((b as unknown as { extra: boolean }).extra, true);
  assert.equal((b.spec as unknown as { futureField: number }).futureField, 1);
  assert.equal((b.status as unknown as { futureStatus: string }).futureStatus, 'x');
  assert.deepStrictEqual(fromHub(b), { ...a, extra: true });
});
