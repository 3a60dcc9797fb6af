/**
 * A `kubernetes` source (SPEC §12): what admission can say about it without the cluster. Which
 * namespaces consent, and whether the workload kinds exist, is the controller's business: a namespace
 * that does not consent reads as empty, exactly like one that does not exist (no probing). Pure.
 */
import type { Self } from './registry-ref.ts';
import type { Policy } from '../policy/policy.ts';
import { isObj, type SourceView } from '../shape.ts';
import type { Finding } from './url.ts';

export function checkKubernetesSource(v: SourceView, policy: Policy, self: Self): Finding[] {
  if (v.source.type !== 'kubernetes') return [];
  const errors: Finding[] = [];
  const format = v.formatHolder.format;
  // The entries are built here, not read from a document: there is no other format to choose.
  if (typeof format === 'string' && format !== 'upstream')
    errors.push({
      type: 'Invalid',
      field: v.formatPath,
      value: format,
      detail: 'a kubernetes source builds upstream server.json entries; set "upstream" or leave it out',
    });
  const k = v.source.kubernetes;
  if (!isObj(k) || !Array.isArray(k.namespaces)) return errors;
  const seen = new Set<string>();
  k.namespaces.forEach((ns, i) => {
    if (typeof ns !== 'string') return;
    const field = `${v.path}.kubernetes.namespaces[${i}]`;
    if (seen.has(ns)) return void errors.push({ type: 'Duplicate', field, value: ns });
    seen.add(ns);
    if (self.namespace === undefined || ns === self.namespace || policy.allowCrossNamespaceDiscovery) return;
    errors.push({
      type: 'Forbidden',
      field,
      detail: `discovering workloads in another namespace than the registry's own ("${self.namespace}") is not enabled by the platform policy (allowCrossNamespaceDiscovery)`,
      policy: true,
      scope: field,
    });
  });
  return errors;
}
