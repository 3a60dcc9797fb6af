/**
 * The platform policy: what a cluster's platform team allows in MCPRegistry specs and which defaults
 * it imposes. Built-in defaults apply without a file; a YAML file (docs/policy.md) overrides them.
 * Pure: parsePolicy(text) either returns a complete Policy or throws PolicyError listing every problem.
 */
import { quantityValue } from '../../api/quantity.ts';
import { parse as parseYaml } from 'yaml';
import { SOURCE_TYPES, type SourceType } from '../../api/constants.ts';
import { formatFieldError, type FieldError } from '../../api/field-error.ts';
import { OPEN_NETWORK_RULES, type NetworkRules } from './destinations.ts';
import { isObj, Reader } from './policy-reader.ts';

export interface PolicyFilter {
  names?: { include?: string[]; exclude?: string[] };
  tags?: { include?: string[]; exclude?: string[] };
}

export interface Policy {
  /** Source types a registry may use. */
  allowedSourceTypes: SourceType[];
  /** Host globs a URL, Git or registry source may name; empty = any host. */
  allowedHosts: string[];
  /** Allow plain `http://` URLs (with a warning). */
  allowHTTP: boolean;
  /** Allow `file://` Git repositories (tests, air-gapped mirrors baked into the image). */
  allowFileGit: boolean;
  /**
   * Allow plain `http://` to cluster-local Service names (`<svc>.<ns>.svc[.<clusterDomain>]`) even when
   * allowHTTP is false: that traffic stays inside the cluster network (docs/policy.md).
   */
  allowClusterLocalHTTP: boolean;
  /** The cluster's DNS domain, for recognising cluster-local Service names. */
  clusterDomain: string;
  /** Destination rules (SPEC §8), as written: CIDRs or single addresses. */
  allowedCIDRs: string[];
  deniedCIDRs: string[];
  /** RFC 1918 / RFC 6598 / ULA destinations; true by default (in-cluster Services live there). */
  allowPrivateNetworks: boolean;
  /** The three destination settings above, parsed. */
  network: NetworkRules;
  /**
   * Whether a `kubernetes` source may name namespaces other than its registry's own (each must still
   * consent, docs/user-guide.md). Off by default; the operator's RBAC then needs those namespaces too.
   */
  allowCrossNamespaceDiscovery: boolean;
  /** Smallest sync interval accepted, as written in the file (Go duration). */
  minSyncInterval: string;
  minSyncIntervalMs: number;
  defaults: {
    syncInterval: string;
    syncRemoteSources: boolean;
    filter?: PolicyFilter;
  };
  enforced: { excludeNames: string[]; excludeTags: string[] };
  /**
   * ToolHive workloads (SPEC §11): MCPRegistries (`namespace/name`) every namespace must draw its
   * workloads' images and remote URLs from, except namespaces labelled
   * `toolhive.stacklok.io/enforcement=exempt`. Absent or empty: none.
   */
  workloads?: { registries: { namespace: string; name: string }[] };
  /** Caps on `spec.api` (SPEC §13): replicas, and CPU/memory a request or limit may name. */
  api?: {
    maxReplicas?: number;
    maxResources?: { cpu?: string; memory?: string };
    allowAnonymous?: boolean;
    /** false: no registry may set spec.api.ingress or spec.api.httpRoute. */
    allowExposure?: boolean;
  };
}

export const DEFAULT_POLICY: Policy = Object.freeze({
  allowedSourceTypes: [...SOURCE_TYPES],
  allowedHosts: [],
  allowHTTP: false,
  allowFileGit: false,
  allowClusterLocalHTTP: true,
  clusterDomain: 'cluster.local',
  allowedCIDRs: [],
  deniedCIDRs: [],
  allowPrivateNetworks: true,
  network: OPEN_NETWORK_RULES,
  allowCrossNamespaceDiscovery: false,
  minSyncInterval: '30s',
  minSyncIntervalMs: 30_000,
  defaults: { syncInterval: '1h', syncRemoteSources: true },
  enforced: { excludeNames: [], excludeTags: [] },
}) as Policy;

export class PolicyError extends Error {
  readonly errors: FieldError[];
  constructor(errors: FieldError[]) {
    super(errors.map(formatFieldError).join('; '));
    this.errors = errors;
  }
}

const TOP_KEYS = [
  'allowedSourceTypes',
  'allowedHosts',
  'allowHTTP',
  'allowFileGit',
  'allowClusterLocalHTTP',
  'clusterDomain',
  'allowedCIDRs',
  'deniedCIDRs',
  'allowPrivateNetworks',
  'allowCrossNamespaceDiscovery',
  'minSyncInterval',
  'defaults',
  'enforced',
  'workloads',
  'api',
];

function readFilter(rd: Reader, v: unknown, field: string): PolicyFilter | undefined {
  if (v === undefined || v === null) return undefined;
  const f = rd.object(v, field, ['names', 'tags']);
  const out: PolicyFilter = {};
  for (const part of ['names', 'tags'] as const) {
    if (f[part] === undefined) continue;
    const p = rd.object(f[part], `${field}.${part}`, ['include', 'exclude']);
    const read = (k: 'include' | 'exclude') =>
      part === 'names' ? rd.globs(p[k], `${field}.${part}.${k}`) : rd.strings(p[k], `${field}.${part}.${k}`);
    out[part] = {
      ...(p.include !== undefined ? { include: read('include') } : {}),
      ...(p.exclude !== undefined ? { exclude: read('exclude') } : {}),
    };
  }
  return out;
}

/** `api: {maxReplicas, maxResources: {cpu, memory}}`: caps admission holds `spec.api` to. */
function readApiCaps(rd: Reader, v: unknown): Policy['api'] {
  if (v === undefined || v === null) return undefined;
  const o = rd.object(v, 'api', ['maxReplicas', 'maxResources', 'allowAnonymous', 'allowExposure']);
  const out: NonNullable<Policy['api']> = {};
  if (o.allowAnonymous !== undefined)
    out.allowAnonymous = rd.bool(o.allowAnonymous, 'api.allowAnonymous', true);
  if (o.allowExposure !== undefined) out.allowExposure = rd.bool(o.allowExposure, 'api.allowExposure', true);
  if (o.maxReplicas !== undefined) {
    const n = o.maxReplicas;
    if (typeof n === 'number' && Number.isInteger(n) && n >= 1) out.maxReplicas = n;
    else
      rd.errors.push({
        type: 'Invalid',
        field: 'api.maxReplicas',
        value: n,
        detail: 'must be a whole number of at least 1',
      });
  }
  if (o.maxResources !== undefined) {
    const r = rd.object(o.maxResources, 'api.maxResources', ['cpu', 'memory']);
    const caps: { cpu?: string; memory?: string } = {};
    for (const k of ['cpu', 'memory'] as const) {
      const q = r[k];
      if (q === undefined) continue;
      const text = typeof q === 'number' ? String(q) : q;
      if (typeof text === 'string' && (quantityValue(text) ?? 0) > 0) caps[k] = text;
      else
        rd.errors.push({
          type: 'Invalid',
          field: `api.maxResources.${k}`,
          value: q,
          detail: 'must be a Kubernetes quantity greater than 0 (`2`, `500m`, `1Gi`)',
        });
    }
    out.maxResources = caps;
  }
  return out;
}

/** Parses and validates a policy document. Throws PolicyError with every problem found. */
export function parsePolicy(text: string): Policy {
  let doc: unknown;
  try {
    doc = parseYaml(text);
  } catch (e) {
    throw new PolicyError([
      {
        type: 'Invalid',
        field: '(document)',
        detail: `not valid YAML: ${(e as Error).message.split('\n')[0]}`,
      },
    ]);
  }
  const rd = new Reader();
  const top = rd.object(doc ?? {}, '', TOP_KEYS);
  if (!isObj(doc ?? {}))
    throw new PolicyError([{ type: 'Invalid', field: '(document)', detail: 'must be a YAML mapping' }]);

  let allowedSourceTypes: SourceType[] = [...SOURCE_TYPES];
  if (top.allowedSourceTypes !== undefined) {
    allowedSourceTypes = [];
    rd.strings(top.allowedSourceTypes, 'allowedSourceTypes').forEach((t, i) => {
      if ((SOURCE_TYPES as readonly string[]).includes(t)) allowedSourceTypes.push(t as SourceType);
      else
        rd.errors.push({
          type: 'Unsupported',
          field: `allowedSourceTypes[${i}]`,
          value: t,
          detail: `supported values: ${SOURCE_TYPES.map((s) => `"${s}"`).join(', ')}`,
        });
    });
  }
  const min = rd.duration(top.minSyncInterval, 'minSyncInterval', DEFAULT_POLICY.minSyncInterval);
  const defaults = rd.object(top.defaults, 'defaults', ['syncInterval', 'syncRemoteSources', 'filter']);
  const syncInterval = rd.duration(
    defaults.syncInterval,
    'defaults.syncInterval',
    DEFAULT_POLICY.defaults.syncInterval,
  );
  if (syncInterval.ms < min.ms)
    rd.errors.push({
      type: 'Invalid',
      field: 'defaults.syncInterval',
      value: syncInterval.text,
      detail: `must be at least minSyncInterval (${min.text})`,
    });
  const enforced = rd.object(top.enforced, 'enforced', ['excludeNames', 'excludeTags']);
  const allowed = rd.cidrs(top.allowedCIDRs, 'allowedCIDRs');
  const denied = rd.cidrs(top.deniedCIDRs, 'deniedCIDRs');
  const allowPrivateNetworks = rd.bool(top.allowPrivateNetworks, 'allowPrivateNetworks', true);
  const policy: Policy = {
    allowedSourceTypes,
    allowedHosts: rd.globs(top.allowedHosts, 'allowedHosts').map((h) => h.toLowerCase()),
    allowHTTP: rd.bool(top.allowHTTP, 'allowHTTP', false),
    allowFileGit: rd.bool(top.allowFileGit, 'allowFileGit', false),
    allowClusterLocalHTTP: rd.bool(top.allowClusterLocalHTTP, 'allowClusterLocalHTTP', true),
    clusterDomain: rd.domain(top.clusterDomain, 'clusterDomain', DEFAULT_POLICY.clusterDomain),
    allowedCIDRs: allowed.texts,
    deniedCIDRs: denied.texts,
    allowPrivateNetworks,
    network: { allowedCIDRs: allowed.cidrs, deniedCIDRs: denied.cidrs, allowPrivateNetworks },
    allowCrossNamespaceDiscovery: rd.bool(
      top.allowCrossNamespaceDiscovery,
      'allowCrossNamespaceDiscovery',
      false,
    ),
    minSyncInterval: min.text,
    minSyncIntervalMs: min.ms,
    defaults: {
      syncInterval: syncInterval.text,
      syncRemoteSources: rd.bool(defaults.syncRemoteSources, 'defaults.syncRemoteSources', true),
      ...(defaults.filter !== undefined
        ? { filter: readFilter(rd, defaults.filter, 'defaults.filter') }
        : {}),
    },
    enforced: {
      excludeNames: rd.globs(enforced.excludeNames, 'enforced.excludeNames'),
      excludeTags: rd.strings(enforced.excludeTags, 'enforced.excludeTags'),
    },
  };
  const workloads = rd.object(top.workloads, 'workloads', ['registries']);
  const registries = rd.strings(workloads.registries, 'workloads.registries').flatMap((r, i) => {
    const m = /^([a-z0-9]([-a-z0-9]*[a-z0-9])?)\/([a-z0-9]([-.a-z0-9]*[a-z0-9])?)$/.exec(r);
    if (m) return [{ namespace: m[1] ?? '', name: m[3] ?? '' }];
    rd.errors.push({
      type: 'Invalid',
      field: `workloads.registries[${i}]`,
      value: r,
      detail: 'must be namespace/name of an MCPRegistry',
    });
    return [];
  });
  if (registries.length > 0) policy.workloads = { registries };
  const api = readApiCaps(rd, top.api);
  if (api) policy.api = api;
  if (rd.errors.length) throw new PolicyError(rd.errors);
  return policy;
}
