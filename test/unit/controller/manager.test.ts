import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Registry } from 'prom-client';
import { Manager, registriesForConfigMap } from '../../../src/controller/manager.ts';
import { WorkQueue } from '../../../src/controller/watch/queue.ts';
import { createControllerMetrics } from '../../../src/controller/metrics.ts';
import { createLogger } from '../../../src/observability/logger.ts';
import type { MCPRegistryV1beta1 } from '../../../src/api/types.ts';

const reg = (namespace: string, name: string, cms: string[]) =>
  ({
    metadata: { namespace, name },
    spec: {
      sources: [
        ...cms.map((c) => ({ name: c, type: 'configmap', configMapRef: { name: c } })),
        { name: 'web', type: 'url', url: { href: 'https://example.com/cat' } },
      ],
    },
  }) as unknown as MCPRegistryV1beta1;
const cm = (namespace: string, name: string, labels?: Record<string, string>) => ({
  metadata: { namespace, name, labels },
});
const REGS = [reg('a', 'one', ['cat']), reg('a', 'two', ['cat', 'other']), reg('b', 'three', ['cat'])];
const MANAGED = { 'app.kubernetes.io/managed-by': 'mcp-registry-operator' };

const fanOut: [string, ReturnType<typeof cm>, string[]][] = [
  [
    'a source ConfigMap concerns every registry naming it in its namespace',
    cm('a', 'cat'),
    ['a/one', 'a/two'],
  ],
  ['only the namespace of the ConfigMap', cm('b', 'cat'), ['b/three']],
  ['an unrelated ConfigMap concerns nobody', cm('a', 'nobody'), []],
  [
    'a storage ConfigMap concerns its registry',
    cm('a', 'one-registry-storage', { ...MANAGED, 'toolhive.stacklok.io/registry': 'one' }),
    ['a/one'],
  ],
  [
    'a registry label without our managed-by label is not ours',
    cm('a', 'x', { 'toolhive.stacklok.io/registry': 'one' }),
    [],
  ],
  [
    'a storage ConfigMap that is also a source yields each key once',
    cm('a', 'cat', { ...MANAGED, 'toolhive.stacklok.io/registry': 'one' }),
    ['a/one', 'a/two'],
  ],
  [
    'a ConfigMap with a storage name but no labels (stripped by an edit, or a user object holding the name)',
    cm('a', 'two-registry-storage'),
    ['a/two'],
  ],
  ['a shard name without labels', cm('a', 'two-registry-storage-3'), ['a/two']],
  ['not a shard name', cm('a', 'two-registry-storage-x'), []],
  ['a storage name in another namespace', cm('b', 'two-registry-storage'), []],
];
for (const [name, object, keys] of fanOut)
  test(`fan-out: ${name}`, () => assert.deepEqual(registriesForConfigMap(object, REGS).sort(), keys));

test('manager: workers reconcile enqueued keys, requeue after, rate-limit errors, and stop', async () => {
  const seen: string[] = [];
  const queue = new WorkQueue({ now: Date.now, baseDelayMs: 10, maxDelayMs: 10 });
  let failures = 0;
  const m = new Manager({
    queue,
    workers: 2,
    metrics: createControllerMetrics(new Registry()),
    log: createLogger('silent'),
    reconcile: async (key) => {
      seen.push(key);
      if (key === 'ns/flaky' && failures++ < 2) throw new Error('transient');
      return {};
    },
  });
  m.start();
  m.enqueue('ns/a');
  m.enqueue('ns/flaky');
  const deadline = Date.now() + 20_000;
  while (seen.filter((k) => k === 'ns/flaky').length < 3 && Date.now() < deadline)
    await new Promise((r) => setTimeout(r, 20));
  await m.stop();
  assert.ok(seen.includes('ns/a'));
  assert.equal(seen.filter((k) => k === 'ns/flaky').length, 3, 'retried after each error');
  assert.equal(m.started, false);
});
