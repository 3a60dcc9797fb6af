import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseOperatorConfig } from '../../../src/config/operator-config.ts';
import { operatorHelp } from '../../../src/config/operator-help.ts';
import { productVersion } from '../../../src/config/version.ts';

test('controller tuning defaults, and every MCPR_* variable read through the config module', () => {
  assert.deepEqual(parseOperatorConfig([], {}).tuning, {
    workers: 4,
    syncBackoffBaseMs: 5000,
    syncBackoffMaxMs: 300_000,
    queueBaseDelayMs: 1000,
    queueMaxDelayMs: 300_000,
    complianceIntervalMs: 30_000,
  });
  const env = {
    MCPR_WORKERS: '2',
    MCPR_SYNC_BACKOFF_BASE_MS: '500',
    MCPR_SYNC_BACKOFF_MAX_MS: '4000',
    MCPR_QUEUE_BASE_DELAY_MS: '10',
    MCPR_QUEUE_MAX_DELAY_MS: '20',
    MCPR_SOURCE_RETRY_DELAY_MS: '50',
    MCPR_COMPLIANCE_INTERVAL_MS: '1000',
  };
  assert.deepEqual(parseOperatorConfig([], env).tuning, {
    workers: 2,
    syncBackoffBaseMs: 500,
    syncBackoffMaxMs: 4000,
    queueBaseDelayMs: 10,
    queueMaxDelayMs: 20,
    complianceIntervalMs: 1000,
    sourceRetryDelayMs: 50,
  });
});

const badTuning: [Record<string, string>, string][] = [
  [{ MCPR_WORKERS: '0' }, 'MCPR_WORKERS: invalid value "0": must be an integer 1-64'],
  [{ MCPR_WORKERS: 'four' }, 'MCPR_WORKERS: invalid value "four": must be an integer 1-64'],
  [
    { MCPR_SYNC_BACKOFF_BASE_MS: '-5' },
    'MCPR_SYNC_BACKOFF_BASE_MS: invalid value "-5": must be an integer 1-86400000',
  ],
  [
    { MCPR_QUEUE_MAX_DELAY_MS: '1.5' },
    'MCPR_QUEUE_MAX_DELAY_MS: invalid value "1.5": must be an integer 1-86400000',
  ],
];
for (const [env, message] of badTuning)
  test(`a bad tuning value is refused: ${JSON.stringify(env)}`, () =>
    assert.throws(
      () => parseOperatorConfig([], env),
      (e: unknown) => e instanceof Error && e.message === message,
    ));

test('--help lists every flag with its environment variable; --version reads package.json', () => {
  const help = operatorHelp();
  assert.match(help, /^Usage: mcp-registry-operator \[flags\]\n/);
  for (const line of [
    /--health-address=<\[host\]:port> +\/healthz, \/readyz and \/metrics over plain HTTP \(default: :8080\) \[\$HEALTH_ADDRESS\]/,
    /--enable-webhooks=<bool> +serve the admission and conversion webhooks \(default: true\) \[\$ENABLE_WEBHOOKS\]/,
    /MCPR_WORKERS, MCPR_SYNC_BACKOFF_BASE_MS/,
  ])
    assert.match(help, line);
  assert.match(productVersion(), /^\d+\.\d+\.\d+/);
  assert.equal(productVersion('/'), '0.0.0-unknown');
});

test('sync workers: unset by default (cores - 1), 0 allowed, set by flag or environment', () => {
  const none = parseOperatorConfig([], {});
  assert.equal(none.syncWorkers, undefined);
  assert.equal(none.syncWorkerMemoryMb, undefined);
  assert.equal(parseOperatorConfig(['--sync-workers=0'], {}).syncWorkers, 0);
  assert.equal(parseOperatorConfig([], { SYNC_WORKERS: '3' }).syncWorkers, 3);
  assert.equal(parseOperatorConfig(['--sync-worker-memory=1024'], {}).syncWorkerMemoryMb, 1024);
});

for (const [argv, message] of [
  [['--sync-workers=-1'], '--sync-workers: invalid value "-1": must be an integer 0-64'],
  [['--sync-workers=65'], '--sync-workers: invalid value "65": must be an integer 0-64'],
  [['--sync-worker-memory=32'], '--sync-worker-memory: invalid value "32": must be an integer 64-65536'],
  [['--sync-worker-memory=1g'], '--sync-worker-memory: invalid value "1g": must be an integer 64-65536'],
] as const)
  test(`a bad sync worker setting is refused: ${argv.join(' ')}`, () =>
    assert.throws(() => parseOperatorConfig([...argv], {}), { message }));

test('registry API ingress namespaces: none by default, labels by flag or environment', () => {
  assert.deepEqual(parseOperatorConfig([], {}).registryApiIngressNamespaceSelector, {});
  assert.deepEqual(
    parseOperatorConfig(
      ['--registry-api-ingress-namespace-selector=kubernetes.io/metadata.name=monitoring'],
      {},
    ).registryApiIngressNamespaceSelector,
    { 'kubernetes.io/metadata.name': 'monitoring' },
  );
  assert.deepEqual(
    parseOperatorConfig([], { REGISTRY_API_INGRESS_NAMESPACE_SELECTOR: ' team=platform , scrape=' })
      .registryApiIngressNamespaceSelector,
    { team: 'platform', scrape: '' },
  );
});

for (const entry of [
  'monitoring',
  '=x',
  'a/b/c=x',
  'team=a=b',
  'team=-x',
  'Bad_Prefix/x=y',
  `k=${'v'.repeat(64)}`,
])
  test(`a bad registry API ingress selector entry is refused: ${entry.slice(0, 20)}`, () =>
    assert.throws(() => parseOperatorConfig([`--registry-api-ingress-namespace-selector=${entry}`], {}), {
      message: `--registry-api-ingress-namespace-selector: invalid entry "${entry}": use label=value, comma-separated, each label once (namespaces with all of them)`,
    }));

test('a label given twice in the registry API ingress selector is refused', () =>
  assert.throws(() => parseOperatorConfig(['--registry-api-ingress-namespace-selector=team=a,team=b'], {}), {
    message:
      '--registry-api-ingress-namespace-selector: invalid entry "team=b": use label=value, comma-separated, each label once (namespaces with all of them)',
  }));

test('shards: 1 by default (one leader), n by flag or SHARDS', () => {
  assert.equal(parseOperatorConfig([], {}).shards, 1);
  assert.equal(parseOperatorConfig(['--shards=16'], {}).shards, 16);
  assert.equal(parseOperatorConfig([], { SHARDS: '4' }).shards, 4);
  assert.equal(parseOperatorConfig(['--shards=1', '--leader-elect=false'], {}).shards, 1);
});

for (const [argv, message] of [
  [['--shards=0'], '--shards: invalid value "0": must be an integer 1-256'],
  [['--shards=257'], '--shards: invalid value "257": must be an integer 1-256'],
  [['--shards=two'], '--shards: invalid value "two": must be an integer 1-256'],
  [
    ['--shards=4', '--leader-elect=false'],
    '--shards: 4 shards need --leader-elect=true (each shard is a Lease)',
  ],
] as const)
  test(`a bad shard setting is refused: ${argv.join(' ')}`, () =>
    assert.throws(() => parseOperatorConfig([...argv], {}), { message }));
