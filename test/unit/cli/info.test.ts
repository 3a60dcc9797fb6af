import { olderVersions } from '../../../src/cli/verbs/info.ts';
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  filterSummary,
  recentEvents,
  renderInfo,
  renderServers,
  sourceLocation,
} from '../../../src/cli/verbs/info-render.ts';
import type { MCPRegistryV1beta1 } from '../../../src/api/types.ts';

const now = new Date('2026-11-23T12:00:00Z');

test('source locations read like sentences for every source type', () => {
  assert.equal(
    sourceLocation({ name: 'a', type: 'configmap', configMapRef: { name: 'cat' } }),
    'ConfigMap cat, key registry.json',
  );
  assert.equal(
    sourceLocation({ name: 'a', type: 'url', url: { href: 'https://x/r.json' } }),
    'https://x/r.json',
  );
  assert.equal(
    sourceLocation({ name: 'a', type: 'git', git: { repository: 'https://g/r.git' } }),
    'https://g/r.git (default branch), path registry.json',
  );
  assert.equal(
    sourceLocation({
      name: 'a',
      type: 'git',
      git: { repository: 'https://g/r.git', ref: { tag: 'v1' }, path: 'd/r.json' },
    }),
    'https://g/r.git tag v1, path d/r.json',
  );
  assert.equal(
    sourceLocation({ name: 'a', type: 'registry', registry: { baseURL: 'https://reg.example' } }),
    'https://reg.example',
  );
  assert.equal(
    sourceLocation({
      name: 'a',
      type: 'registry',
      registry: { registryRef: { name: 'p', namespace: 'plat' } },
    }),
    'MCPRegistry plat/p',
  );
  assert.equal(
    sourceLocation({ name: 'a', type: 'registry', registry: { registryRef: { name: 'p' } } }),
    'MCPRegistry p',
  );
});

test('filters are summarised; none is <none>', () => {
  assert.equal(filterSummary(undefined), '<none>');
  assert.equal(
    filterSummary({ names: { include: ['a*', 'b'] }, tags: { exclude: ['old'] } }),
    'names include a*, b; tags exclude old',
  );
});

test('recent events: oldest first, the last ten', () => {
  const events = Array.from({ length: 12 }, (_, i) => ({
    reason: `R${i}`,
    lastTimestamp: `2026-11-23T11:${String(10 + i).padStart(2, '0')}:00Z`,
  })).reverse();
  assert.deepEqual(
    recentEvents(events).map((e) => e.reason),
    ['R2', 'R3', 'R4', 'R5', 'R6', 'R7', 'R8', 'R9', 'R10', 'R11'],
  );
});

test('the server table is NAME VERSION TYPE TRANSPORT STATUS TAGS', () => {
  assert.equal(
    renderServers([
      {
        name: 'fetch',
        version: '1.0.0',
        kind: 'container',
        transport: 'streamable-http',
        status: 'active',
        tags: ['web', 'http'],
      },
      {
        name: 'io.github.user/weather',
        version: '0.4.2',
        kind: 'upstream-only',
        status: 'deprecated',
        tags: [],
      },
    ]),
    [
      'NAME                     VERSION   TYPE            TRANSPORT         STATUS       TAGS',
      'fetch                    1.0.0     container       streamable-http   active       web,http',
      'io.github.user/weather   0.4.2     upstream-only   <none>            deprecated   <none>',
      '',
    ].join('\n'),
  );
  assert.equal(renderServers([]), 'No servers stored.\n');
});

test('info shows spec, status, sync, storage, API, conditions, events and servers', () => {
  const registry: MCPRegistryV1beta1 = {
    apiVersion: 'toolhive.stacklok.io/v1beta1',
    kind: 'MCPRegistry',
    metadata: { name: 'demo', namespace: 'team-a', creationTimestamp: '2026-11-23T10:00:00Z' },
    spec: {
      displayName: 'Demo',
      sources: [{ name: 'default', type: 'configmap', format: 'toolhive', configMapRef: { name: 'cat' } }],
      syncPolicy: { interval: '1h' },
      filter: { names: { exclude: ['*-old'] } },
    },
    status: {
      phase: 'Ready',
      message: 'Registry is ready',
      observedGeneration: 1,
      sync: {
        serverCount: 2,
        invalidServerCount: 1,
        conflictCount: 0,
        attempts: 0,
        lastSyncTime: '2026-11-23T11:58:00Z',
        lastAttemptTime: '2026-11-23T11:58:00Z',
        hash: 'abc',
        lastManualSyncTrigger: 'T1',
      },
      storage: { configMaps: ['demo-registry-storage'], bytes: 1234, compressed: false },
      api: { endpoint: 'http://demo-api.team-a.svc:8080', readyReplicas: 1 },
      conditions: [
        {
          type: 'Ready',
          status: 'True',
          reason: 'Ready',
          message: 'ok',
          lastTransitionTime: '2026-11-23T11:58:00Z',
        },
      ],
    },
  };
  const out = renderInfo({
    registry,
    events: [
      {
        type: 'Normal',
        reason: 'Synced',
        message: 'stored 2 servers',
        count: 3,
        lastTimestamp: '2026-11-23T11:58:00Z',
        source: { component: 'mcp-registry-operator' },
      },
    ],
    servers: [
      { name: 'fetch', version: '1.0.0', kind: 'container', transport: 'stdio', status: 'active', tags: [] },
      {
        name: 'io.github.user/old',
        version: '2.3.1',
        kind: 'upstream-only',
        status: 'deprecated',
        tags: ['db', 'sql'],
      },
    ],
    now,
  });
  assert.equal(
    out,
    [
      'Name:         demo',
      'Namespace:    team-a',
      'Display Name: Demo',
      'Created:      2026-11-23T10:00:00Z (120m ago)',
      'Phase:        Ready',
      'Message:      Registry is ready',
      'Sync Policy:  every 1h',
      'Filter:       names exclude *-old',
      'Sources:',
      '  NAME      TYPE        FORMAT     LOCATION                           FILTER',
      '  default   configmap   toolhive   ConfigMap cat, key registry.json   <none>',
      'Sync:',
      '  Servers:             2 (1 invalid skipped, 0 conflicts)',
      '  Last Sync:           2026-11-23T11:58:00Z (2m ago)',
      '  Last Attempt:        2026-11-23T11:58:00Z (2m ago)',
      '  Source Hash:         abc',
      '  Last Manual Trigger: T1',
      'Storage:      ConfigMap demo-registry-storage, 1234 bytes',
      'API Endpoint: http://demo-api.team-a.svc:8080 (1 ready replica)',
      'Conditions:',
      '  TYPE    STATUS   REASON   AGE   MESSAGE',
      '  Ready   True     Ready    2m    ok',
      'Events:',
      '  TYPE     REASON   AGE       FROM                    MESSAGE',
      '  Normal   Synced   2m (x3)   mcp-registry-operator   stored 2 servers',
      'Servers:',
      '  NAME                 VERSION   TYPE            TRANSPORT   STATUS       TAGS',
      '  fetch                1.0.0     container       stdio       active       <none>',
      '  io.github.user/old   2.3.1     upstream-only   <none>      deprecated   db,sql',
      '',
    ].join('\n'),
  );
});

test('a registry without status says <none>, and an events error is shown instead of events', () => {
  const out = renderInfo({
    registry: {
      apiVersion: 'toolhive.stacklok.io/v1beta1',
      kind: 'MCPRegistry',
      metadata: { name: 'x', namespace: 'n' },
      spec: { sources: [{ name: 'default', type: 'url', url: { href: 'https://x' } }] },
    },
    events: { error: 'events is forbidden' },
    now,
  });
  assert.match(out, /^Phase: +<none>$/m);
  assert.match(out, /^Sync Policy: +on source change and on demand only$/m);
  assert.match(out, /^Conditions: {2}<none>$/m);
  assert.match(out, /^Events: {2}cannot list events: events is forbidden$/m);
  assert.doesNotMatch(out, /Servers:\n/);
});

test('attempts since the last success: a line only while syncs fail (0 after a success says nothing)', () => {
  const cases: [number | undefined, string | undefined][] = [
    [0, undefined],
    [undefined, undefined],
    [3, '  Failed Attempts:     3 since the last success'],
  ];
  for (const [attempts, line] of cases) {
    const out = renderInfo({
      registry: {
        apiVersion: 'toolhive.stacklok.io/v1beta1',
        kind: 'MCPRegistry',
        metadata: { name: 'x', namespace: 'n' },
        spec: { sources: [{ name: 'default', type: 'url', url: { href: 'https://x' } }] },
        status: { phase: 'Failed', sync: { ...(attempts !== undefined && { attempts }), hash: 'h' } },
      },
      events: [],
      now,
    });
    const found = out.split('\n').find((l) => /Attempts/.test(l));
    assert.equal(found, line, String(attempts));
  }
});

test('servers a registry source kept other versions of: an OLDER column, three named then +N more', () => {
  assert.equal(
    renderServers([
      {
        name: 'io.github.acme/many',
        version: '1.14.0',
        kind: 'container',
        transport: 'stdio',
        status: 'active',
        tags: [],
        olderVersions: ['1.13.0', '1.12.0 (deprecated)', '1.11.0', '1.10.0', '1.9.0 (deleted)'],
      },
      { name: 'fetch', version: '1.0.0', kind: 'container', status: 'active', tags: [] },
      {
        name: 'io.github.acme/search',
        version: '1.4.0',
        kind: 'remote',
        status: 'active',
        tags: [],
        olderVersions: ['1.3.0'],
      },
    ]),
    [
      'NAME                    VERSION   OLDER                                          TYPE        TRANSPORT   STATUS   TAGS',
      'io.github.acme/many     1.14.0    1.13.0, 1.12.0 (deprecated), 1.11.0, +2 more   container   stdio       active   <none>',
      'fetch                   1.0.0     <none>                                         container   <none>      active   <none>',
      'io.github.acme/search   1.4.0     1.3.0                                          remote      <none>      active   <none>',
      '',
    ].join('\n'),
  );
});

test('olderVersions: newest published first (ties in stored order), deprecated and deleted say so', () => {
  const OFFICIAL = 'io.modelcontextprotocol.registry/official';
  const v = (version: string, publishedAt: string | undefined, status = 'active') => ({
    upstream: { name: 'io.ex/a', version },
    registryMeta: { [OFFICIAL]: { status, ...(publishedAt && { publishedAt }) } },
  });
  assert.deepEqual(
    olderVersions([
      v('1.0.0', '2026-01-01T00:00:00Z'),
      v('1.2.0', '2026-03-01T00:00:00.000001Z', 'deleted'),
      v('1.10.0', '2026-03-01T00:00:00Z', 'deprecated'),
      v('0.9.0', undefined),
      v('1.1.0', '2026-01-01T00:00:00Z'),
    ]),
    ['1.2.0 (deleted)', '1.10.0 (deprecated)', '1.0.0', '1.1.0', '0.9.0'],
  );
});
