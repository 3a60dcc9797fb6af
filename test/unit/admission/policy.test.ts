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
    'allowedHost: Forbidden: unknown field; known fields: allowedSourceTypes, allowedHosts, allowHTTP, allowFileGit, minSyncInterval, defaults, enforced',
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
