/**
 * Issue #12 admission rules, pure: the stash annotation validated as what will be stored, names that
 * cannot form the derived objects, literal IP destinations in any notation, the url.timeout cap, and
 * cluster-local plain HTTP (#19.1). The same messages are checked through the real apiserver in
 * test/integration/admission/hardening.test.ts and network.test.ts.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fromHub } from '../../../src/api/conversion/index.ts';
import type { MCPRegistryV1beta1 } from '../../../src/api/types.ts';
import { alpha, beta, messages, policy, warnings } from './helpers.ts';

const STASH = 'toolhive.stacklok.io/v1beta1-spec';
const AT = `metadata.annotations[${STASH}]`;
const URL_SRC = { type: 'url', url: 'https://example.com/r.json' };
const FIRST = {
  name: 'default',
  type: 'url',
  format: 'toolhive',
  url: { href: 'https://example.com/r.json' },
};
const stashed = (...sources: unknown[]) =>
  alpha({ format: 'toolhive', source: URL_SRC }, { annotations: { [STASH]: JSON.stringify({ sources }) } });

const stashCases: [string, unknown[], string[]][] = [
  [
    'an http:// URL source',
    [FIRST, { name: 'evil', type: 'url', url: { href: 'http://evil.example/r.json' } }],
    [`${AT}.sources[1].url.href: Invalid value: "http://evil.example/r.json": must use https`],
  ],
  [
    'a file:// git source',
    [FIRST, { name: 'evil', type: 'git', git: { repository: 'file:///srv/repo.git' } }],
    [
      `${AT}.sources[1].git.repository: Forbidden: file:// repositories are not allowed by the platform policy (allowFileGit)`,
    ],
  ],
  [
    'a source of type bogus',
    [FIRST, { name: 'evil', type: 'bogus' }],
    [
      `${AT}.sources[1].type: Unsupported value: "bogus": supported values: "configmap", "url", "git", "registry", "kubernetes"`,
    ],
  ],
  [
    'duplicate source names',
    [FIRST, { name: 'default', type: 'url', url: { href: 'https://b.example/r.json' } }],
    [`${AT}.sources[1].name: Duplicate value: "default"`],
  ],
  [
    'a v1beta1-only field of the first source (timeout over the cap)',
    [{ ...FIRST, url: { href: 'https://example.com/r.json', timeout: '600h' } }],
    [`${AT}.sources[0].url.timeout: Invalid value: "600h": must be at most 10m`],
  ],
];
for (const [name, sources, want] of stashCases)
  test(`stash: ${name} is refused with the annotation's path`, () => {
    assert.deepEqual(messages(stashed(...sources)), want);
  });

test('stash: not JSON is refused, and an edit of the v1alpha1 fields is reported once, at its own path', () => {
  assert.deepEqual(messages(alpha({ source: URL_SRC }, { annotations: { [STASH]: '{x' } })), [
    `${AT}: Invalid value: not JSON (Expected property name or '}' in JSON at position 1 (line 1 column 2)); remove the annotation to convert without it`,
  ]);
  const edited = stashed(FIRST, { name: 'two', type: 'url', url: { href: 'https://b.example/r.json' } });
  edited.spec.source = { type: 'url', url: 'http://x' };
  assert.deepEqual(messages(edited), ['spec.source.url: Invalid value: "http://x": must use https']);
});

test('stash: what conversion writes for a multi-source object passes as it is', () => {
  const hub = beta({
    sources: [
      { ...FIRST, url: { href: 'https://example.com/r.json', timeout: '1m' } },
      { name: 'cm', type: 'configmap', format: 'toolhive', configMapRef: { name: 'cm', key: 'r.json' } },
    ],
    syncPolicy: { interval: '1h' },
  });
  const view = fromHub(hub as unknown as MCPRegistryV1beta1);
  assert.ok(JSON.stringify(view).includes(STASH));
  assert.deepEqual(messages(view), []);
});

test('stash: a policy the stored object no longer meets is ratcheted on an unrelated update', () => {
  const old = stashed(FIRST, { name: 'h', type: 'url', url: { href: 'http://h.example/r.json' } });
  const next = structuredClone(old);
  (next.metadata as Record<string, unknown>).labels = { team: 'a' };
  assert.deepEqual(messages(next, undefined, old), []);
  assert.deepEqual(warnings(next, undefined, old), [
    `${AT}.sources[1].url.href: Invalid value: "http://h.example/r.json": must use https (kept because this update does not change it)`,
  ]);
});

const SERVICE = (n: string) =>
  `metadata.name: Invalid value: "${n}": must be a DNS-1035 label (lowercase letters, digits and '-', starting with a letter and ending with a letter or digit) because it names the registry's Service "${n}-api"`;
const TOO_LONG =
  'metadata.name: Too long: may not be more than 59 characters: the registry\'s Service "<name>-api" and the label values derived from the name must fit in 63';

test('names: a.b, 1abc and 60 characters are refused on create, 59 accepted, updates left alone', () => {
  assert.deepEqual(messages(alpha({ source: URL_SRC }, { name: 'a.b' })), [SERVICE('a.b')]);
  assert.deepEqual(messages(alpha({ source: URL_SRC }, { name: '1abc' })), [SERVICE('1abc')]);
  assert.deepEqual(messages(alpha({ source: URL_SRC }, { name: 'a'.repeat(60) })), [TOO_LONG]);
  assert.deepEqual(messages(alpha({ source: URL_SRC }, { name: 'a'.repeat(59) })), []);
  const stored = alpha({ source: URL_SRC }, { name: 'a.b' });
  assert.deepEqual(messages(stored, undefined, stored), []);
});

const LOOPBACK = (host: string) =>
  `spec.source.url: Forbidden: "${host}" (127.0.0.1) is a loopback address, not an allowed destination (the platform policy's allowedCIDRs can allow it)`;

test('destinations: literal IPs in every notation are refused, private ranges allowed by default', () => {
  const url = (u: string) => alpha({ source: { type: 'url', url: u } });
  assert.deepEqual(messages(url('https://2130706433/r.json')), [LOOPBACK('2130706433')]);
  assert.deepEqual(messages(url('https://0x7f.1/r.json')), [LOOPBACK('0x7f.1')]);
  assert.deepEqual(messages(url('https://0177.0.0.1/r.json')), [LOOPBACK('0177.0.0.1')]);
  assert.deepEqual(messages(url('https://[::ffff:127.0.0.1]/r.json')), [LOOPBACK('[::ffff:127.0.0.1]')]);
  const plain: [string, string][] = [
    ['[::1]', '::1 is a loopback address'],
    ['169.254.169.254', '169.254.169.254 is the cloud metadata address'],
    ['[fd00:ec2::254]', 'fd00:ec2::254 is the cloud metadata address'],
    ['0.0.0.0', '0.0.0.0 is an unspecified address'],
    ['[::]', ':: is an unspecified address'],
    ['224.0.0.1', '224.0.0.1 is a multicast address'],
    ['[ff02::1]', 'ff02::1 is a multicast address'],
    ['169.254.1.1', '169.254.1.1 is a link-local address'],
  ];
  for (const [host, what] of plain)
    assert.deepEqual(messages(url(`https://${host}/r.json`)), [
      `spec.source.url: Forbidden: ${what}, not an allowed destination (the platform policy's allowedCIDRs can allow it)`,
    ]);
  assert.deepEqual(messages(url('https://10.0.0.1/r.json')), []);
  assert.deepEqual(messages(url('https://[fd12::1]/r.json')), []);
});

test('destinations: git repositories (https, ssh, scp-like) and registry base URLs too', () => {
  const git = (repository: string) => alpha({ source: { type: 'git', git: { repository } } });
  const at = (f: string, host: string) =>
    `${f}: Forbidden: "${host}" (127.0.0.1) is a loopback address, not an allowed destination (the platform policy's allowedCIDRs can allow it)`;
  assert.deepEqual(messages(git('git@2130706433:org/r.git')), [
    at('spec.source.git.repository', '2130706433'),
  ]);
  assert.deepEqual(messages(git('ssh://git@0x7f.0.0.1/org/r.git')), [
    at('spec.source.git.repository', '0x7f.0.0.1'),
  ]);
  assert.deepEqual(messages(alpha({ source: { type: 'registry', registry: { url: 'https://127.1' } } })), [
    at('spec.source.registry.url', '127.1'),
  ]);
});

test('destinations: allowedCIDRs, deniedCIDRs (most specific wins) and allowPrivateNetworks', () => {
  const url = (u: string) => alpha({ source: { type: 'url', url: u } });
  const open = policy('allowedCIDRs: [127.0.0.0/8, "::1"]\n');
  assert.deepEqual(messages(url('https://0x7f.1/r.json'), open), []);
  assert.deepEqual(messages(url('https://[::1]/r.json'), open), []);
  const strict = policy(
    'allowPrivateNetworks: false\ndeniedCIDRs: [203.0.113.0/24]\nallowedCIDRs: [10.1.2.3]\n',
  );
  assert.deepEqual(messages(url('https://10.0.0.1/r.json'), strict), [
    'spec.source.url: Forbidden: 10.0.0.1 is a private address, not an allowed destination (the platform policy sets allowPrivateNetworks: false; its allowedCIDRs can allow it)',
  ]);
  assert.deepEqual(messages(url('https://10.1.2.3/r.json'), strict), []);
  assert.deepEqual(messages(url('https://203.0.113.9/r.json'), strict), [
    "spec.source.url: Forbidden: 203.0.113.9 is in the platform policy's deniedCIDRs (203.0.113.0/24), not an allowed destination",
  ]);
  const carve = policy('deniedCIDRs: [10.0.0.0/8]\nallowedCIDRs: [10.1.0.0/16]\n');
  assert.deepEqual(messages(url('https://10.1.9.9/r.json'), carve), []);
  assert.equal(messages(url('https://10.2.0.1/r.json'), carve).length, 1);
});

test('url.timeout: at most 10m, and 600h is refused with a message instead of a timer overflow', () => {
  const src = (timeout: string) =>
    beta({ sources: [{ name: 's', type: 'url', url: { href: 'https://example.com/r.json', timeout } }] });
  assert.deepEqual(messages(src('10m')), []);
  assert.deepEqual(messages(src('600h')), [
    'spec.sources[0].url.timeout: Invalid value: "600h": must be at most 10m',
  ]);
  assert.deepEqual(messages(src('10m1s')), [
    'spec.sources[0].url.timeout: Invalid value: "10m1s": must be at most 10m',
  ]);
});

test('cluster-local http: allowed for <svc>.<ns>.svc[.<cluster domain>] by default, https elsewhere, switchable', () => {
  const reg = (url: string) => alpha({ source: { type: 'registry', registry: { url } } });
  for (const u of [
    'http://my-registry-api.default.svc.cluster.local',
    'http://my-registry-api.default.svc:8080',
    'http://my-registry-api.default.svc.cluster.local.',
  ]) {
    assert.deepEqual(messages(reg(u)), [], u);
    assert.deepEqual(warnings(reg(u)), [], u);
  }
  for (const u of [
    'http://my-registry-api.default',
    'http://my-registry-api.default.svc.other.domain',
    'http://a.b.svc.example.com',
    'http://evil.svc',
  ])
    assert.deepEqual(messages(reg(u)), [`spec.source.registry.url: Invalid value: "${u}": must use https`]);
  const domain = policy('clusterDomain: corp.internal\n');
  assert.deepEqual(messages(reg('http://r.tools.svc.corp.internal'), domain), []);
  assert.equal(messages(reg('http://r.tools.svc.cluster.local'), domain).length, 1);
  const off = policy('allowClusterLocalHTTP: false\n');
  assert.deepEqual(messages(reg('http://my-registry-api.default.svc'), off), [
    'spec.source.registry.url: Invalid value: "http://my-registry-api.default.svc": must use https',
  ]);
});
