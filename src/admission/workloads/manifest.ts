/**
 * The manifest `thv registry manifest` prints and the catalog page shows ("Kubernetes" snippet): a
 * workload that references the entry (our annotations) and spells out what resolution would fill, so
 * it reads on its own and applies as is. Built by resolveWorkload itself, so the manifest and
 * admission can never disagree about what an entry means.
 */
import type { FieldError } from '../../api/field-error.ts';
import { lookupEntry, type EntryIndex } from './entries.ts';
import {
  ANNOTATION_REGISTRY,
  ANNOTATION_SERVER,
  ANNOTATION_SERVER_VERSION,
  NEWEST_FIELDS,
  WORKLOAD_GROUP,
  kindInfo,
  type WorkloadKind,
} from './kinds.ts';
import { resolveWorkload, type PatchOp } from './resolve.ts';

export interface ManifestRequest {
  registry: string;
  server: string;
  index: EntryIndex;
  kind?: WorkloadKind;
  name?: string;
  namespace?: string;
  version?: string;
  /** `toolhive.stacklok.dev/<version>`: v1alpha1 is served by every generation. */
  apiVersion?: string;
  /** The served schema's spec fields; the newest generation's when unknown. */
  fields?: ReadonlySet<string>;
  /** MCPServerEntry's required group. */
  group?: string;
}

/** A DNS-1123 label from an entry name: `io.github.acme/weather` → `weather`. */
export function workloadName(entry: string): string {
  const tail = entry.slice(entry.lastIndexOf('/') + 1).toLowerCase();
  const clean = tail
    .replace(/[^a-z0-9-]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 63)
    .replace(/-+$/, '');
  return clean || 'mcp-server';
}

function applyOps(obj: Record<string, unknown>, ops: PatchOp[]): void {
  for (const op of ops) {
    const parts = op.path
      .split('/')
      .slice(1)
      .map((p) => p.replace(/~1/g, '/').replace(/~0/g, '~'));
    let at: Record<string, unknown> | unknown[] = obj;
    for (const p of parts.slice(0, -1)) at = (at as Record<string, unknown>)[p] as Record<string, unknown>;
    const last = parts[parts.length - 1] ?? '';
    if (Array.isArray(at) && last === '-') at.push(op.value);
    else (at as Record<string, unknown>)[last] = op.value;
  }
}

export function workloadManifest(
  req: ManifestRequest,
): { manifest: Record<string, unknown>; warnings: string[] } | { errors: FieldError[] } {
  const found = lookupEntry(req.index, req.server);
  const entryKind = 'found' in found ? found.found.kind : undefined;
  const kind = kindInfo(req.kind ?? (entryKind === 'remote' ? 'MCPRemoteProxy' : 'MCPServer'));
  if (!kind) return { errors: [{ type: 'Unsupported', field: '--kind', value: req.kind }] };
  const fields = req.fields ?? new Set(NEWEST_FIELDS[kind.kind]);
  const name = req.name ?? workloadName('found' in found ? found.found.name : req.server);
  const version = req.version && req.version !== 'latest' ? req.version : undefined;
  const annotations: Record<string, string> = {
    [ANNOTATION_REGISTRY]: req.registry,
    [ANNOTATION_SERVER]: 'found' in found ? found.found.name : req.server,
    ...(version && { [ANNOTATION_SERVER_VERSION]: version }),
  };
  const spec: Record<string, unknown> = {};
  // Required by a generation's schema and not something an entry says.
  if (kind.kind === 'MCPServerEntry') spec.groupRef = { name: req.group ?? 'default' };
  if (kind.kind === 'MCPRemoteProxy' && fields.has('oidcConfig')) spec.oidcConfig = { type: 'kubernetes' };
  const object: Record<string, unknown> = {
    apiVersion: req.apiVersion ?? `${WORKLOAD_GROUP}/v1alpha1`,
    kind: kind.kind,
    metadata: { name, ...(req.namespace && { namespace: req.namespace }), annotations },
    spec,
  };
  const r = resolveWorkload({
    kind,
    name,
    namespace: req.namespace ?? '',
    object,
    fields,
    ref: { registry: req.registry, server: req.server, version: req.version ?? 'latest' },
    registry: { name: req.registry, index: req.index },
    registryNames: [req.registry],
  });
  if (r.errors.length > 0) return { errors: r.errors };
  // The resolved annotation is admission's record of what it used, not part of the user's intent.
  applyOps(
    object,
    r.ops.filter((op) => !op.path.startsWith('/metadata/')),
  );
  return { manifest: object, warnings: r.warnings };
}
