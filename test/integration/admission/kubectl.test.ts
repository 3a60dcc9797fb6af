/**
 * Admission through the real apiserver with the machine's kubectl: what a user applying manifests
 * reads. The webhooks are the test stack's (default policy).
 */
import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import { KUBECTL_CASES } from '../../support/admission-corpus.ts';
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

// The cases live in the admission corpus, which the differential test (test/integration/gitops) shares.
for (const c of KUBECTL_CASES) {
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
      'Warning: spec.filter.names: every included pattern is also excluded, so this filter matches no server',
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
