/**
 * `validate --policy FILE` takes the policy in the forms a GitOps repository holds it: the bare policy
 * (what the operator's --policy reads), the ConfigMap manifest that mounts it (`data["policy.yaml"]`,
 * as the chart and the kustomize overlays ship it; a multi-document file such as rendered manifests
 * works too), or the chart's values file (its `policy:` key). Returns the bare policy text and where
 * in the file it came from, for messages.
 */
import { parseAllDocuments, stringify } from 'yaml';

export interface PolicyText {
  text: string;
  /** ` (ConfigMap mcp-registry-policy, key policy.yaml)`, ` (Helm values, key policy)` or empty. */
  from: string;
}

const isObj = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

const POLICY_KEY = 'policy.yaml';

export function policyText(text: string): PolicyText {
  let values: unknown[];
  try {
    values = parseAllDocuments(text).map((d) => (d.errors.length ? undefined : d.toJS()));
  } catch {
    return { text, from: '' }; // not YAML at all: parsePolicy says so in its own words
  }
  const configMaps = values.filter(
    (v): v is Record<string, unknown> =>
      isObj(v) && v.kind === 'ConfigMap' && isObj(v.data) && typeof v.data[POLICY_KEY] === 'string',
  );
  if (configMaps.length > 0) {
    // Several: the operator's own name wins (rendered manifests may hold other policy-like ConfigMaps).
    const cm =
      configMaps.find((c) => isObj(c.metadata) && c.metadata.name === 'mcp-registry-policy') ??
      configMaps[0]!;
    const name = isObj(cm.metadata) && typeof cm.metadata.name === 'string' ? cm.metadata.name : '(unnamed)';
    return {
      text: String((cm.data as Record<string, unknown>)[POLICY_KEY]),
      from: ` (ConfigMap ${name}, key ${POLICY_KEY})`,
    };
  }
  const [only] = values;
  // A values file has `policy:` (a bare policy has no such field); `policy: {}` is the built-in policy.
  if (values.length === 1 && isObj(only) && 'policy' in only && (isObj(only.policy) || only.policy === null))
    return { text: stringify(only.policy ?? {}), from: ' (Helm values, key policy)' };
  return { text, from: '' };
}
