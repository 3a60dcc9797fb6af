import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DEFAULT_POLICY, parsePolicy, PolicyError } from '../../../src/admission/index.ts';

test('an empty file is the built-in policy', () => {
  assert.deepEqual(parsePolicy(''), DEFAULT_POLICY);
  assert.deepEqual(parsePolicy('# only a comment\n'), DEFAULT_POLICY);
});

test('a full policy is read as written', () => {
  const p = parsePolicy(`
allowedSourceTypes: [configmap, git]
allowedHosts: ["GitHub.com", "*.corp.example"]
allowHTTP: true
allowFileGit: true
allowClusterLocalHTTP: false
clusterDomain: Corp.Internal.
allowedCIDRs: [127.0.0.1, "10.1.0.0/16"]
deniedCIDRs: ["10.0.0.0/8", "fd00::/8"]
allowPrivateNetworks: false
minSyncInterval: 5m
defaults:
  syncInterval: 2h
  syncRemoteSources: false
  filter: {names: {exclude: ["test/*"]}, tags: {include: [prod]}}
enforced:
  excludeNames: ["internal/*"]
  excludeTags: [deprecated]
`);
  assert.deepEqual(p, {
    allowedSourceTypes: ['configmap', 'git'],
    allowedHosts: ['github.com', '*.corp.example'],
    allowHTTP: true,
    allowFileGit: true,
    allowClusterLocalHTTP: false,
    allowCrossNamespaceDiscovery: false,
    clusterDomain: 'corp.internal',
    allowedCIDRs: ['127.0.0.1', '10.1.0.0/16'],
    deniedCIDRs: ['10.0.0.0/8', 'fd00::/8'],
    allowPrivateNetworks: false,
    network: {
      allowedCIDRs: [
        { family: 4, base: 0x7f000001n, bits: 32, text: '127.0.0.1/32' },
        { family: 4, base: 0x0a010000n, bits: 16, text: '10.1.0.0/16' },
      ],
      deniedCIDRs: [
        { family: 4, base: 0x0a000000n, bits: 8, text: '10.0.0.0/8' },
        { family: 6, base: 0xfd00n << 112n, bits: 8, text: 'fd00::/8' },
      ],
      allowPrivateNetworks: false,
    },
    minSyncInterval: '5m',
    minSyncIntervalMs: 300_000,
    defaults: {
      syncInterval: '2h',
      syncRemoteSources: false,
      filter: { names: { exclude: ['test/*'] }, tags: { include: ['prod'] } },
    },
    enforced: { excludeNames: ['internal/*'], excludeTags: ['deprecated'] },
  });
});

const bad: [string, string, string][] = [
  ['YAML syntax', 'allowedHosts: [a', '(document): Invalid value: not valid YAML: '],
  ['not a mapping', '- a\n- b', '(document): Invalid value: must be a YAML mapping'],
  [
    'unknown field (typo)',
    'allowedHost: [a]',
    'allowedHost: Forbidden: unknown field; known fields: allowedSourceTypes, allowedHosts, allowHTTP, allowFileGit, allowClusterLocalHTTP, clusterDomain, allowedCIDRs, deniedCIDRs, allowPrivateNetworks, allowCrossNamespaceDiscovery, minSyncInterval, defaults, enforced',
  ],
  [
    'unknown source type',
    'allowedSourceTypes: [configmap, s3]',
    'allowedSourceTypes[1]: Unsupported value: "s3": supported values: "configmap", "url", "git", "registry"',
  ],
  [
    'bad host glob',
    'allowedHosts: ["[a"]',
    'allowedHosts[0]: Invalid value: "[a": invalid glob: unclosed [ at position 1',
  ],
  [
    'bad CIDR',
    'allowedCIDRs: ["10.0.0.0/33", "localhost", "0x7f.1"]',
    'allowedCIDRs[0]: Invalid value: "10.0.0.0/33": must be an IP address or a CIDR such as 10.0.0.0/8 or fd00::/8; allowedCIDRs[1]: Invalid value: "localhost": must be an IP address or a CIDR such as 10.0.0.0/8 or fd00::/8; allowedCIDRs[2]: Invalid value: "0x7f.1": must be an IP address or a CIDR such as 10.0.0.0/8 or fd00::/8',
  ],
  [
    'bad cluster domain',
    'clusterDomain: "cluster local"',
    'clusterDomain: Invalid value: "cluster local": must be a DNS domain such as cluster.local',
  ],
  [
    'private networks as string',
    'allowPrivateNetworks: "no"',
    'allowPrivateNetworks: Invalid value: "no": must be true or false',
  ],
  ['boolean as string', 'allowHTTP: "yes"', 'allowHTTP: Invalid value: "yes": must be true or false'],
  [
    'bad duration',
    'minSyncInterval: 5 minutes',
    'minSyncInterval: Invalid value: "5 minutes": time: unknown unit " minutes" in duration "5 minutes"',
  ],
  ['zero duration', 'minSyncInterval: 0s', 'minSyncInterval: Invalid value: "0s": must be greater than 0'],
  [
    'default under minimum',
    'minSyncInterval: 1h\ndefaults: {syncInterval: 30m}',
    'defaults.syncInterval: Invalid value: "30m": must be at least minSyncInterval (1h)',
  ],
  [
    'list expected',
    'enforced: {excludeTags: deprecated}',
    'enforced.excludeTags: Invalid value: "deprecated": must be a list of strings',
  ],
  [
    'empty string in list',
    'enforced: {excludeNames: [""]}',
    'enforced.excludeNames[0]: Invalid value: "": must be a non-empty string',
  ],
  [
    'unknown filter part',
    'defaults: {filter: {servers: {}}}',
    'defaults.filter.servers: Forbidden: unknown field; known fields: names, tags',
  ],
];
for (const [name, yaml, message] of bad) {
  test(`a bad policy is refused with a clear message: ${name}`, () => {
    assert.throws(
      () => parsePolicy(yaml),
      (e: unknown) => e instanceof PolicyError && e.message.startsWith(message),
    );
  });
}

test('every problem is reported at once', () => {
  assert.throws(
    () => parsePolicy('allowHTTP: 1\nallowFileGit: 2\nminSyncInterval: x'),
    (e: unknown) =>
      e instanceof PolicyError &&
      e.message ===
        'minSyncInterval: Invalid value: "x": time: invalid duration "x"; allowHTTP: Invalid value: 1: must be true or false; allowFileGit: Invalid value: 2: must be true or false',
  );
});
