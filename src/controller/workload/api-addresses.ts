/**
 * Every address at which a registry API this operator deployed can be reached other than by its
 * Service name (SPEC §18), for the fetch-time rule that a registry's API is read only by that name
 * (src/sources/destinations/api-address.ts): consent is judged on the name, and the operator's namespace is let in
 * by every API's NetworkPolicy, so an address would carry a tenant's read past it. They are:
 *   - the Service's ClusterIPs, any port;
 *   - its endpoints' addresses (the API pods), any port: from the EndpointSlices Kubernetes keeps for
 *     the Service (they carry its labels, its name and an owner reference to it), so a pod IP, a
 *     `<ip>.<ns>.pod` name or a headless-style name that resolves to one is known too;
 *   - its external and load-balancer IPs, on the Service's own ports (such IPs may be shared);
 *   - its node ports on every address of every Node (a node port answers on all of a node's
 *     addresses: an ExternalIP or a public InternalIP as much as a private one), whatever the
 *     address's range; and on any private address too, for the paths to a node port that are not
 *     a Node's listed address (a hostNetwork pod's view of its node, a proxy in front of the nodes).
 * Only a Service controlled by an MCPRegistry counts, and only a slice that names and is owned by such
 * a Service: a look-alike label on a user's object proves nothing. Pure: built from informer lists.
 */
import { KIND, LABEL_REGISTRY } from '../../api/constants.ts';
import type { RegistryApiTarget } from '../../admission/source-rules/registry-api-host.ts';
import { parseCidr, parseIp, type Cidr, type Ip } from '../../admission/policy/destinations.ts';

interface Meta {
  name?: string;
  namespace?: string;
  resourceVersion?: string;
  labels?: Record<string, string>;
  ownerReferences?: OwnerRef[];
}

interface OwnerRef {
  kind?: string;
  name?: string;
  controller?: boolean;
}

export interface ServiceObject {
  metadata: Meta;
  spec?: {
    clusterIP?: string;
    clusterIPs?: string[];
    externalIPs?: string[];
    ports?: { port?: number; nodePort?: number }[];
  };
  status?: { loadBalancer?: { ingress?: { ip?: string }[] } };
}

/** What the index reads of a Node: its addresses (InternalIP, ExternalIP; names are skipped). */
export interface NodeObject {
  metadata: Meta;
  status?: { addresses?: { type?: string; address?: string }[] };
}

export interface EndpointSliceObject {
  metadata: Meta;
  endpoints?: { addresses?: string[] }[];
}

/** The registry whose API is served at this address and port, if any. */
export type ApiAt = (address: string, port: number) => RegistryApiTarget | undefined;

const SERVICE_NAME_LABEL = 'kubernetes.io/service-name';
const PRIVATE: Cidr[] = ['10.0.0.0/8', '172.16.0.0/12', '192.168.0.0/16', '100.64.0.0/10', 'fc00::/7'].map(
  (c) => parseCidr(c)!,
);

/**
 * One key per address a connection ends at: an IPv6 address carrying an IPv4 one (mapped, compatible,
 * NAT64) is that IPv4 address, as the destination policy judges it.
 */
export function addressKey(text: string): string | undefined {
  const ip = parseIp(text);
  if (!ip) return undefined;
  const v4 = ip.family === 6 ? embedded(ip) : undefined;
  return v4 !== undefined ? `4/${v4}` : `${ip.family}/${ip.value}`;
}

function embedded(ip: Ip): bigint | undefined {
  const high = ip.value >> 32n;
  const low = ip.value & 0xffffffffn;
  const mapped = high === 0xffffn;
  const compatible = high === 0n && low > 1n;
  const nat64 = high === 0x64ff9b0000000000000000n;
  return mapped || compatible || nat64 ? low : undefined;
}

function isPrivate(text: string): boolean {
  const ip = parseIp(text);
  if (!ip) return false;
  const v4 = ip.family === 6 ? embedded(ip) : undefined;
  const [family, value] = v4 !== undefined ? [4, v4] : [ip.family, ip.value];
  return PRIVATE.some((c) => {
    if (c.family !== family) return false;
    const shift = BigInt((family === 4 ? 32 : 128) - c.bits);
    return value >> shift === c.base >> shift;
  });
}

/** The registry an operator-made API Service serves, or undefined for any other Service. */
function registryOf(svc: ServiceObject): RegistryApiTarget | undefined {
  const owner = svc.metadata.ownerReferences?.find((o) => o.controller && o.kind === KIND);
  const name = svc.metadata.labels?.[LABEL_REGISTRY];
  if (!owner || !name || owner.name !== name) return undefined;
  return { namespace: svc.metadata.namespace ?? '', name };
}

export function apiAddressIndex(
  services: Iterable<ServiceObject>,
  slices: Iterable<EndpointSliceObject>,
  nodes: Iterable<NodeObject> = [],
): ApiAt {
  const anyPort = new Map<string, RegistryApiTarget>();
  const onPort = new Map<string, RegistryApiTarget>();
  const nodePorts = new Map<number, RegistryApiTarget>();
  const byService = new Map<string, RegistryApiTarget>();
  const put = (map: Map<string, RegistryApiTarget>, address: string, t: RegistryApiTarget, port?: number) => {
    const key = addressKey(address);
    if (key) map.set(port === undefined ? key : `${key}|${port}`, t);
  };
  for (const svc of services) {
    const t = registryOf(svc);
    if (!t) continue;
    byService.set(`${t.namespace}/${svc.metadata.name ?? ''}`, t);
    const spec = svc.spec ?? {};
    for (const ip of spec.clusterIPs ?? (spec.clusterIP ? [spec.clusterIP] : [])) put(anyPort, ip, t);
    const ports = (spec.ports ?? []).flatMap((p) => (p.port ? [p.port] : []));
    const external = [
      ...(spec.externalIPs ?? []),
      ...(svc.status?.loadBalancer?.ingress ?? []).flatMap((i) => (i.ip ? [i.ip] : [])),
    ];
    for (const ip of external) for (const port of ports) put(onPort, ip, t, port);
    for (const p of spec.ports ?? []) if (p.nodePort) nodePorts.set(p.nodePort, t);
  }
  for (const slice of slices) {
    const service = slice.metadata.labels?.[SERVICE_NAME_LABEL] ?? '';
    const t = byService.get(`${slice.metadata.namespace ?? ''}/${service}`);
    const owned = slice.metadata.ownerReferences?.some(
      (o) => o.controller && o.kind === 'Service' && o.name === service,
    );
    if (!t || !owned) continue;
    for (const e of slice.endpoints ?? []) for (const a of e.addresses ?? []) put(anyPort, a, t);
  }
  const nodeAddresses = new Set<string>();
  for (const node of nodes)
    for (const a of node.status?.addresses ?? []) {
      const key = a.address ? addressKey(a.address) : undefined;
      if (key) nodeAddresses.add(key);
    }
  return (address, port) => {
    const key = addressKey(address);
    if (!key) return undefined;
    const onNode = nodeAddresses.has(key) || isPrivate(address);
    return anyPort.get(key) ?? onPort.get(`${key}|${port}`) ?? (onNode ? nodePorts.get(port) : undefined);
  };
}
