/**
 * Where the registry APIs the operator deployed are reachable by address (the index built from their
 * Services and EndpointSlices, src/controller/workload/api-addresses.ts), and the refusal of a URL that
 * reaches one by address instead of by its Service name (src/sources/destinations/api-address.ts): pure decisions,
 * as tables.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  apiAddressIndex,
  type EndpointSliceObject,
  type NodeObject,
  type ServiceObject,
} from '../../../src/controller/workload/api-addresses.ts';
import { apiByAddress } from '../../../src/sources/destinations/api-address.ts';

const service = (
  namespace: string,
  name: string,
  spec: ServiceObject['spec'],
  extra: Partial<ServiceObject> = {},
) =>
  ({
    metadata: {
      name: `${name}-api`,
      namespace,
      labels: { 'toolhive.stacklok.io/registry': name },
      ownerReferences: [{ kind: 'MCPRegistry', name, controller: true }],
    },
    spec,
    ...extra,
  }) satisfies ServiceObject;
const slice = (namespace: string, svc: string, addresses: string[], owner = svc, label = svc) =>
  ({
    metadata: {
      name: `${svc}-x1`,
      namespace,
      labels: { 'kubernetes.io/service-name': label },
      ownerReferences: [{ kind: 'Service', name: owner, controller: true }],
    },
    endpoints: addresses.map((a) => ({ addresses: [a] })),
  }) satisfies EndpointSliceObject;

const services: ServiceObject[] = [
  service('victim', 'private', { clusterIP: '10.96.0.12', ports: [{ port: 8080 }] }),
  service(
    'victim',
    'open',
    {
      clusterIPs: ['10.96.0.20', 'fd00:10:96::20'],
      externalIPs: ['203.0.113.9'],
      ports: [{ port: 8080, nodePort: 31234 }],
    },
    { status: { loadBalancer: { ingress: [{ ip: '198.51.100.7' }] } } },
  ),
  // A user's Service with our labels but no MCPRegistry controlling it.
  {
    metadata: { name: 'fake-api', namespace: 'evil', labels: { 'toolhive.stacklok.io/registry': 'fake' } },
    spec: { clusterIP: '10.96.0.66' },
  },
];
const slices: EndpointSliceObject[] = [
  slice('victim', 'private-api', ['10.244.1.7', 'fd00:10:244::7']),
  slice('victim', 'open-api', ['10.244.2.8']),
  // Look-alikes: a slice for a Service that is not ours, one not owned by the Service it names, one in
  // another namespace than the Service it names.
  slice('evil', 'fake-api', ['10.244.6.6']),
  slice('victim', 'private-api', ['10.244.6.7'], 'other-svc'),
  slice('evil', 'private-api', ['10.244.6.8']),
];
// Nodes: a node port answers on each of their addresses, public ones included (a hostname is no address).
const nodes: NodeObject[] = [
  {
    metadata: { name: 'node-a' },
    status: {
      addresses: [
        { type: 'InternalIP', address: '10.1.2.3' },
        { type: 'ExternalIP', address: '203.0.113.50' },
        { type: 'ExternalIP', address: '2001:db8::50' },
        { type: 'Hostname', address: 'node-a' },
      ],
    },
  },
  { metadata: { name: 'node-b' }, status: { addresses: [{ type: 'InternalIP', address: '198.51.100.20' }] } },
  { metadata: { name: 'node-c' } },
];
const at = apiAddressIndex(services, slices, nodes);
const PRIVATE = { namespace: 'victim', name: 'private' };
const OPEN = { namespace: 'victim', name: 'open' };

const index: [string, number, { namespace: string; name: string } | undefined][] = [
  ['10.96.0.12', 8080, PRIVATE],
  ['10.96.0.12', 443, PRIVATE],
  ['10.244.1.7', 8080, PRIVATE],
  ['10.244.1.7', 9090, PRIVATE],
  ['fd00:10:244::7', 8080, PRIVATE],
  ['FD00:10:244:0::7', 8080, PRIVATE],
  ['::ffff:10.244.1.7', 8080, PRIVATE],
  ['::ffff:af4:107', 8080, PRIVATE],
  ['64:ff9b::10.244.1.7', 8080, PRIVATE],
  ['fd00:10:96::20', 8080, OPEN],
  ['10.244.2.8', 8080, OPEN],
  ['203.0.113.9', 8080, OPEN],
  ['203.0.113.9', 443, undefined],
  ['198.51.100.7', 8080, OPEN],
  ['198.51.100.7', 80, undefined],
  ['10.0.0.5', 31234, OPEN],
  ['192.168.4.4', 31234, OPEN],
  ['8.8.8.8', 31234, undefined],
  ['127.0.0.1', 31234, undefined],
  ['10.0.0.5', 31235, undefined],
  // A node's public ExternalIP and public InternalIP on the node port, in any notation; on another
  // port, or an address no node has on that port, nothing of ours.
  ['203.0.113.50', 31234, OPEN],
  ['::ffff:203.0.113.50', 31234, OPEN],
  ['2001:db8::50', 31234, OPEN],
  ['198.51.100.20', 31234, OPEN],
  ['203.0.113.50', 8080, undefined],
  ['198.51.100.20', 31235, undefined],
  ['203.0.113.51', 31234, undefined],
  ['2001:db8::51', 31234, undefined],
  ['node-a', 31234, undefined],
  ['10.96.0.66', 8080, undefined],
  ['10.244.6.6', 8080, undefined],
  ['10.244.6.7', 8080, undefined],
  ['10.244.6.8', 8080, undefined],
  ['10.244.1.70', 8080, undefined],
  ['not-an-ip', 8080, undefined],
];
for (const [address, port, expected] of index)
  test(`the API index: ${address} port ${port}`, () => assert.deepEqual(at(address, port), expected));

const REFUSED = (host: string, address?: string) =>
  `"${host}"${address ? ` (${address})` : ''} reaches a registry's API by its address; name a registry by its Service (<name>-api.<namespace>.svc) or with registryRef, so that its owners' consent is checked`;

const urls: { url: string; addresses?: string[]; expected: string | undefined }[] = [
  // A literal address of an API: its ClusterIP, a pod's IP, in any notation, on any port.
  { url: 'https://10.96.0.12:8080/v0.1/servers', expected: REFUSED('10.96.0.12') },
  { url: 'http://10.244.1.7:8080/v0.1/servers', expected: REFUSED('10.244.1.7') },
  { url: 'http://10.244.1.7:9090/metrics', expected: REFUSED('10.244.1.7') },
  { url: 'http://0xa.0xf4.1.7:8080/', expected: REFUSED('0xa.0xf4.1.7', '10.244.1.7') },
  { url: 'http://[fd00:10:244::7]:8080/', expected: REFUSED('[fd00:10:244::7]') },
  { url: 'http://[::ffff:10.244.1.7]:8080/', expected: REFUSED('[::ffff:10.244.1.7]', '::ffff:af4:107') },
  // A name that resolved to one: a pod DNS name, a hostile public name.
  {
    url: 'http://10-244-1-7.victim.pod.cluster.local:8080/',
    addresses: ['10.244.1.7'],
    expected: REFUSED('10-244-1-7.victim.pod.cluster.local', '10.244.1.7'),
  },
  {
    url: 'https://api.attacker.example/',
    addresses: ['203.0.113.1', '10.244.2.8'],
    expected: REFUSED('api.attacker.example', '10.244.2.8'),
  },
  // Another registry's Service name that resolves to a different registry's address.
  {
    url: 'http://open-api.victim.svc:8080/',
    addresses: ['10.96.0.12'],
    expected: REFUSED('open-api.victim.svc', '10.96.0.12'),
  },
  // Node port on a node address, external and load-balancer IPs on the Service's port.
  { url: 'http://10.0.0.5:31234/', expected: REFUSED('10.0.0.5') },
  { url: 'https://203.0.113.9:8080/', expected: REFUSED('203.0.113.9') },
  {
    url: 'https://lb.victim.example:8080/',
    addresses: ['198.51.100.7'],
    expected: REFUSED('lb.victim.example', '198.51.100.7'),
  },
  // A node port on a node's public address, literal or by a name; the same address on another port.
  { url: 'http://203.0.113.50:31234/', expected: REFUSED('203.0.113.50') },
  { url: 'http://[2001:db8::50]:31234/', expected: REFUSED('[2001:db8::50]') },
  {
    url: 'https://nodes.attacker.example:31234/',
    addresses: ['198.51.100.20'],
    expected: REFUSED('nodes.attacker.example', '198.51.100.20'),
  },
  { url: 'http://203.0.113.50:8080/', expected: undefined },
  { url: 'http://203.0.113.51:31234/', expected: undefined },
  // git, in both forms.
  { url: 'https://10.244.1.7:8080/r.git', expected: REFUSED('10.244.1.7') },
  { url: 'git@10.244.1.7:r.git', expected: REFUSED('10.244.1.7') },
  // The registry's own Service name resolving to its own addresses: consent is judged on that name.
  { url: 'http://private-api.victim.svc:8080/', addresses: ['10.96.0.12'], expected: undefined },
  {
    url: 'http://private-api.victim.svc.cluster.local:8080/',
    addresses: ['10.244.1.7'],
    expected: undefined,
  },
  // Nothing of ours.
  { url: 'https://registry.example.com/', addresses: ['203.0.113.1'], expected: undefined },
  { url: 'https://203.0.113.9:443/', expected: undefined },
  { url: 'http://10.0.0.5:8080/', expected: undefined },
  { url: 'https://10.244.6.6/', expected: undefined },
  { url: 'file:///srv/r.git', expected: undefined },
];
for (const row of urls)
  test(`apiByAddress(${row.url}${row.addresses ? ` → ${row.addresses.join(', ')}` : ''})`, () =>
    assert.equal(apiByAddress(row.url, row.addresses ?? [], 'cluster.local', at), row.expected));

const listing = (
  resource: string,
  hasSynced: () => boolean,
  lastError: () => { status?: number; message: string } | undefined = () => undefined,
) => ({ resource, hasSynced, lastError });

test('workers wait until every address informer has listed; a stop ends the wait', async () => {
  const { apiAddressesListed } = await import('../../../src/controller/api-address-watch.ts');
  const { default: pino } = await import('pino');
  const log = pino({ level: 'silent' });
  let listed = false;
  const waiting = apiAddressesListed(
    [listing('services', () => true), listing('nodes', () => listed)],
    () => true,
    log,
  );
  let done = false;
  void waiting.then(() => (done = true));
  await new Promise((r) => setTimeout(r, 250));
  assert.equal(done, false, 'not before the second informer listed');
  listed = true;
  assert.equal(await waiting, true);
  let active = true;
  const stopped = apiAddressesListed([listing('nodes', () => false)], () => active, log);
  active = false;
  assert.equal(await stopped, false);
});

test('an informer the operator may not list is logged at once, naming it and the answer; workers wait', async () => {
  const { apiAddressesListed } = await import('../../../src/controller/api-address-watch.ts');
  const { default: pino } = await import('pino');
  const lines: { level: number; msg: string; resource?: string; status?: number }[] = [];
  const log = pino({ level: 'info' }, { write: (l: string) => void lines.push(JSON.parse(l)) });
  const forbidden = {
    status: 403,
    message:
      'nodes is forbidden: User "system:serviceaccount:ops:op" cannot list resource "nodes" in API group "" at the cluster scope',
  };
  let active = true;
  const waiting = apiAddressesListed(
    [
      listing('services in t1', () => true),
      listing(
        'nodes',
        () => false,
        () => forbidden,
      ),
    ],
    () => active,
    log,
  );
  await new Promise((r) => setTimeout(r, 350));
  active = false;
  assert.equal(await waiting, false, 'the workers never started');
  assert.deepEqual(
    lines.map((l) => [l.level, l.resource, l.status, l.msg]),
    [
      [
        50,
        'nodes',
        403,
        `syncs wait: the operator may not list nodes (403: ${forbidden.message}), and a registry API's addresses must be known before any fetch (SPEC §18); grant it list/watch on services, discovery.k8s.io endpointslices and nodes (the shipped ClusterRole does)`,
      ],
    ],
    'one error, not one per poll',
  );
});
