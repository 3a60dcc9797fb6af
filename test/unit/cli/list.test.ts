import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parse } from 'yaml';
import { listTable, renderList } from '../../../src/cli/verbs/list.ts';
import type { MCPRegistryV1beta1 } from '../../../src/api/types.ts';

const now = new Date('2026-11-23T12:00:00Z');

function reg(
  ns: string,
  name: string,
  over: Partial<MCPRegistryV1beta1['spec']> = {},
  status?: MCPRegistryV1beta1['status'],
): MCPRegistryV1beta1 {
  return {
    apiVersion: 'toolhive.stacklok.io/v1beta1',
    kind: 'MCPRegistry',
    metadata: { name, namespace: ns, creationTimestamp: '2026-11-21T12:00:00Z' },
    spec: { sources: [{ name: 'default', type: 'configmap', configMapRef: { name: 'c' } }], ...over },
    ...(status ? { status } : {}),
  };
}

const ready = reg(
  'b-ns',
  'alpha',
  {
    sources: [
      { name: 'one', type: 'url', format: 'upstream', url: { href: 'https://x' } },
      { name: 'two', type: 'git', git: { repository: 'https://g' } },
    ],
    syncPolicy: { interval: '1h' },
  },
  {
    phase: 'Ready',
    sync: { serverCount: 88, lastSyncTime: '2026-11-23T11:55:00Z' },
    api: { endpoint: 'http://alpha-api.b-ns.svc:8080' },
  },
);
const fresh = reg('a-ns', 'zeta');

test('the table has NAME PHASE SERVERS SOURCE LAST SYNC AGE, <none> for what the status lacks', () => {
  assert.equal(
    listTable([ready, reg('b-ns', 'beta')], { allNamespaces: false, wide: false, now }),
    [
      'NAME    PHASE    SERVERS   SOURCE      LAST SYNC   AGE',
      'alpha   Ready    88        url,git     5m          2d',
      'beta    <none>   <none>    configmap   <none>      2d',
      '',
    ].join('\n'),
  );
});

test('-A puts NAMESPACE first and sorts by namespace, then name', () => {
  assert.equal(
    listTable([ready, fresh], { allNamespaces: true, wide: false, now }),
    [
      'NAMESPACE   NAME    PHASE    SERVERS   SOURCE      LAST SYNC   AGE',
      'a-ns        zeta    <none>   <none>    configmap   <none>      2d',
      'b-ns        alpha   Ready    88        url,git     5m          2d',
      '',
    ].join('\n'),
  );
});

test('-o wide adds FORMAT (toolhive when unset), INTERVAL and API ENDPOINT', () => {
  assert.equal(
    renderList([ready, fresh], 'wide', { allNamespaces: false, now }),
    [
      'NAME    PHASE    SERVERS   SOURCE      LAST SYNC   AGE   FORMAT              INTERVAL   API ENDPOINT',
      'zeta    <none>   <none>    configmap   <none>      2d    toolhive            <none>     <none>',
      'alpha   Ready    88        url,git     5m          2d    upstream,toolhive   1h         http://alpha-api.b-ns.svc:8080',
      '',
    ].join('\n'),
  );
});

test('-o json and -o yaml print an MCPRegistryList with the objects as the apiserver sent them', () => {
  const json = JSON.parse(renderList([ready], 'json', { allNamespaces: false, now })) as unknown;
  const want = {
    apiVersion: 'toolhive.stacklok.io/v1beta1',
    kind: 'MCPRegistryList',
    metadata: {},
    items: [ready],
  };
  assert.deepEqual(json, want);
  assert.deepEqual(parse(renderList([ready], 'yaml', { allNamespaces: false, now })), want);
});

test('-o name prints resource/name lines', () => {
  assert.equal(
    renderList([ready, fresh], 'name', { allNamespaces: true, now }),
    'mcpregistry.toolhive.stacklok.io/alpha\nmcpregistry.toolhive.stacklok.io/zeta\n',
  );
});
