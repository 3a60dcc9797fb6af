/**
 * Who the registry API's NetworkPolicy lets in (src/controller/workload/network-policy.ts), as rendered
 * by desiredApiObjects: own namespace, operator, consenting readers, and the namespaces the platform
 * selects by label (--registry-api-ingress-namespace-selector, for Prometheus), none unless set.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { desiredApiObjects, type WorkloadOptions } from '../../../src/controller/workload/api-workload.ts';

const byName = (n: string) => ({ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': n } } });
const monitoring = { 'kubernetes.io/metadata.name': 'monitoring' };

function ingressOf(readers: string | undefined, o: WorkloadOptions) {
  const objs = desiredApiObjects(
    {
      apiVersion: 'toolhive.stacklok.io/v1beta1',
      kind: 'MCPRegistry',
      metadata: {
        name: 'r',
        namespace: 'team-a',
        uid: 'u',
        ...(readers !== undefined && {
          annotations: { 'toolhive.stacklok.io/allowed-reader-namespaces': readers },
        }),
      },
      spec: { sources: [{ name: 's', type: 'url', url: { href: 'https://x' } }] },
    },
    'img',
    o,
  );
  const policy = objs.find((x) => x.kind === 'NetworkPolicy') as unknown as { spec: { ingress: unknown[] } };
  return policy.spec.ingress;
}

const cases: [name: string, readers: string | undefined, o: WorkloadOptions, from: unknown[]][] = [
  [
    'default: no platform namespace',
    undefined,
    { operatorNamespace: 'ops' },
    [{ podSelector: {} }, byName('ops')],
  ],
  [
    'an empty selector adds nothing (it would select every namespace)',
    undefined,
    { operatorNamespace: 'ops', ingressNamespaceSelector: {} },
    [{ podSelector: {} }, byName('ops')],
  ],
  [
    'the monitoring namespace by label, after the readers',
    'team-b',
    { operatorNamespace: 'ops', ingressNamespaceSelector: monitoring },
    [
      { podSelector: {} },
      byName('ops'),
      byName('team-b'),
      { namespaceSelector: { matchLabels: monitoring } },
    ],
  ],
  [
    'several labels: one peer, all of them required',
    undefined,
    { operatorNamespace: 'ops', ingressNamespaceSelector: { team: 'platform', role: 'monitoring' } },
    [
      { podSelector: {} },
      byName('ops'),
      { namespaceSelector: { matchLabels: { team: 'platform', role: 'monitoring' } } },
    ],
  ],
  [
    "'*' readers: every namespace already, monitoring included",
    '*',
    { operatorNamespace: 'ops', ingressNamespaceSelector: monitoring },
    [{ namespaceSelector: {} }],
  ],
];
for (const [name, readers, o, from] of cases)
  test(`NetworkPolicy ingress: ${name}`, () =>
    assert.deepEqual(ingressOf(readers, o), [{ from, ports: [{ protocol: 'TCP', port: 8080 }] }]));
