/**
 * `validate --policy FILE` takes the policy in the forms a GitOps repository holds it: the bare policy
 * (what the operator's --policy reads), the ConfigMap manifest that mounts it (`data["policy.yaml"]`,
 * as the chart and the kustomize overlays ship it; a multi-document file such as rendered manifests
 * works too), or the chart's values file (its `policy:` key). Returns the bare policy text and where
 * in the file it came from, for messages; or, for a ConfigMap without the key or several documents
 * none of which holds a policy, what is wrong (rather than reading the manifest as a policy and
 * calling each of its fields unknown).
 */
import { parseAllDocuments, stringify } from 'yaml';

export interface PolicyText {
  text: string;
  /** ` (ConfigMap mcp-registry-policy, key policy.yaml)`, ` (Helm values, key policy)` or empty. */
  from: string;
  /** The top-level keys of a file read as the bare policy (none for the other forms). */
  keys: string[];
  /** Why the file holds no policy in any form. */
  problem?: string;
}

const isObj = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

const POLICY_KEY = 'policy.yaml';

export function policyText(text: string): PolicyText {
  let values: unknown[];
  try {
    values = parseAllDocuments(text).map((d) => (d.errors.length ? undefined : d.toJS()));
  } catch {
    return { text, from: '', keys: [] }; // not YAML at all: parsePolicy says so in its own words
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
    const name = nameOf(cm);
    return {
      text: String((cm.data as Record<string, unknown>)[POLICY_KEY]),
      from: ` (ConfigMap ${name}, key ${POLICY_KEY})`,
      keys: [],
    };
  }
  const documents = values.filter((v) => v !== null && v !== undefined);
  const withoutKey = documents.filter(
    (v): v is Record<string, unknown> => isObj(v) && v.kind === 'ConfigMap',
  );
  if (withoutKey.length > 0) {
    const names = withoutKey.map((c) => `ConfigMap ${nameOf(c)} (data keys: ${dataKeys(c)})`);
    return {
      text,
      from: '',
      keys: [],
      problem: `no ConfigMap in it has the data key ${POLICY_KEY}: ${names.join(', ')}`,
    };
  }
  if (documents.length > 1)
    return {
      text,
      from: '',
      keys: [],
      problem: `${documents.length} YAML documents and none is a ConfigMap with the data key ${POLICY_KEY}`,
    };
  const [only] = documents;
  // A values file has `policy:` (a bare policy has no such field); `policy: {}` is the built-in policy.
  if (isObj(only) && 'policy' in only && (isObj(only.policy) || only.policy === null))
    return { text: stringify(only.policy ?? {}), from: ' (Helm values, key policy)', keys: [] };
  return { text, from: '', keys: isObj(only) ? Object.keys(only) : [] };
}

function nameOf(c: Record<string, unknown>): string {
  return isObj(c.metadata) && typeof c.metadata.name === 'string' ? c.metadata.name : '(unnamed)';
}

function dataKeys(c: Record<string, unknown>): string {
  const keys = isObj(c.data) ? Object.keys(c.data) : [];
  return keys.length ? keys.join(', ') : 'none';
}
