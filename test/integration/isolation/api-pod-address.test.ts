/**
 * Hostile tenant at fetch time (SPEC §18, issue #26 residual (b)), with the real controller on the real
 * apiserver: another namespace's registry API is not reachable through the operator by a pod address
 * instead of its Service name, however the URL gets there: the `<ip>.<ns>.pod` name, a hostile DNS
 * name (url and git sources), a redirect to the literal IP. The operator's namespace is let in by every
 * API's NetworkPolicy and consent is judged on the name, so each of these would read it unasked.
 *
 * This cluster runs no Pods, so the victim's API endpoint is the EndpointSlice Kubernetes would keep for
 * the API Service the controller applied (its labels, its name label, its owner reference). The pod
 * address is a multicast one, allowed by this test's policy: the kernel refuses a TCP connection to it
 * without sending anything (ENETUNREACH), so even a regression sends no traffic off this machine. A
 * literal IP in a spec is refused the same way (test/unit/sources/api-address-fetch.test.ts); here the
 * shared stack's admission, with the built-in policy, would refuse a multicast address first.
 *
 * A registry API Service of type NodePort answers on every Node's addresses, whatever their range: an
 * admin-made Node (no kubelet needed) lists an ExternalIP outside every private range, and the victim's
 * second registry API is a NodePort Service as the operator applies it (the apiserver picks the port).
 * That address is multicast too, for the same reason as the pod's: the refusal comes before any connect
 * (the exact DestinationRefused message, not a timeout), and even a regression sends nothing. The
 * index is tested on documentation-range public addresses in test/unit/sources/api-address.test.ts.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import { client, createNamespace, eventually, kubeconfigPath } from '../../support/cluster.ts';
import { startController, type ControllerProcess } from '../../support/controller.ts';
import { startDns, type DnsServer } from '../../support/hostile-servers.ts';
import { LOOPBACK_POLICY_YAML } from '../../support/destinations.ts';
import { reconcileApiWorkload } from '../../../src/controller/workload/api-workload.ts';
import { REGISTRIES } from '../../../src/kube/mcpregistries.ts';
import type { MCPRegistryV1beta1, SourceV1beta1 } from '../../../src/api/types.ts';
import { getReg, registry } from '../controller/helpers.ts';

const POD = '239.1.2.3';
const NODE_IP = '239.1.2.5';
const REFUSAL = `reaches a registry's API by its address; name a registry by its Service (<name>-api.<namespace>.svc) or with registryRef, so that its owners' consent is checked`;
let ns: string;
let victim: string;
let ctrl: ControllerProcess;
let dns: DnsServer;
let web: Server;
let port: number;
let nodePort: number;
let node: string;
const NODES = { group: '', version: 'v1', plural: 'nodes' };
const origin = () => `http://origin.${ns}.svc:${port}`;

const create = (namespace: string, name: string, sources: SourceV1beta1[]) =>
  client().create({ ...REGISTRIES, namespace }, registry(namespace, name, { sources }));

/** The EndpointSlice the EndpointSlice controller keeps for a Service (k8s.io/endpointslice). */
async function endpointSlice(namespace: string, service: string, address: string): Promise<void> {
  const svc = await client().get<{ metadata: { uid: string; labels: Record<string, string> } }>({
    group: '',
    version: 'v1',
    plural: 'services',
    namespace,
    name: service,
  });
  await client().create(
    { group: 'discovery.k8s.io', version: 'v1', plural: 'endpointslices', namespace },
    {
      metadata: {
        name: `${service}-x7k2p`,
        labels: {
          ...svc.metadata.labels,
          'kubernetes.io/service-name': service,
          'endpointslice.kubernetes.io/managed-by': 'endpointslice-controller.k8s.io',
        },
        ownerReferences: [
          {
            apiVersion: 'v1',
            kind: 'Service',
            name: service,
            uid: svc.metadata.uid,
            controller: true,
            blockOwnerDeletion: true,
          },
        ],
      },
      addressType: 'IPv4',
      endpoints: [
        {
          addresses: [address],
          conditions: { ready: true, serving: true, terminating: false },
          targetRef: { kind: 'Pod', namespace, name: `${service}-6d4cf56db6-x7k2p` },
        },
      ],
      ports: [{ name: 'http', port: 8080, protocol: 'TCP' }],
    },
  );
}

before(async () => {
  ns = await createNamespace('iso-pod-ip');
  victim = await createNamespace('iso-pod-ip-victim');
  // Hostile names answer the API pod's address; the redirecting origin is a cluster-local name.
  dns = await startDns((name) =>
    name === 'api.hostile.test' || name === podName()
      ? [POD]
      : name === 'node.hostile.test'
        ? [NODE_IP]
        : name === `origin.${ns}.svc`
          ? ['127.0.0.1']
          : [],
  );
  web = createServer((req, res) => {
    if (req.url === '/hop') res.writeHead(302, { location: `http://${POD}:8080/v0.1/servers` });
    if (req.url === '/node-hop') res.writeHead(302, { location: `http://${NODE_IP}:${nodePort}/` });
    res.end();
  });
  await new Promise<void>((r) => web.listen(0, '127.0.0.1', r));
  const addr = web.address();
  port = typeof addr === 'object' && addr ? addr.port : 0;
  // The victim's registry lets no other namespace read it; its API as the controller applies it.
  const priv = (
    await create(victim, 'private', [{ name: 'c', type: 'configmap', configMapRef: { name: 'c' } }])
  ).body as MCPRegistryV1beta1;
  await reconcileApiWorkload(client(), priv, { image: 'example.invalid/thv:test', enabled: true });
  await endpointSlice(victim, 'private-api', POD);
  // A NodePort registry API, and a Node whose ExternalIP is in no private range.
  const np = (
    await client().create(
      { ...REGISTRIES, namespace: victim },
      registry(victim, 'nodeport', {
        sources: [{ name: 'c', type: 'configmap', configMapRef: { name: 'c' } }],
        api: { service: { type: 'NodePort' } },
      }),
    )
  ).body as MCPRegistryV1beta1;
  await reconcileApiWorkload(client(), np, { image: 'example.invalid/thv:test', enabled: true });
  const svc = await client().get<{ spec: { type: string; ports: { nodePort?: number }[] } }>({
    group: '',
    version: 'v1',
    plural: 'services',
    namespace: victim,
    name: 'nodeport-api',
  });
  assert.equal(svc.spec.type, 'NodePort');
  nodePort = svc.spec.ports[0]?.nodePort ?? 0;
  assert.ok(nodePort > 0, 'the apiserver allocated a node port');
  node = `${victim}-node`;
  await client().create(NODES, {
    metadata: { name: node },
    status: {
      addresses: [
        { type: 'ExternalIP', address: NODE_IP },
        { type: 'Hostname', address: node },
      ],
    },
  });
  ctrl = startController({
    kubeconfig: kubeconfigPath(),
    namespaces: [ns, victim],
    policy: LOOPBACK_POLICY_YAML.replace('"::1/128"', `"::1/128", "${POD}/32", "${NODE_IP}/32"`),
    env: { MCPR_TEST_DNS_SERVER: dns.address },
  });
});
after(async () => {
  await ctrl?.stop();
  if (node) await client().delete({ ...NODES, name: node });
  dns?.close();
  web?.closeAllConnections();
  web?.close();
});

/** Waits for the registry's refusal, whatever the first attempts said; a timeout says what it said. */
async function refused(name: string): Promise<MCPRegistryV1beta1> {
  let last: string | undefined;
  try {
    return await eventually(
      `${ns}/${name} refused`,
      async () => {
        const reg = await getReg(ns, name);
        last = reg.status?.message;
        return last?.includes(REFUSAL) ? reg : undefined;
      },
      60_000,
    );
  } catch (e) {
    throw new Error(`${(e as Error).message}; its status said: ${last ?? '(nothing)'}`);
  }
}

const reason = (r: MCPRegistryV1beta1) =>
  r.status?.conditions?.find((c) => c.type === 'SyncSuccessful')?.reason;

const podName = () => `${POD.replaceAll('.', '-')}.${victim}.pod.cluster.local`;
const cases: { name: string; source: () => SourceV1beta1; message: () => string }[] = [
  {
    name: 'pod-name',
    source: () => ({ name: 'main', type: 'registry', registry: { baseURL: `https://${podName()}:8080` } }),
    message: () =>
      `https://${podName()}:8080/v0.1/servers: refused by the platform policy: "${podName()}" (${POD}) ${REFUSAL}`,
  },
  {
    name: 'hostile-name',
    source: () => ({
      name: 'main',
      type: 'url',
      url: { href: 'https://api.hostile.test:8080/registry.json', timeout: '2s' },
    }),
    message: () =>
      `https://api.hostile.test:8080/registry.json: refused by the platform policy: "api.hostile.test" (${POD}) ${REFUSAL}`,
  },
  {
    name: 'redirect',
    source: () => ({ name: 'main', type: 'url', url: { href: `${origin()}/hop`, timeout: '2s' } }),
    message: () => `http://${POD}:8080/v0.1/servers: refused by the platform policy: "${POD}" ${REFUSAL}`,
  },
  {
    name: 'git',
    source: () => ({
      name: 'main',
      type: 'git',
      git: { repository: 'https://api.hostile.test:8080/r.git', path: 'r.json' },
    }),
    message: () =>
      `git: https://api.hostile.test:8080/r.git: refused by the platform policy: "api.hostile.test" (${POD}) ${REFUSAL}`,
  },
  {
    name: 'node-port',
    source: () => ({
      name: 'main',
      type: 'url',
      url: { href: `https://node.hostile.test:${nodePort}/registry.json`, timeout: '2s' },
    }),
    message: () =>
      `https://node.hostile.test:${nodePort}/registry.json: refused by the platform policy: "node.hostile.test" (${NODE_IP}) ${REFUSAL}`,
  },
  {
    name: 'node-port-redirect',
    source: () => ({ name: 'main', type: 'url', url: { href: `${origin()}/node-hop`, timeout: '2s' } }),
    message: () => `http://${NODE_IP}:${nodePort}/: refused by the platform policy: "${NODE_IP}" ${REFUSAL}`,
  },
];

for (const c of cases)
  test(`another namespace's registry API is not read by its pod address (${c.name})`, async () => {
    await create(ns, c.name, [c.source()]);
    const r = await refused(c.name);
    assert.equal(reason(r), 'DestinationRefused');
    assert.equal(r.status?.message, `${c.message()}; no data stored yet`);
  });

test('a node address on a port that is no node port of a registry API is not refused as one', async () => {
  await create(ns, 'node-other-port', [
    {
      name: 'main',
      type: 'url',
      url: { href: 'https://node.hostile.test:8080/registry.json', timeout: '2s' },
    },
  ]);
  const r = await eventually(
    `${ns}/node-other-port failed`,
    async () => {
      const reg = await getReg(ns, 'node-other-port');
      return reason(reg) ? reg : undefined;
    },
    60_000,
  );
  assert.equal(reason(r), 'FetchFailed');
  assert.equal(
    r.status?.message,
    'https://node.hostile.test:8080/registry.json: no connection (refused, unreachable or timed out); no data stored yet',
  );
});
