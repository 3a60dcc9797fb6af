/**
 * Admission through the real apiserver with the machine's kubectl: what a user applying manifests
 * reads. The webhooks are the test stack's (default policy).
 */
import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import { createNamespace, kubectl, kubectlOk } from '../../support/cluster.ts';

let ns: string;
before(async () => {
  ns = await createNamespace('admission');
});

const ALPHA = 'toolhive.stacklok.io/v1alpha1';
const BETA = 'toolhive.stacklok.io/v1beta1';
const doc = (apiVersion: string, name: string, spec: unknown) => ({
  apiVersion,
  kind: 'MCPRegistry',
  metadata: { name, namespace: ns },
  spec,
});

const invalid: { name: string; version?: string; spec: unknown; stderr: string }[] = [
  {
    name: 'http-url',
    spec: { source: { type: 'url', url: 'http://x' } },
    stderr: 'spec.source.url: Invalid value: "http://x": must use https',
  },
  {
    name: 'relative-url',
    spec: { source: { type: 'url', url: 'registry.json' } },
    stderr:
      'spec.source.url: Invalid value: "registry.json": must be an absolute URL such as https://example.com/registry.json',
  },
  {
    name: 'userinfo',
    spec: { source: { type: 'url', url: 'https://me:pw@a.com/r.json' } },
    stderr:
      'spec.source.url: Invalid value: "https://me:pw@a.com/r.json": must not contain user information: put credentials in a Secret',
  },
  {
    name: 'fragment',
    spec: { source: { type: 'url', url: 'https://a.com/r.json#x' } },
    stderr: 'spec.source.url: Invalid value: "https://a.com/r.json#x": must not contain a fragment',
  },
  {
    name: 'registry-query',
    spec: { source: { type: 'registry', registry: { url: 'https://r.example.com/?page=2' } } },
    stderr:
      'spec.source.registry.url: Invalid value: "https://r.example.com/?page=2": must not contain a query: a registry URL is a base URL',
  },
  {
    name: 'git-scheme',
    spec: { source: { type: 'git', git: { repository: 'ftp://a.com/r.git' } } },
    stderr:
      'spec.source.git.repository: Invalid value: "ftp://a.com/r.git": must be an https://, ssh:// or git@host:path repository',
  },
  {
    name: 'git-file',
    spec: { source: { type: 'git', git: { repository: 'file:///srv/r.git' } } },
    stderr:
      'spec.source.git.repository: Forbidden: file:// repositories are not allowed by the platform policy (allowFileGit)',
  },
  {
    name: 'git-dotdot',
    spec: { source: { type: 'git', git: { repository: 'https://a.com/r', path: '../r.json' } } },
    stderr: 'spec.source.git.path: Invalid value: "../r.json": must not contain \'..\'',
  },
  {
    name: 'git-absolute',
    spec: { source: { type: 'git', git: { repository: 'https://a.com/r', path: '/r.json' } } },
    stderr: 'spec.source.git.path: Invalid value: "/r.json": must be a relative path',
  },
  {
    name: 'git-yaml',
    spec: { source: { type: 'git', git: { repository: 'https://a.com/r', path: 'r.yaml' } } },
    stderr: 'spec.source.git.path: Invalid value: "r.yaml": must end in .json',
  },
  {
    name: 'cm-key-dotdot',
    spec: { source: { type: 'configmap', configmap: { name: 'c', key: '..data' } } },
    stderr: 'spec.source.configmap.key: Invalid value: "..data": must not start with \'..\'',
  },
  {
    name: 'interval-unit',
    spec: { source: { type: 'configmap', configmap: { name: 'c' } }, syncPolicy: { interval: '1d' } },
    stderr:
      'spec.syncPolicy.interval: Invalid value: "1d": must be a Go duration such as "30m" or "1h30m": time: unknown unit "d" in duration "1d"',
  },
  {
    name: 'interval-zero',
    spec: { source: { type: 'configmap', configmap: { name: 'c' } }, syncPolicy: { interval: '0s' } },
    stderr: 'spec.syncPolicy.interval: Invalid value: "0s": must be greater than 0',
  },
  {
    name: 'interval-min',
    spec: { source: { type: 'configmap', configmap: { name: 'c' } }, syncPolicy: { interval: '10s' } },
    stderr:
      'spec.syncPolicy.interval: Invalid value: "10s": must be at least 30s (the platform policy\'s minSyncInterval)',
  },
  {
    name: 'interval-max',
    spec: { source: { type: 'configmap', configmap: { name: 'c' } }, syncPolicy: { interval: '9000h' } },
    stderr: 'spec.syncPolicy.interval: Invalid value: "9000h": must be at most 8760h',
  },
  {
    name: 'glob',
    spec: {
      source: { type: 'configmap', configmap: { name: 'c' } },
      filter: { names: { include: ['io.github.*/[ab'] } },
    },
    stderr:
      'spec.filter.names.include[0]: Invalid value: "io.github.*/[ab": invalid glob: unclosed [ at position 13',
  },
  {
    name: 'beta-href',
    version: BETA,
    spec: { sources: [{ name: 'a', type: 'url', url: { href: 'http://a.com/r.json' } }] },
    stderr: 'spec.sources[0].url.href: Invalid value: "http://a.com/r.json": must use https',
  },
  {
    name: 'beta-timeout',
    version: BETA,
    spec: { sources: [{ name: 'a', type: 'url', url: { href: 'https://a.com/r.json', timeout: '0s' } }] },
    stderr: 'spec.sources[0].url.timeout: Invalid value: "0s": must be greater than 0',
  },
  {
    name: 'beta-second-source',
    version: BETA,
    spec: {
      sources: [
        { name: 'a', type: 'configmap', configMapRef: { name: 'c' } },
        { name: 'b', type: 'registry', registry: { baseURL: 'https://r.com/#x' } },
      ],
    },
    stderr:
      'spec.sources[1].registry.baseURL: Invalid value: "https://r.com/#x": must not contain a fragment',
  },
];

for (const c of invalid) {
  test(`kubectl apply is refused: ${c.name}`, () => {
    const r = kubectl(['apply', '-f', '-'], doc(c.version ?? ALPHA, c.name, c.spec));
    assert.equal(r.code, 1);
    assert.equal(r.stderr, `The MCPRegistry "${c.name}" is invalid: ${c.stderr}`);
    assert.equal(kubectl(['get', 'mcpregistry', c.name, '-n', ns]).code, 1, 'nothing was stored');
  });
}

test('kubectl apply reports every error of one object at once', () => {
  const r = kubectl(
    ['apply', '-f', '-'],
    doc(ALPHA, 'many', {
      source: { type: 'url', url: 'http://a.com/r.json#top' },
      syncPolicy: { interval: '5' },
    }),
  );
  assert.equal(r.code, 1);
  assert.equal(
    r.stderr,
    [
      'The MCPRegistry "many" is invalid: ',
      '* spec.source.url: Invalid value: "http://a.com/r.json#top": must use https',
      '* spec.source.url: Invalid value: "http://a.com/r.json#top": must not contain a fragment',
      '* spec.syncPolicy.interval: Invalid value: "5": must be a Go duration such as "30m" or "1h30m": time: missing unit in duration "5"',
    ].join('\n'),
  );
});

test('a minimal v1alpha1 spec comes back with every default filled', () => {
  kubectlOk(
    ['apply', '-f', '-'],
    doc(ALPHA, 'min-url', { source: { type: 'url', url: 'https://a.com/r.json' } }),
  );
  const got = JSON.parse(
    kubectlOk(['get', `mcpregistries.v1alpha1.toolhive.stacklok.io/min-url`, '-n', ns, '-o', 'json']),
  );
  assert.deepEqual(got.spec, {
    format: 'toolhive',
    source: { type: 'url', url: 'https://a.com/r.json' },
    syncPolicy: { interval: '1h' },
  });
});

test('minimal specs of each source type, in both versions, come back defaulted', () => {
  kubectlOk(
    ['apply', '-f', '-'],
    doc(ALPHA, 'min-cm', { source: { type: 'configmap', configmap: { name: 'c' } } }),
  );
  kubectlOk(
    ['apply', '-f', '-'],
    doc(ALPHA, 'min-git', {
      source: { type: 'git', git: { repository: 'git@github.com:o/r.git' } },
      filter: { names: { include: [' a/* ', 'a/*', ''] } },
    }),
  );
  kubectlOk(
    ['apply', '-f', '-'],
    doc(BETA, 'min-beta', {
      sources: [
        { name: 'a', type: 'configmap', configMapRef: { name: 'c' } },
        { name: 'b', type: 'registry', registry: { baseURL: 'https://r.com' } },
      ],
    }),
  );
  const get = (name: string, v = 'v1alpha1') =>
    JSON.parse(kubectlOk(['get', `mcpregistries.${v}.toolhive.stacklok.io/${name}`, '-n', ns, '-o', 'json']))
      .spec;
  assert.deepEqual(get('min-cm'), {
    format: 'toolhive',
    source: { type: 'configmap', configmap: { name: 'c', key: 'registry.json' } },
  });
  assert.deepEqual(get('min-git'), {
    format: 'toolhive',
    source: { type: 'git', git: { repository: 'git@github.com:o/r.git', path: 'registry.json' } },
    syncPolicy: { interval: '1h' },
    filter: { names: { include: ['a/*'] } },
  });
  assert.deepEqual(get('min-beta', 'v1beta1'), {
    sources: [
      { name: 'a', type: 'configmap', format: 'toolhive', configMapRef: { name: 'c', key: 'registry.json' } },
      { name: 'b', type: 'registry', format: 'upstream', registry: { baseURL: 'https://r.com' } },
    ],
    syncPolicy: { interval: '1h' },
  });
});

test('a registry source defaults to the upstream format in both versions, read back in both', () => {
  kubectlOk(
    ['apply', '-f', '-'],
    doc(ALPHA, 'min-reg-alpha', { source: { type: 'registry', registry: { url: 'https://r.com' } } }),
  );
  kubectlOk(
    ['apply', '-f', '-'],
    doc(BETA, 'min-reg-beta', {
      sources: [{ name: 'up', type: 'registry', registry: { baseURL: 'https://r.com' } }],
    }),
  );
  const get = (name: string, v: string) =>
    JSON.parse(kubectlOk(['get', `mcpregistries.${v}.toolhive.stacklok.io/${name}`, '-n', ns, '-o', 'json']))
      .spec;
  assert.deepEqual(get('min-reg-alpha', 'v1alpha1'), {
    format: 'upstream',
    source: { type: 'registry', registry: { url: 'https://r.com' } },
    syncPolicy: { interval: '1h' },
  });
  assert.deepEqual(get('min-reg-alpha', 'v1beta1'), {
    sources: [
      { name: 'default', type: 'registry', format: 'upstream', registry: { baseURL: 'https://r.com' } },
    ],
    syncPolicy: { interval: '1h' },
  });
  assert.deepEqual(get('min-reg-beta', 'v1alpha1').format, 'upstream');
  assert.deepEqual(get('min-reg-beta', 'v1beta1'), {
    sources: [{ name: 'up', type: 'registry', format: 'upstream', registry: { baseURL: 'https://r.com' } }],
    syncPolicy: { interval: '1h' },
  });
});

test('--dry-run=server is validated, defaulted in the answer, and persists nothing', () => {
  const bad = kubectl(
    ['apply', '--dry-run=server', '-f', '-'],
    doc(ALPHA, 'dry-bad', { source: { type: 'url', url: 'http://x' } }),
  );
  assert.equal(bad.code, 1);
  assert.equal(
    bad.stderr,
    'The MCPRegistry "dry-bad" is invalid: spec.source.url: Invalid value: "http://x": must use https',
  );
  const good = JSON.parse(
    kubectlOk(
      ['apply', '--dry-run=server', '-o', 'json', '-f', '-'],
      doc(ALPHA, 'dry-good', { source: { type: 'url', url: 'https://a.com/r.json' } }),
    ),
  );
  assert.equal(good.spec.syncPolicy.interval, '1h');
  const r = kubectl(['get', 'mcpregistry', 'dry-good', '-n', ns]);
  assert.equal(r.code, 1);
  assert.match(r.stderr, /NotFound|not found/);
});

test('warnings reach kubectl stderr and the object is stored', () => {
  const r = kubectl(
    ['apply', '-f', '-'],
    doc(ALPHA, 'warned', {
      source: { type: 'url', url: 'https://a.com/r.json' },
      syncPolicy: { interval: '1m' },
      filter: { names: { include: ['a/*'], exclude: ['a/*'] } },
    }),
  );
  assert.equal(r.code, 0, r.stderr);
  assert.equal(
    r.stderr,
    [
      'Warning: spec.syncPolicy.interval: 1m polls a remote source more often than every 5m; consider 5m or more',
      'Warning: spec.filter.names: "a/*" is both included and excluded; the exclusion wins',
    ].join('\n'),
  );
});

test('an update is validated too, and a valid object can still be edited (labels)', () => {
  kubectlOk(
    ['apply', '-f', '-'],
    doc(ALPHA, 'upd', { source: { type: 'url', url: 'https://a.com/r.json' } }),
  );
  const bad = kubectl(
    ['apply', '-f', '-'],
    doc(ALPHA, 'upd', { source: { type: 'url', url: 'https://a.com/r.json#frag' } }),
  );
  assert.equal(bad.code, 1);
  assert.equal(
    bad.stderr,
    'The MCPRegistry "upd" is invalid: spec.source.url: Invalid value: "https://a.com/r.json#frag": must not contain a fragment',
  );
  kubectlOk(['label', 'mcpregistry', 'upd', '-n', ns, 'team=a']);
});

test('status writes are not reviewed by admission', () => {
  kubectlOk(
    ['apply', '-f', '-'],
    doc(BETA, 'st', { sources: [{ name: 'a', type: 'configmap', configMapRef: { name: 'c' } }] }),
  );
  kubectlOk([
    'patch',
    'mcpregistries.v1beta1.toolhive.stacklok.io',
    'st',
    '-n',
    ns,
    '--subresource=status',
    '--type=merge',
    '-p',
    '{"status":{"phase":"Ready"}}',
  ]);
  const got = JSON.parse(
    kubectlOk(['get', 'mcpregistries.v1beta1.toolhive.stacklok.io/st', '-n', ns, '-o', 'json']),
  );
  assert.equal(got.status.phase, 'Ready');
});
