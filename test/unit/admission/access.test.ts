/**
 * The questions admission asks the cluster (src/admission/access.ts) and which hosts are registry APIs
 * (src/admission/registry-api-host.ts): pure decisions, as tables.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { accessQuestions, secretForbidden } from '../../../src/admission/source-rules/access.ts';
import { registryApiHost } from '../../../src/admission/source-rules/registry-api-host.ts';

const hosts: [string, { namespace: string; name: string } | undefined][] = [
  ['private-api.victim.svc', { namespace: 'victim', name: 'private' }],
  ['private-api.victim.svc.cluster.local', { namespace: 'victim', name: 'private' }],
  ['PRIVATE-API.VICTIM.SVC.CLUSTER.LOCAL.', { namespace: 'victim', name: 'private' }],
  ['private-api.victim', { namespace: 'victim', name: 'private' }],
  ['a-b-api.v.svc', { namespace: 'v', name: 'a-b' }],
  ['private-api.victim.svc.other.domain', undefined],
  ['private-api.victim.example.com', undefined],
  ['private.victim.svc', undefined],
  ['-api.victim.svc', undefined],
  ['1abc-api.victim.svc', undefined],
  ['private-api', undefined],
  ['registry.example.com', undefined],
];
for (const [host, expected] of hosts)
  test(`registryApiHost(${host})`, () => assert.deepEqual(registryApiHost(host, 'cluster.local'), expected));

const beta = (sources: unknown[], namespace = 't') => ({
  apiVersion: 'toolhive.stacklok.io/v1beta1',
  kind: 'MCPRegistry',
  metadata: { name: 'r', namespace },
  spec: { sources },
});
const url = (extra: Record<string, unknown>, href = 'https://example.com/r.json') => ({
  name: 'main',
  type: 'url',
  url: { href, ...extra },
});

const cases: {
  name: string;
  obj: unknown;
  old?: unknown;
  secrets: string[];
  registries?: string[];
  errors?: string[];
}[] = [
  {
    name: 'every credential ref of a new source, caBundleRef never',
    obj: beta([
      url({ headersSecretRef: { name: 'h' }, caBundleRef: { name: 'ca' } }),
      {
        name: 'reg',
        type: 'registry',
        registry: {
          baseURL: 'https://r.example',
          authSecretRef: { name: 'a' },
          headersSecretRef: { name: 'h2' },
        },
      },
      {
        name: 'g',
        type: 'git',
        git: { repository: 'https://g.example/r.git', authSecretRef: { name: 'g' } },
      },
    ]),
    secrets: [
      'spec.sources[0].url.headersSecretRef.name=t/h',
      'spec.sources[1].registry.authSecretRef.name=t/a',
      'spec.sources[1].registry.headersSecretRef.name=t/h2',
      'spec.sources[2].git.authSecretRef.name=t/g',
    ],
  },
  {
    name: 'an unchanged source is not asked about again (a label edit by someone else)',
    obj: beta([url({ headersSecretRef: { name: 'h' } })]),
    old: beta([url({ headersSecretRef: { name: 'h' } })]),
    secrets: [],
  },
  {
    name: 'a changed URL asks again about the Secret that goes with it',
    obj: beta([url({ headersSecretRef: { name: 'h' } }, 'https://attacker.example/r.json')]),
    old: beta([url({ headersSecretRef: { name: 'h' } })]),
    secrets: ['spec.sources[0].url.headersSecretRef.name=t/h'],
  },
  {
    name: 'a v1alpha1 stash: fields named inside the annotation',
    obj: {
      apiVersion: 'toolhive.stacklok.io/v1alpha1',
      kind: 'MCPRegistry',
      metadata: {
        name: 'r',
        namespace: 't',
        annotations: {
          'toolhive.stacklok.io/v1beta1-spec': JSON.stringify({
            sources: [
              { name: 'default', type: 'url', url: { href: 'https://example.com/r.json' } },
              {
                name: 'x',
                type: 'url',
                url: { href: 'https://x.example/r.json', headersSecretRef: { name: 'h' } },
              },
            ],
          }),
        },
      },
      spec: { format: 'toolhive', source: { type: 'url', url: 'https://example.com/r.json' } },
    },
    secrets: [
      'metadata.annotations[toolhive.stacklok.io/v1beta1-spec].sources[1].url.headersSecretRef.name=t/h',
    ],
  },
  {
    name: 'the API-key Secret of spec.api.auth, asked when it is new or renamed, not when kept',
    obj: {
      ...beta([]),
      spec: { sources: [], api: { auth: { mode: 'api-keys', apiKeysSecretRef: { name: 'k' } } } },
    },
    secrets: ['spec.api.auth.apiKeysSecretRef.name=t/k'],
  },
  {
    name: 'an API-key Secret the update keeps is not asked about again',
    obj: {
      ...beta([]),
      spec: { sources: [], api: { auth: { mode: 'api-keys', apiKeysSecretRef: { name: 'k' } } } },
    },
    old: {
      ...beta([]),
      spec: { sources: [], api: { auth: { mode: 'api-keys', apiKeysSecretRef: { name: 'k', key: 'x' } } } },
    },
    secrets: [],
  },
  {
    name: "an OIDC issuer at another namespace's registry API asks for its consent, like a source URL",
    obj: {
      ...beta([]),
      spec: {
        sources: [],
        api: {
          auth: { mode: 'oidc', oidc: { issuer: 'https://private-api.victim.svc:8080', audiences: ['a'] } },
        },
      },
    },
    secrets: [],
    registries: ['spec.api.auth.oidc.issuer=victim/private'],
  },
  {
    name: "another namespace's registry API by URL; the reader's own namespace needs no consent",
    obj: beta([
      url({}, 'http://private-api.victim.svc:8080/v0.1/servers'),
      { name: 'b', type: 'registry', registry: { baseURL: 'http://mine-api.t.svc:8080' } },
    ]),
    secrets: [],
    registries: ['spec.sources[0].url.href=victim/private'],
  },
  {
    name: 'credentials for a plain-http URL are refused without asking',
    obj: beta([url({ headersSecretRef: { name: 'h' } }, 'http://svc.t.svc:8080/r.json')]),
    secrets: ['spec.sources[0].url.headersSecretRef.name=t/h'],
    errors: [
      'spec.sources[0].url.headersSecretRef.name: credentials are never sent over plain http: spec.sources[0].url.href must use https',
    ],
  },
];
for (const c of cases)
  test(`access questions: ${c.name}`, () => {
    const q = accessQuestions(c.obj, c.old, 'cluster.local');
    assert.deepEqual(
      q.secrets.map((s) => `${s.field}=${s.namespace}/${s.name}`),
      c.secrets,
    );
    assert.deepEqual(
      q.registries.map((r) => `${r.field}=${r.target.namespace}/${r.target.name}`),
      c.registries ?? [],
    );
    assert.deepEqual(
      q.errors.map((e) => `${e.field}: ${e.type === 'Forbidden' ? e.detail : ''}`),
      c.errors ?? [],
    );
  });

test('an API-key Secret the author may not read: the refusal says why naming it is reading it', () => {
  const q = {
    field: 'spec.api.auth.apiKeysSecretRef.name',
    namespace: 't',
    name: 'k',
    use: 'api-keys' as const,
  };
  assert.equal(
    secretForbidden(q, { username: 'alice' }).detail,
    'user "alice" cannot get Secret "k" in namespace "t" (missing permission: get secrets): a spec may name only Secrets its author may read, because the operator mounts it into the registry API’s pods',
  );
});
