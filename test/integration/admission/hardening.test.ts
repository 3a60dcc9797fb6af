/**
 * Issue #12 admission items through the real apiserver with kubectl, against the test stack's operator
 * (the local dev stack's policy, as `npm start` runs it): the stash annotation cannot smuggle sources
 * past validation (#12.1) while conversion round trips keep working, names that cannot form the
 * derived objects are refused (#12.6), url.timeout is capped (#12.4, #12.11), literal IP destinations
 * are refused in any notation (#12.7; loopback itself is allowed by this stack's policy and refused
 * by the built-in one in network.test.ts), and cluster-local Services may use plain http (#19.1).
 */
import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import { createNamespace, kubectl, kubectlOk } from '../../support/cluster.ts';

let ns: string;
before(async () => {
  ns = await createNamespace('hardening');
});

const ALPHA = 'toolhive.stacklok.io/v1alpha1';
const BETA = 'toolhive.stacklok.io/v1beta1';
const STASH = 'toolhive.stacklok.io/v1beta1-spec';
const AT = `metadata.annotations[${STASH}]`;
const FIRST = {
  name: 'default',
  type: 'url',
  format: 'toolhive',
  url: { href: 'https://example.com/r.json' },
};

/** A v1alpha1 manifest whose stash carries extra sources, as a hostile user would write it. */
const smuggler = (name: string, extra: unknown[]) => ({
  apiVersion: ALPHA,
  kind: 'MCPRegistry',
  metadata: { name, namespace: ns, annotations: { [STASH]: JSON.stringify({ sources: [FIRST, ...extra] }) } },
  spec: { format: 'toolhive', source: { type: 'url', url: 'https://example.com/r.json' } },
});

const refusedSmuggling: [string, unknown[], string][] = [
  [
    'stash-http',
    [{ name: 'evil', type: 'url', url: { href: 'http://evil.example/r.json' } }],
    `${AT}.sources[1].url.href: Invalid value: "http://evil.example/r.json": must use https`,
  ],
  [
    'stash-file-git',
    [{ name: 'evil', type: 'git', git: { repository: 'file:///etc', path: 'passwd.json' } }],
    `${AT}.sources[1].git.repository: Forbidden: file:// repositories are not allowed by the platform policy (allowFileGit)`,
  ],
  [
    'stash-bogus',
    [{ name: 'evil', type: 'bogus' }],
    `${AT}.sources[1].type: Unsupported value: "bogus": supported values: "configmap", "url", "git", "registry", "kubernetes"`,
  ],
  [
    'stash-duplicate',
    [{ name: 'default', type: 'url', url: { href: 'https://other.example/r.json' } }],
    `${AT}.sources[1].name: Duplicate value: "default"`,
  ],
];

for (const [name, extra, message] of refusedSmuggling)
  test(`a v1alpha1 stash cannot smuggle a source past admission: ${name}`, () => {
    const r = kubectl(['apply', '-f', '-'], smuggler(name, extra));
    assert.equal(r.code, 1, r.stdout);
    assert.equal(r.stderr, `The MCPRegistry "${name}" is invalid: ${message}`);
    assert.equal(kubectl(['get', 'mcpregistry', name, '-n', ns]).code, 1, 'nothing was stored');
  });

test('conversion round trips still work: v1alpha1 output of a multi-source registry applies back, and re-creates', () => {
  kubectlOk(['apply', '-f', '-'], {
    apiVersion: BETA,
    kind: 'MCPRegistry',
    metadata: { name: 'multi', namespace: ns },
    spec: {
      sources: [
        { ...FIRST, url: { href: 'https://example.com/r.json', timeout: '1m' } },
        { name: 'cm', type: 'configmap', configMapRef: { name: 'cm' } },
      ],
    },
  });
  const getBeta = () =>
    JSON.parse(
      kubectlOk(['get', 'mcpregistries.v1beta1.toolhive.stacklok.io/multi', '-n', ns, '-o', 'json']),
    );
  const stored = getBeta().spec;
  const alpha = JSON.parse(
    kubectlOk(['get', 'mcpregistries.v1alpha1.toolhive.stacklok.io/multi', '-n', ns, '-o', 'json']),
  );
  assert.ok(alpha.metadata.annotations[STASH], 'the v1alpha1 view carries the stash');
  alpha.metadata.labels = { edited: 'through-v1alpha1' };
  kubectlOk(['apply', '-f', '-'], alpha);
  assert.deepEqual(getBeta().spec, stored, 'the update through v1alpha1 kept every source');
  assert.equal(getBeta().metadata.labels.edited, 'through-v1alpha1');

  // A backup restored into a fresh namespace: a CREATE carrying the stash is validated, not refused.
  const ns2 = `${ns}-restore`;
  kubectlOk(['create', 'namespace', ns2]);
  const restored = {
    apiVersion: alpha.apiVersion,
    kind: alpha.kind,
    metadata: { name: 'multi', namespace: ns2, annotations: { [STASH]: alpha.metadata.annotations[STASH] } },
    spec: alpha.spec,
  };
  kubectlOk(['create', '-f', '-'], restored);
  const back = JSON.parse(
    kubectlOk(['get', 'mcpregistries.v1beta1.toolhive.stacklok.io/multi', '-n', ns2, '-o', 'json']),
  );
  assert.deepEqual(back.spec, stored);
  kubectlOk(['delete', 'namespace', ns2, '--wait=false']);
});

const alphaUrl = (name: string, url: string) => ({
  apiVersion: ALPHA,
  kind: 'MCPRegistry',
  metadata: { name, namespace: ns },
  spec: { source: { type: 'url', url } },
});
const SERVICE = (n: string) =>
  `metadata.name: Invalid value: "${n}": must be a DNS-1035 label (lowercase letters, digits and '-', starting with a letter and ending with a letter or digit) because it names the registry's Service "${n}-api"`;

test('names that cannot form the derived objects are refused on create, with the reason', () => {
  for (const name of ['a.b', '1abc']) {
    const r = kubectl(['apply', '-f', '-'], alphaUrl(name, 'https://example.com/r.json'));
    assert.equal(r.code, 1);
    assert.equal(r.stderr, `The MCPRegistry "${name}" is invalid: ${SERVICE(name)}`);
  }
  const long = 'a'.repeat(60);
  const r = kubectl(['apply', '-f', '-'], alphaUrl(long, 'https://example.com/r.json'));
  assert.equal(r.code, 1);
  assert.equal(
    r.stderr,
    `The MCPRegistry "${long}" is invalid: metadata.name: Too long: may not be more than 59 characters: the registry's Service "<name>-api" and the label values derived from the name must fit in 63`,
  );
  kubectlOk(['apply', '-f', '-'], alphaUrl('a'.repeat(59), 'https://example.com/r.json'));
});

test('url.timeout is at most 10m: 600h is refused with a message', () => {
  const r = kubectl(['apply', '-f', '-'], {
    apiVersion: BETA,
    kind: 'MCPRegistry',
    metadata: { name: 'slow', namespace: ns },
    spec: {
      sources: [{ name: 's', type: 'url', url: { href: 'https://example.com/r.json', timeout: '600h' } }],
    },
  });
  assert.equal(r.code, 1);
  assert.equal(
    r.stderr,
    'The MCPRegistry "slow" is invalid: spec.sources[0].url.timeout: Invalid value: "600h": must be at most 10m',
  );
});

test('literal IP destinations are refused in any notation (link-local, metadata, multicast, unspecified)', () => {
  const cases: [string, string][] = [
    ['https://169.254.169.254/latest/meta-data.json', '169.254.169.254 is the cloud metadata address'],
    ['https://2852039166/r.json', '"2852039166" (169.254.169.254) is the cloud metadata address'],
    [
      'https://0xa9.0xfe.0xa9.0xfe/r.json',
      '"0xa9.0xfe.0xa9.0xfe" (169.254.169.254) is the cloud metadata address',
    ],
    [
      'https://0251.0376.0251.0376/r.json',
      '"0251.0376.0251.0376" (169.254.169.254) is the cloud metadata address',
    ],
    [
      'https://[::ffff:169.254.169.254]/r.json',
      '"[::ffff:169.254.169.254]" (169.254.169.254) is the cloud metadata address',
    ],
    ['https://[fd00:ec2::254]/r.json', 'fd00:ec2::254 is the cloud metadata address'],
    ['https://0.0.0.0/r.json', '0.0.0.0 is an unspecified address'],
    ['https://224.0.0.251/r.json', '224.0.0.251 is a multicast address'],
  ];
  cases.forEach(([url, what], i) => {
    const r = kubectl(['apply', '-f', '-'], alphaUrl(`ip-${i}`, url));
    assert.equal(r.code, 1, url);
    assert.equal(
      r.stderr,
      `The MCPRegistry "ip-${i}" is invalid: spec.source.url: Forbidden: ${what}, not an allowed destination (the platform policy's allowedCIDRs can allow it)`,
    );
  });
  // Private ranges are allowed by default: in-cluster Services and internal servers live there.
  kubectlOk(['apply', '-f', '-'], alphaUrl('ip-private', 'https://10.96.0.10/r.json'));
});

test('plain http to a cluster-local Service is accepted, elsewhere refused', () => {
  const reg = (name: string, url: string) => ({
    apiVersion: ALPHA,
    kind: 'MCPRegistry',
    metadata: { name, namespace: ns },
    spec: { source: { type: 'registry', registry: { url } } },
  });
  // Services that are not another namespace's registry API (`<name>-api.<ns>` needs that registry's
  // consent: test/integration/isolation/admission.test.ts).
  const ok = kubectl(['apply', '-f', '-'], reg('svc-fqdn', 'http://my-registry.default.svc.cluster.local'));
  assert.equal(ok.code, 0, ok.stderr);
  assert.equal(ok.stderr, '', 'no warning: this is the intended in-cluster path');
  kubectlOk(['apply', '-f', '-'], reg('svc-short', 'http://catalog.tools.svc:8080'));
  kubectlOk(['apply', '-f', '-'], reg('svc-own-api', `http://mine-api.${ns}.svc:8080`));
  const r = kubectl(['apply', '-f', '-'], reg('svc-not', 'http://my-registry-api.default'));
  assert.equal(r.code, 1);
  assert.equal(
    r.stderr,
    'The MCPRegistry "svc-not" is invalid: spec.source.registry.url: Invalid value: "http://my-registry-api.default": must use https',
  );
});
