import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildRegistry, flagHint, type AddFlags } from '../../../src/cli/verbs/build.ts';
import { UsageError } from '../../../src/cli/errors.ts';

const meta = { name: 'demo', namespace: 'team-a' };
const base = { apiVersion: 'toolhive.stacklok.io/v1beta1', kind: 'MCPRegistry', metadata: meta };

test('each source flag builds its v1beta1 source, named after its type (not `default`, which reads like the namespace)', () => {
  const cases: [AddFlags, unknown][] = [
    [{ configmap: 'catalog' }, { name: 'configmap', type: 'configmap', configMapRef: { name: 'catalog' } }],
    [
      { configmap: 'catalog:data.json', type: 'configmap' },
      { name: 'configmap', type: 'configmap', configMapRef: { name: 'catalog', key: 'data.json' } },
    ],
    [
      { url: 'https://example.com/r.json', format: 'upstream' },
      { name: 'url', type: 'url', format: 'upstream', url: { href: 'https://example.com/r.json' } },
    ],
    [
      { url: 'https://internal.example/r.json', caSecret: 'internal-ca' },
      {
        name: 'url',
        type: 'url',
        url: { href: 'https://internal.example/r.json', caBundleRef: { name: 'internal-ca' } },
      },
    ],
    [
      { registry: 'https://registry.internal', caSecret: 'internal-ca:bundle.pem' },
      {
        name: 'registry',
        type: 'registry',
        registry: {
          baseURL: 'https://registry.internal',
          caBundleRef: { name: 'internal-ca', key: 'bundle.pem' },
        },
      },
    ],
    [
      { git: 'https://g.example/r.git' },
      { name: 'git', type: 'git', git: { repository: 'https://g.example/r.git' } },
    ],
    [
      { git: 'git@g.example:o/r.git', tag: 'v1', path: 'data/registry.json' },
      {
        name: 'git',
        type: 'git',
        git: { repository: 'git@g.example:o/r.git', ref: { tag: 'v1' }, path: 'data/registry.json' },
      },
    ],
    [
      { git: 'https://g.example/r.git', commit: 'abc1234' },
      {
        name: 'git',
        type: 'git',
        git: { repository: 'https://g.example/r.git', ref: { commit: 'abc1234' } },
      },
    ],
    [
      { registry: 'https://registry.example.com', type: 'registry' },
      { name: 'registry', type: 'registry', registry: { baseURL: 'https://registry.example.com' } },
    ],
  ];
  for (const [flags, source] of cases)
    assert.deepEqual(buildRegistry('demo', 'team-a', flags), { ...base, spec: { sources: [source] } });
});

test('display name, interval and the repeatable filters land in the spec; empty lists are left out', () => {
  assert.deepEqual(
    buildRegistry('demo', 'team-a', {
      configmap: 'c',
      displayName: 'Demo',
      interval: '30m',
      include: ['io.github.*', 'fetch'],
      exclude: [],
      excludeTag: ['deprecated'],
    }),
    {
      ...base,
      spec: {
        displayName: 'Demo',
        sources: [{ name: 'configmap', type: 'configmap', configMapRef: { name: 'c' } }],
        syncPolicy: { interval: '30m' },
        filter: { names: { include: ['io.github.*', 'fetch'] }, tags: { exclude: ['deprecated'] } },
      },
    },
  );
});

test('--source-name names the source; its value is admission’s to judge, and its errors point at the flag', () => {
  assert.deepEqual(
    buildRegistry('demo', 'team-a', { configmap: 'c', sourceName: 'corp-catalog' }).spec.sources,
    [{ name: 'corp-catalog', type: 'configmap', configMapRef: { name: 'c' } }],
  );
  assert.equal(
    buildRegistry('demo', 'team-a', { url: 'https://x', sourceName: 'Bad_Name' }).spec.sources[0]?.name,
    'Bad_Name',
  );
  assert.equal(
    flagHint('spec.sources[0].name: Invalid value: "Bad_Name": must be a DNS label'),
    'Fix the flag and run the command again (spec.sources[0].name is --source-name).',
  );
});

test('values are not checked here: admission owns the rules and its message is shown', () => {
  const r = buildRegistry('demo', 'team-a', { url: 'http://x', interval: 'soon', include: ['[abc'] });
  assert.deepEqual(r.spec.sources[0]?.url, { href: 'http://x' });
  assert.equal(r.spec.syncPolicy?.interval, 'soon');
});

test('flag combinations that mean nothing are usage errors (exit 2) with the exact message and hint', () => {
  const source =
    'Give exactly one of --configmap NAME[:KEY], --url URL, --git REPO, --registry URL or --kubernetes.';
  const cases: [AddFlags, string, string][] = [
    [{}, 'a source is required', source],
    [{ type: 'git' }, '--type git needs --git REPO', source],
    [{ url: 'https://a', git: 'https://b' }, 'only one source may be given, got --url and --git', source],
    [
      { type: 'url', configmap: 'c' },
      '--type url does not match --configmap',
      'Use --type configmap, or leave --type out: it follows from the source flag.',
    ],
    [
      { configmap: 'c', branch: 'main' },
      '--branch is only valid with --git',
      'For example --git https://github.com/org/repo.git --branch main.',
    ],
    [
      { url: 'https://a', path: 'x.json' },
      '--path is only valid with --git',
      'For example --git https://github.com/org/repo.git --branch main.',
    ],
    [
      { configmap: 'c', caSecret: 'ca' },
      '--ca-secret is only valid with --url or --registry',
      'It names a Secret with the PEM CA certificates an HTTPS source is checked against.',
    ],
    [
      { url: 'https://a', caSecret: 'ca:' },
      '--ca-secret "ca:": expected NAME or NAME:KEY',
      'For example --ca-secret internal-ca or --ca-secret internal-ca:ca.crt.',
    ],
    [
      { git: 'https://a', branch: 'main', tag: 'v1' },
      '--branch, --tag are mutually exclusive',
      'Pick one of --branch, --tag or --commit (none means the remote’s default branch).',
    ],
    [
      { configmap: ':key' },
      '--configmap ":key": expected NAME or NAME:KEY',
      'For example --configmap my-catalog or --configmap my-catalog:registry.json.',
    ],
    [
      { configmap: 'name:' },
      '--configmap "name:": expected NAME or NAME:KEY',
      'For example --configmap my-catalog or --configmap my-catalog:registry.json.',
    ],
  ];
  for (const [flags, message, hint] of cases)
    assert.throws(
      () => buildRegistry('demo', 'team-a', flags),
      (e: unknown) => {
        assert.ok(e instanceof UsageError);
        assert.equal(e.exitCode, 2);
        assert.equal(e.message, message);
        assert.equal(e.hint, hint);
        return true;
      },
    );
});

test('flagHint maps the field paths of an admission message back to add flags', () => {
  assert.equal(
    flagHint(
      'admission webhook "v" denied the request: [spec.sources[0].url.href: Invalid value: "http://x": must use https, spec.syncPolicy.interval: Invalid value: "1s": must be at least 30s]',
    ),
    'Fix the flag and run the command again (spec.sources[0].url.href is --url; spec.syncPolicy.interval is --interval).',
  );
  assert.equal(
    flagHint('spec.filter.names.include[2]: Invalid value: "[a": unclosed ['),
    'Fix the flag and run the command again (spec.filter.names.include[2] is --include).',
  );
  assert.equal(
    flagHint(
      'spec.sources[0].git.ref: Invalid value: "object": at most one of branch, tag or commit may be set',
    ),
    'Fix the flag and run the command again (spec.sources[0].git.ref is --branch/--tag/--commit).',
  );
  assert.equal(flagHint('something else entirely'), undefined);
});

test('--kubernetes builds a kubernetes source; --namespaces is comma-separated and repeatable', () => {
  const cases: [AddFlags, unknown][] = [
    [{ kubernetes: true }, { name: 'kubernetes', type: 'kubernetes' }],
    [
      { kubernetes: true, namespaces: ['team-a,team-b', 'team-c'] },
      { name: 'kubernetes', type: 'kubernetes', kubernetes: { namespaces: ['team-a', 'team-b', 'team-c'] } },
    ],
  ];
  for (const [flags, source] of cases)
    assert.deepEqual(buildRegistry('demo', 'team-a', flags).spec.sources, [source]);
  const usage: [AddFlags, string, string][] = [
    [
      { configmap: 'c', namespaces: ['team-b'] },
      '--namespaces is only valid with --kubernetes',
      'For example --kubernetes --namespaces team-a,team-b (each must consent: see docs/user-guide.md).',
    ],
    [
      { kubernetes: true, namespaces: ['team-a,'] },
      '--namespaces "team-a,": empty namespace name',
      'For example --namespaces team-a,team-b.',
    ],
    [
      { kubernetes: true, configmap: 'c' },
      'only one source may be given, got --configmap and --kubernetes',
      'Give exactly one of --configmap NAME[:KEY], --url URL, --git REPO, --registry URL or --kubernetes.',
    ],
  ];
  for (const [flags, message, hint] of usage)
    assert.throws(
      () => buildRegistry('demo', 'team-a', flags),
      (e: unknown) => e instanceof UsageError && e.message === message && e.hint === hint,
      message,
    );
  assert.equal(
    flagHint('spec.sources[0].kubernetes.namespaces[1]: Duplicate value: "team-a"'),
    'Fix the flag and run the command again (spec.sources[0].kubernetes.namespaces[1] is --namespaces).',
  );
});

test('info shows where a kubernetes source reads', async () => {
  const { sourceLocation } = await import('../../../src/cli/verbs/info-render.ts');
  assert.equal(sourceLocation({ name: 'k', type: 'kubernetes' }), 'workloads in the registry’s namespace');
  assert.equal(
    sourceLocation({ name: 'k', type: 'kubernetes', kubernetes: { namespaces: ['team-a', 'team-b'] } }),
    'workloads in namespaces team-a, team-b',
  );
});
