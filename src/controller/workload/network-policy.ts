/**
 * The NetworkPolicy of a registry's API (SPEC §18 "Registries read registries only with consent"):
 * ingress to the `<name>-api` pods on the API port only from the registry's own namespace, from the
 * namespaces its `allowed-reader-namespaces` annotation lists (`*`: every namespace), and from the
 * operator's namespace (federation reads go through the operator), and from the namespaces the
 * platform selects by label (--registry-api-ingress-namespace-selector: its monitoring, so Prometheus
 * can scrape /metrics on the same port; none unless set). So reaching the Service over the network
 * grants nothing the annotation or the platform does not. Pure, apart from a memo of what was applied, which
 * tells the controller between syncs that consent changed and the policy must follow.
 */
import { ANNOTATION_ALLOWED_READERS } from '../../api/constants.ts';
import type { MCPRegistryV1beta1 } from '../../api/types.ts';

const NAMESPACE_NAME = 'kubernetes.io/metadata.name';

/** The readers the annotation lists, `*` kept as is; trimmed, without empties, sorted, unique. */
export function readerNamespaces(reg: Pick<MCPRegistryV1beta1, 'metadata'>): string[] {
  const list = reg.metadata.annotations?.[ANNOTATION_ALLOWED_READERS] ?? '';
  return [
    ...new Set(
      list
        .split(',')
        .map((s) => s.trim())
        .filter(Boolean),
    ),
  ].sort();
}

type Peer = Record<string, unknown>;

export interface IngressOptions {
  /** The operator's namespace: the NetworkPolicy lets it in (federation reads go through it). */
  operatorNamespace?: string;
  /** Namespaces (matchLabels) the platform lets in besides the readers: empty or unset = none. */
  ingressNamespaceSelector?: Record<string, string>;
}

/** The NetworkPolicy's spec (the caller adds apiVersion, kind and metadata). */
export function networkPolicySpec(
  reg: Pick<MCPRegistryV1beta1, 'metadata'>,
  podSelector: Record<string, string>,
  port: number,
  o: IngressOptions,
): Record<string, unknown> {
  const own = reg.metadata.namespace ?? '';
  const operatorNamespace = o.operatorNamespace ?? '';
  const platform = o.ingressNamespaceSelector ?? {};
  const readers = readerNamespaces(reg);
  const byName = (ns: string): Peer => ({ namespaceSelector: { matchLabels: { [NAMESPACE_NAME]: ns } } });
  const from: Peer[] = readers.includes('*')
    ? [{ namespaceSelector: {} }]
    : [
        { podSelector: {} },
        ...[...new Set([operatorNamespace, ...readers])].filter((ns) => ns && ns !== own).map(byName),
        // An empty selector would select every namespace: only a non-empty one is a peer.
        ...(Object.keys(platform).length > 0
          ? [{ namespaceSelector: { matchLabels: { ...platform } } }]
          : []),
      ];
  return {
    podSelector: { matchLabels: podSelector },
    policyTypes: ['Ingress'],
    ingress: [{ from, ports: [{ protocol: 'TCP', port }] }],
  };
}

/** What was last applied per registry (uid → readers), to notice a consent change between syncs. */
const applied = new Map<string, string>();

export function rememberApplied(reg: Pick<MCPRegistryV1beta1, 'metadata'>): void {
  if (reg.metadata.uid) applied.set(reg.metadata.uid, readerNamespaces(reg).join(','));
}

export function forgetApplied(reg: Pick<MCPRegistryV1beta1, 'metadata'>): void {
  if (reg.metadata.uid) applied.delete(reg.metadata.uid);
}

/** True when the readers changed since this process last applied the policy (unknown: false; a sync applies it). */
export function networkPolicyStale(reg: Pick<MCPRegistryV1beta1, 'metadata'>): boolean {
  const before = reg.metadata.uid ? applied.get(reg.metadata.uid) : undefined;
  return before !== undefined && before !== readerNamespaces(reg).join(',');
}
