import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Registry } from 'prom-client';
import { createControllerMetrics } from '../../../src/controller/metrics.ts';
import type { MCPRegistryV1beta1 } from '../../../src/api/types.ts';

type Status = NonNullable<MCPRegistryV1beta1['status']>;
const reg = (status: Status | undefined, interval?: string): MCPRegistryV1beta1 =>
  ({
    apiVersion: 'toolhive.stacklok.io/v1beta1',
    kind: 'MCPRegistry',
    metadata: { namespace: 'team-a', name: 'r' },
    spec: {
      sources: [{ name: 'main', type: 'url', url: { href: 'https://x.example/r.json' } }],
      ...(interval ? { syncPolicy: { interval } } : {}),
    },
    status,
  }) as MCPRegistryV1beta1;

/** The per-registry sample lines of /metrics, without HELP/TYPE. */
async function samples(r: Registry): Promise<string[]> {
  return (await r.metrics())
    .split('\n')
    .filter((l) => /^mcpregistry_(sync_consecutive|last_sync|sync_interval|api_ready|source_fetch)/.test(l));
}
const L = '{namespace="team-a",name="r"}';
const T1 = '2026-12-07T10:00:00.000Z';
const T2 = '2026-12-07T11:00:00.000Z';
const sec = (iso: string) => Date.parse(iso) / 1000;

const cases: { name: string; status: Status | undefined; interval?: string; want: string[] }[] = [
  {
    name: 'no status yet: no failures, no success, no interval, no API condition',
    status: undefined,
    want: [`mcpregistry_sync_consecutive_failures${L} 0`, `mcpregistry_sync_interval_seconds${L} 0`],
  },
  {
    name: 'a success (attempts 0): the last attempt is the last success; APIReady True is 1',
    status: {
      sync: { lastSyncTime: T1, lastAttemptTime: T2, attempts: 0 },
      conditions: [
        { type: 'APIReady', status: 'True', reason: 'Ready', message: '', lastTransitionTime: T1 },
      ],
    } as Status,
    interval: '1h',
    want: [
      `mcpregistry_sync_consecutive_failures${L} 0`,
      `mcpregistry_last_sync_success_timestamp_seconds${L} ${sec(T2)}`,
      `mcpregistry_sync_interval_seconds${L} 3600`,
      `mcpregistry_api_ready${L} 1`,
    ],
  },
  {
    name: 'failing (attempts 3): lastSyncTime is the last success; APIReady False is 0',
    status: {
      sync: { lastSyncTime: T1, lastAttemptTime: T2, attempts: 3 },
      conditions: [
        { type: 'APIReady', status: 'False', reason: 'Deploying', message: '', lastTransitionTime: T1 },
      ],
    } as Status,
    interval: '30m',
    want: [
      `mcpregistry_sync_consecutive_failures${L} 3`,
      `mcpregistry_last_sync_success_timestamp_seconds${L} ${sec(T1)}`,
      `mcpregistry_sync_interval_seconds${L} 1800`,
      `mcpregistry_api_ready${L} 0`,
    ],
  },
  {
    name: 'APIReady Unknown (API not deployed): no api_ready series',
    status: {
      sync: { attempts: 1 },
      conditions: [
        { type: 'APIReady', status: 'Unknown', reason: 'NotDeployed', message: '', lastTransitionTime: T1 },
      ],
    } as Status,
    want: [`mcpregistry_sync_consecutive_failures${L} 1`, `mcpregistry_sync_interval_seconds${L} 0`],
  },
];
for (const c of cases)
  test(`observe: ${c.name}`, async () => {
    const r = new Registry();
    createControllerMetrics(r).registries.observe(reg(c.status, c.interval));
    assert.deepEqual(await samples(r), c.want);
  });

test('synced: a success is fresh data even when status is older (an unchanged sync writes none); a failed fetch counts by source type and reason; forget removes every series', async () => {
  const r = new Registry();
  const m = createControllerMetrics(r);
  const g = m.registries;
  const old = reg({ sync: { lastSyncTime: T1, lastAttemptTime: T1, attempts: 0 } } as Status, '1h');
  g.synced(old, 'unchanged', 'url', Date.parse(T2));
  assert.ok((await samples(r)).includes(`mcpregistry_last_sync_success_timestamp_seconds${L} ${sec(T2)}`));
  // A later reconcile reading the older status does not move it back.
  g.observe(old);
  assert.ok((await samples(r)).includes(`mcpregistry_last_sync_success_timestamp_seconds${L} ${sec(T2)}`));
  const failed = reg(
    {
      sync: { lastSyncTime: T1, attempts: 1 },
      conditions: [
        {
          type: 'SourceAvailable',
          status: 'False',
          reason: 'FetchTimeout',
          message: '',
          lastTransitionTime: T2,
        },
      ],
    } as Status,
    '1h',
  );
  g.synced(failed, 'failure', 'url', Date.parse(T2) + 60_000);
  g.synced(failed, 'failure', 'url', Date.parse(T2) + 120_000);
  // Invalid data is not a fetch error.
  g.synced(
    reg({
      sync: { attempts: 3 },
      conditions: [
        { type: 'SourceAvailable', status: 'True', reason: 'Fetched', message: '', lastTransitionTime: T2 },
      ],
    } as Status),
    'failure',
    'url',
    Date.parse(T2),
  );
  assert.ok(
    (await samples(r)).includes(
      `mcpregistry_source_fetch_errors_total{namespace="team-a",name="r",source_type="url",reason="FetchTimeout"} 2`,
    ),
  );
  m.servers.set({ namespace: 'team-a', name: 'r' }, 12);
  g.forget('team-a', 'r');
  assert.deepEqual(await samples(r), []);
  assert.doesNotMatch(await r.metrics(), /^mcpregistry_servers\{/m, 'the server count goes too');
});
