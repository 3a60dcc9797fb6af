import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fromHub, toHub } from '../../../src/api/conversion/index.ts';
import type { MCPRegistryV1beta1 } from '../../../src/api/types.ts';

/** Edits made in the v1alpha1 view while the stash exists (docs/conversion.md, "Edits made in the v1alpha1 view"). */
const meta = { name: 'reg', namespace: 'team-a', uid: 'u-1', resourceVersion: '7' };
const hubOf = (spec: object, status?: object) =>
  ({
    apiVersion: 'toolhive.stacklok.io/v1beta1',
    kind: 'MCPRegistry',
    metadata: meta,
    spec,
    ...(status && { status }),
  }) as MCPRegistryV1beta1;

const multi = hubOf(
  {
    sources: [
      {
        name: 'corp',
        type: 'url',
        url: { href: 'https://a/r.json', headersSecretRef: { name: 'tok' }, timeout: '5s' },
        filter: { tags: { include: ['db'] } },
      },
      { name: 'extra', type: 'configmap', configMapRef: { name: 'cm' } },
    ],
    displayName: 'Old',
  },
  {
    phase: 'Ready',
    sync: { serverCount: 3, conflictCount: 1, filterHash: 'f' },
    storage: { configMaps: ['s'], bytes: 9 },
  },
);

test('edit in v1alpha1: another field (displayName) leaves the stashed sources exactly as they were', () => {
  const a = fromHub(multi);
  a.spec.displayName = 'New';
  assert.deepStrictEqual(toHub(a).spec, { ...multi.spec, displayName: 'New' });
});

test('edit in v1alpha1: a new source.url wins; the first source keeps its name but drops settings of the old URL; other sources stay', () => {
  const a = fromHub(multi);
  a.spec.source.url = 'https://b/r.json';
  assert.deepStrictEqual(toHub(a).spec.sources, [
    { name: 'corp', type: 'url', url: { href: 'https://b/r.json' } },
    { name: 'extra', type: 'configmap', configMapRef: { name: 'cm' } },
  ]);
});

test('edit in v1alpha1: a new format wins too', () => {
  const a = fromHub(multi);
  a.spec.format = 'upstream';
  assert.deepStrictEqual(toHub(a).spec.sources[0], {
    name: 'corp',
    type: 'url',
    format: 'upstream',
    url: { href: 'https://a/r.json' },
  });
});

test('edit in v1alpha1: changing the source type replaces the first source', () => {
  const a = fromHub(multi);
  a.spec.source = { type: 'configmap', configmap: { name: 'local' } };
  assert.deepStrictEqual(
    toHub(a).spec.sources.map((s) => [s.name, s.type]),
    [
      ['corp', 'configmap'],
      ['extra', 'configmap'],
    ],
  );
});

test('edit in v1alpha1 status: edited sections are rebuilt, v1beta1-only sync counters are kept', () => {
  const a = fromHub(multi);
  a.status = { ...a.status, serverCount: 5 };
  assert.deepStrictEqual(toHub(a).status, {
    phase: 'Ready',
    sync: { serverCount: 5, conflictCount: 1, filterHash: 'f' },
    storage: { configMaps: ['s'], bytes: 9 },
  });
  const b = fromHub(multi);
  b.status = { ...b.status, storageRef: { type: 'configmap', configMapRef: { name: 'other' } } };
  assert.deepStrictEqual(toHub(b).status?.storage, { configMaps: ['other'] });
});

test('removing the annotation in v1alpha1 leaves just what the v1alpha1 fields say', () => {
  const a = fromHub(multi);
  delete a.metadata.annotations;
  assert.deepStrictEqual(toHub(a).spec.sources, [
    { name: 'default', type: 'url', url: { href: 'https://a/r.json' } },
  ]);
});

test('a default filled in on a v1alpha1 write (format, configmap key, git path) is not an edit', () => {
  const cases: [object, (a: ReturnType<typeof fromHub>) => void, object][] = [
    [
      { name: 'corp', type: 'url', url: { href: 'https://a/r.json', headersSecretRef: { name: 'tok' } } },
      (a) => (a.spec.format = 'toolhive'),
      {
        name: 'corp',
        type: 'url',
        url: { href: 'https://a/r.json', headersSecretRef: { name: 'tok' } },
        format: 'toolhive',
      },
    ],
    [
      { name: 'cm', type: 'configmap', configMapRef: { name: 'c' }, filter: { tags: { include: ['x'] } } },
      (a) => (a.spec.source.configmap!.key = 'registry.json'),
      {
        name: 'cm',
        type: 'configmap',
        configMapRef: { name: 'c', key: 'registry.json' },
        filter: { tags: { include: ['x'] } },
      },
    ],
    [
      {
        name: 'g',
        type: 'git',
        format: 'upstream',
        git: { repository: 'https://g/x.git', authSecretRef: { name: 's' } },
      },
      (a) => (a.spec.source.git!.path = 'registry.json'),
      {
        name: 'g',
        type: 'git',
        format: 'upstream',
        git: { repository: 'https://g/x.git', authSecretRef: { name: 's' }, path: 'registry.json' },
      },
    ],
  ];
  for (const [first, mutate, expected] of cases) {
    const extra = { name: 'extra', type: 'configmap', configMapRef: { name: 'cm' } };
    const a = fromHub(hubOf({ sources: [first, extra] }));
    mutate(a);
    assert.deepStrictEqual(toHub(a).spec.sources, [expected, extra]);
  }
});

test('a non-default value in those fields is an edit', () => {
  const a = fromHub(
    hubOf({
      sources: [
        { name: 'cm', type: 'configmap', configMapRef: { name: 'c' }, filter: { tags: { include: ['x'] } } },
      ],
    }),
  );
  a.spec.source.configmap!.key = 'other.json';
  assert.deepStrictEqual(toHub(a).spec.sources, [
    { name: 'cm', type: 'configmap', configMapRef: { name: 'c', key: 'other.json' } },
  ]);
});

test('a registry source: the webhook default is upstream, so format upstream is not an edit and toolhive is', () => {
  const reg = {
    name: 'reg',
    type: 'registry',
    registry: { baseURL: 'https://r' },
    filter: { tags: { include: ['x'] } },
  };
  const defaulted = fromHub(hubOf({ sources: [reg] }));
  defaulted.spec.format = 'upstream';
  assert.deepStrictEqual(toHub(defaulted).spec.sources, [{ ...reg, format: 'upstream' }]);
  const edited = fromHub(hubOf({ sources: [reg] }));
  edited.spec.format = 'toolhive';
  assert.deepStrictEqual(toHub(edited).spec.sources, [
    { name: 'reg', type: 'registry', registry: { baseURL: 'https://r' }, format: 'toolhive' },
  ]);
});
