/**
 * Offline admission of ToolHive workloads (SPEC §11), for `thv registry validate`: the same resolution
 * and enforcement the workload webhooks run (src/admission/workloads), against the MCPRegistry
 * documents of the same input and the catalogs given with `--catalog NAME=FILE` (the data a registry
 * would have synced). Offline there are no namespace labels: the policy's registries apply everywhere.
 */
import { readFile } from 'node:fs/promises';
import { applyPatch, type Operation } from 'rfc6902';
import type { Policy } from '../../admission/index.ts';
import {
  NEWEST_FIELDS,
  WORKLOAD_GROUP,
  indexEntries,
  kindInfo,
  mutateWorkload,
  validateWorkload,
  type EntryIndex,
  type WorkloadRequest,
} from '../../admission/workloads/index.ts';
import { parseRegistryDocument } from '../../registry/index.ts';
import { UsageError } from '../errors.ts';
import type { Finding, Verdict } from './admit.ts';

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

export interface OfflineRegistries {
  /** MCPRegistry documents of the input: namespace/name → enforceServers. */
  registries: Map<string, boolean>;
  /** `--catalog` data by `namespace/name` or by name (any namespace). */
  catalogs: Map<string, EntryIndex>;
}

export function isWorkloadKind(doc: Obj): boolean {
  return (
    typeof doc.apiVersion === 'string' &&
    doc.apiVersion.split('/')[0] === WORKLOAD_GROUP &&
    !!kindInfo(doc.kind)
  );
}

/** `--catalog NAME=FILE` (or `NAMESPACE/NAME=FILE`), each file a ToolHive or upstream registry document. */
export async function loadCatalogs(specs: readonly string[]): Promise<Map<string, EntryIndex>> {
  const out = new Map<string, EntryIndex>();
  for (const spec of specs) {
    const i = spec.indexOf('=');
    if (i <= 0)
      throw new UsageError(
        `--catalog ${spec}: expected NAME=FILE`,
        'Name the MCPRegistry and its catalog file.',
      );
    let text: string;
    try {
      text = await readFile(spec.slice(i + 1), 'utf8');
    } catch (e) {
      throw new UsageError(`--catalog ${spec}: ${(e as Error).message}`);
    }
    try {
      out.set(spec.slice(0, i), indexEntries(parseRegistryDocument(text, 'auto').catalog));
    } catch (e) {
      throw new UsageError(`--catalog ${spec}: not a registry document: ${(e as Error).message}`);
    }
  }
  return out;
}

const nsOf = (doc: Obj) =>
  isObj(doc.metadata) && typeof doc.metadata.namespace === 'string' ? doc.metadata.namespace : 'default';

function findings(out: ReturnType<typeof mutateWorkload>): Finding[] {
  return (out.review.response.status?.details?.causes ?? []).map((c) => ({
    field: c.field,
    reason: c.reason,
    message: c.message,
    text: `${c.field}: ${c.message}`,
  }));
}

export function admitWorkload(doc: Obj, regs: OfflineRegistries, policy: Policy): Verdict {
  const kind = kindInfo(doc.kind);
  const namespace = nsOf(doc);
  const spec = isObj(doc.spec) ? Object.keys(doc.spec) : [];
  const fields = [...new Set([...(kind ? NEWEST_FIELDS[kind.kind] : []), ...spec])];
  const index = (name: string) => regs.catalogs.get(`${namespace}/${name}`) ?? regs.catalogs.get(name);
  const inNs = [...regs.registries.keys()]
    .filter((k) => k.startsWith(`${namespace}/`))
    .map((k) => k.slice(namespace.length + 1));
  const req: WorkloadRequest = {
    uid: 'offline',
    operation: 'CREATE',
    namespace,
    kind: {
      group: WORKLOAD_GROUP,
      version: String(doc.apiVersion).split('/')[1] ?? '',
      kind: String(doc.kind),
    },
    object: structuredClone(doc),
  };
  const ref = isObj(doc.metadata) && isObj(doc.metadata.annotations) ? doc.metadata.annotations : {};
  const refName =
    typeof ref['toolhive.stacklok.io/registry'] === 'string'
      ? ref['toolhive.stacklok.io/registry'].trim()
      : '';
  const known =
    inNs.includes(refName) || regs.catalogs.has(`${namespace}/${refName}`) || regs.catalogs.has(refName);
  const idx = index(refName);
  const m = mutateWorkload(req, {
    fields: new Set(fields),
    registry: known ? { name: refName, ...(idx && { index: idx }) } : undefined,
    registryNames: inNs,
  });
  const warnings = [...(m.review.response.warnings ?? [])];
  if (!m.review.response.allowed)
    return { valid: false, rejectedBy: 'webhook', errors: findings(m), warnings };
  const object = structuredClone(doc);
  if (m.review.response.patch)
    applyPatch(
      object,
      JSON.parse(Buffer.from(m.review.response.patch, 'base64').toString('utf8')) as Operation[],
    );
  const enforcing = inNs.some((n) => regs.registries.get(`${namespace}/${n}`) === true);
  const label = (l: string, i: EntryIndex | undefined) => ({ label: l, ...(i && { index: i }) });
  const v = validateWorkload(
    { ...req, object },
    {
      fields: new Set(fields),
      namespace: enforcing ? inNs.map((n) => label(n, index(n))) : [],
      policy: (policy.workloads?.registries ?? []).map((p) =>
        label(
          `${p.namespace}/${p.name}`,
          regs.catalogs.get(`${p.namespace}/${p.name}`) ?? regs.catalogs.get(p.name),
        ),
      ),
    },
  );
  warnings.push(...(v.review.response.warnings ?? []));
  if (!v.review.response.allowed)
    return { valid: false, rejectedBy: 'webhook', errors: findings(v), warnings };
  return { valid: true, errors: [], warnings, defaulted: object };
}
