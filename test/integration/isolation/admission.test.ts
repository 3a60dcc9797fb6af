/**
 * Hostile tenant at admission (SPEC §18, issue #26 items 4, 5, 13), through the real apiserver and the
 * test stack's webhooks, as users with limited RBAC (kubectl --as, impersonated by the admin):
 *   - alice may write MCPRegistries and ConfigMaps in her namespace but not get Secrets; bob also
 *     gets Secrets. Naming a credential Secret is reading it: alice is refused with a message naming
 *     the Secret and the missing permission, bob is admitted; caBundleRef needs no permission;
 *   - a url or registry source whose URL names another namespace's registry API Service is refused
 *     unless that registry consents, in the same words whether it is missing or refusing;
 *   - credentials are never named for a plain-http URL;
 *   - a conversion stash nested deeper than 32 levels is refused with a clear message, and so is a
 *     spec (its free-form spec.api.affinity) nested deeper than its stash could hold.
 */
import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import { createNamespace, kubectl, kubectlOk, grantUser } from '../../support/cluster.ts';

const BETA = 'toolhive.stacklok.io/v1beta1';
const READERS = 'toolhive.stacklok.io/allowed-reader-namespaces';
let ns: string;
let victim: string;

/** A Role for a tenant: MCPRegistries and ConfigMaps in their namespace, Secrets only with `secrets`. */
function tenant(user: string, secrets: boolean): void {
  grantUser(ns, user, [
    {
      apiGroups: ['toolhive.stacklok.io'],
      resources: ['mcpregistries'],
      verbs: ['get', 'list', 'create', 'update', 'patch', 'delete'],
    },
    { apiGroups: [''], resources: ['configmaps'], verbs: ['get', 'list', 'create', 'update'] },
    ...(secrets ? [{ apiGroups: [''], resources: ['secrets'], verbs: ['get'] }] : []),
  ]);
}

before(async () => {
  ns = await createNamespace('iso-tenant');
  victim = await createNamespace('iso-victim');
  tenant('alice', false);
  tenant('bob', true);
  kubectlOk(['create', 'secret', 'generic', 'team-token', '-n', ns, '--from-literal=token=s3cret']);
  // The webhook loads its Kubernetes client on the first question; a request refused while it still
  // loads says so and is retried here, so the cases below meet a loaded client.
  const warm = registry('warm-up', {
    type: 'url',
    url: { href: 'https://example.com/r.json', headersSecretRef: { name: 'team-token' } },
  });
  for (let i = 0; i < 20; i++) {
    const r = kubectl(['create', '--dry-run=server', '-f', '-'], warm);
    if (r.code === 0) break;
    assert.match(r.stderr, /still loading|did not answer/, r.stderr);
  }
});

const registry = (name: string, source: Record<string, unknown>, namespace = ns) => ({
  apiVersion: BETA,
  kind: 'MCPRegistry',
  metadata: { name, namespace },
  spec: { sources: [{ name: 'main', ...source }] },
});
const as = (user: string, obj: object) => kubectl(['create', '--as', user, '-f', '-'], obj);

const credentialSources: [string, Record<string, unknown>, string][] = [
  [
    'url-headers',
    { type: 'url', url: { href: 'https://example.com/r.json', headersSecretRef: { name: 'team-token' } } },
    'spec.sources[0].url.headersSecretRef.name',
  ],
  [
    'registry-auth',
    { type: 'registry', registry: { baseURL: 'https://example.com', authSecretRef: { name: 'team-token' } } },
    'spec.sources[0].registry.authSecretRef.name',
  ],
  [
    'registry-headers',
    {
      type: 'registry',
      registry: { baseURL: 'https://example.com', headersSecretRef: { name: 'team-token' } },
    },
    'spec.sources[0].registry.headersSecretRef.name',
  ],
  [
    'git-auth',
    {
      type: 'git',
      git: { repository: 'https://example.com/r.git', path: 'r.json', authSecretRef: { name: 'team-token' } },
    },
    'spec.sources[0].git.authSecretRef.name',
  ],
];

for (const [name, source, field] of credentialSources)
  test(`a user who cannot get a Secret cannot name it (${name}); one who can, can`, () => {
    const r = as('alice', registry(name, source));
    assert.equal(r.code, 1, r.stdout);
    assert.equal(
      r.stderr.trim(),
      `The MCPRegistry "${name}" is invalid: ${field}: Forbidden: user "alice" cannot get Secret "team-token" in namespace "${ns}" (missing permission: get secrets): a spec may name only Secrets its author may read, because the operator reads them and sends them to the source`,
    );
    assert.equal(kubectl(['get', 'mcpregistry', name, '-n', ns]).code, 1, 'nothing was stored');
    const ok = as('bob', registry(name, source));
    assert.equal(ok.code, 0, ok.stderr);
  });

test('a Secret the author cannot read stays refused when an update changes the source around it', () => {
  kubectlOk(['create', '-f', '-'], registry('admin-made', credentialSources[0]![1]));
  // alice may edit what does not involve the Secret (a label) ...
  assert.equal(kubectl(['label', '--as', 'alice', 'mcpregistry', 'admin-made', '-n', ns, 'team=a']).code, 0);
  // ... but not point the credential at another host.
  const moved = kubectl([
    'patch',
    '--as',
    'alice',
    'mcpregistry',
    'admin-made',
    '-n',
    ns,
    '--type',
    'json',
    '-p',
    JSON.stringify([
      { op: 'replace', path: '/spec/sources/0/url/href', value: 'https://attacker.example/r.json' },
    ]),
  ]);
  assert.equal(moved.code, 1, moved.stdout);
  assert.match(
    moved.stderr,
    /spec\.sources\[0\]\.url\.headersSecretRef\.name: Forbidden: user "alice" cannot get Secret "team-token"/,
  );
});

test('the API-key Secret of spec.api.auth: alice, who cannot get it, is refused; bob is admitted', () => {
  const reg = {
    ...registry('api-keys', { type: 'configmap', configMapRef: { name: 'cm' } }),
  };
  reg.spec = {
    ...reg.spec,
    api: { auth: { mode: 'api-keys', apiKeysSecretRef: { name: 'team-token' } } },
  } as typeof reg.spec;
  const r = as('alice', reg);
  assert.equal(r.code, 1, r.stdout);
  assert.equal(
    r.stderr.trim(),
    `The MCPRegistry "api-keys" is invalid: spec.api.auth.apiKeysSecretRef.name: Forbidden: user "alice" cannot get Secret "team-token" in namespace "${ns}" (missing permission: get secrets): a spec may name only Secrets its author may read, because the operator mounts it into the registry API’s pods`,
  );
  const ok = as('bob', reg);
  assert.equal(ok.code, 0, ok.stderr);
});

test('caBundleRef is not a credential: a user who cannot get Secrets may name one', () => {
  const r = as(
    'alice',
    registry('ca-only', {
      type: 'url',
      url: { href: 'https://example.com/r.json', caBundleRef: { name: 'team-token' } },
    }),
  );
  assert.equal(r.code, 0, r.stderr);
});

test('credentials are never named for a plain-http URL (even a cluster-local one)', () => {
  const r = kubectl(
    ['create', '-f', '-'],
    registry('http-creds', {
      type: 'registry',
      registry: { baseURL: `http://catalog.${ns}.svc:8080`, authSecretRef: { name: 'team-token' } },
    }),
  );
  assert.equal(r.code, 1, r.stdout);
  assert.equal(
    r.stderr.trim(),
    `The MCPRegistry "http-creds" is invalid: spec.sources[0].registry.authSecretRef.name: Forbidden: credentials are never sent over plain http: spec.sources[0].registry.baseURL must use https`,
  );
});

const refusal = (name: string, field: string, target: string) =>
  `The MCPRegistry "${name}" is invalid: ${field}: Forbidden: reaches the API of MCPRegistry ${victim}/${target}, which does not exist or does not allow registries in namespace ${ns} to read it; its owners can add "${ns}" to its ${READERS} annotation`;

test("a baseURL or url naming another namespace's registry API needs that registry's consent", () => {
  const urls = (target: string): [string, Record<string, unknown>, string][] => [
    [
      'base',
      { type: 'registry', registry: { baseURL: `http://${target}-api.${victim}.svc:8080` } },
      'spec.sources[0].registry.baseURL',
    ],
    [
      'base-fqdn',
      {
        type: 'registry',
        registry: { baseURL: `https://${target.toUpperCase()}-API.${victim}.SVC.CLUSTER.LOCAL.:9443` },
      },
      'spec.sources[0].registry.baseURL',
    ],
    [
      'doc',
      { type: 'url', url: { href: `http://${target}-api.${victim}.svc.cluster.local:8080/v0.1/servers` } },
      'spec.sources[0].url.href',
    ],
  ];
  // No such registry, and a registry that does not list this namespace: the same answer.
  kubectlOk(
    ['create', '-f', '-'],
    registry('private', { type: 'configmap', configMapRef: { name: 'c' } }, victim),
  );
  for (const target of ['ghost', 'private'])
    for (const [name, source, field] of urls(target)) {
      const r = as('alice', registry(`${name}-${target}`, source));
      assert.equal(r.code, 1, `${name}-${target}: ${r.stdout}`);
      assert.equal(r.stderr.trim(), refusal(`${name}-${target}`, field, target));
    }
  kubectlOk(['annotate', 'mcpregistry', 'private', '-n', victim, `${READERS}=other,${ns}`]);
  for (const [name, source] of urls('private')) {
    // The webhook keeps an answer for up to 10 s (docs/security.md): consent is seen within that.
    const deadline = Date.now() + 30_000;
    let r = as('alice', registry(`${name}-ok`, source));
    while (r.code !== 0 && Date.now() < deadline) {
      kubectlOk(['get', 'ns', ns]); // a request between tries, not a sleep of fixed length
      r = as('alice', registry(`${name}-ok`, source));
    }
    assert.equal(r.code, 0, r.stderr);
  }
});

test("an OIDC issuer naming another namespace's registry API needs that registry's consent too", () => {
  const reg = registry('issuer-ghost', { type: 'configmap', configMapRef: { name: 'c' } });
  reg.spec = {
    ...reg.spec,
    api: {
      auth: { mode: 'oidc', oidc: { issuer: `https://ghost-api.${victim}.svc:8443`, audiences: ['a'] } },
    },
  } as typeof reg.spec;
  const r = as('alice', reg);
  assert.equal(r.code, 1, r.stdout);
  assert.equal(r.stderr.trim(), refusal('issuer-ghost', 'spec.api.auth.oidc.issuer', 'ghost'));
});

test('a conversion stash nested deeper than 32 levels is refused with a message, not a stack overflow', () => {
  const deep = `${'['.repeat(5000)}${']'.repeat(5000)}`;
  const stash = `{"sources":[{"name":"default","type":"url","url":{"href":"https://example.com/r.json"},"x":${deep}}]}`;
  const r = kubectl(['create', '-f', '-'], {
    apiVersion: 'toolhive.stacklok.io/v1alpha1',
    kind: 'MCPRegistry',
    metadata: { name: 'deep', namespace: ns, annotations: { 'toolhive.stacklok.io/v1beta1-spec': stash } },
    spec: { source: { type: 'url', url: 'https://example.com/r.json' } },
  });
  assert.equal(r.code, 1, r.stdout);
  assert.equal(
    r.stderr.trim(),
    'The MCPRegistry "deep" is invalid: metadata.annotations[toolhive.stacklok.io/v1beta1-spec]: Invalid value: nested more than 32 levels deep; a v1beta1 spec is far shallower',
  );
});

test('a spec nested deeper than 32 levels is refused with a message, not a stack overflow, nor stored', () => {
  for (const depth of [40, 5000]) {
    // Written as JSON text: the YAML writer kubectl() would use recurses and cannot write 5,000 levels.
    const nested = `${'{"a":'.repeat(depth)}"x"${'}'.repeat(depth)}`;
    const r = kubectl(
      ['create', '-f', '-'],
      `{"apiVersion":"${BETA}","kind":"MCPRegistry","metadata":{"name":"deep-${depth}","namespace":"${ns}"},` +
        `"spec":{"sources":[{"name":"default","type":"url","url":{"href":"https://example.com/r.json"}}],` +
        `"api":{"affinity":{"nodeAffinity":${nested}}}}}`,
    );
    assert.equal(r.code, 1, r.stdout);
    assert.equal(
      r.stderr.trim(),
      `The MCPRegistry "deep-${depth}" is invalid: spec.api: Invalid value: nested more than 32 levels deep (counting from spec); a valid spec is far shallower`,
      String(depth),
    );
  }
});
