/**
 * One exported ToolHive workload → one upstream server.json entry (SPEC §12): a remote server at the
 * annotated URL, with `_meta` naming the workload it came from. Pure; the entry is checked against the
 * official schema by the sync pipeline like any other source's entries.
 */
import { PUBLISHER_PROVIDED, TOOLHIVE_NAMESPACE, UPSTREAM_SCHEMA_URL, type JsonObject } from '../model.ts';
import {
  ANNOTATIONS,
  MAX_EXPORT_ANNOTATION_BYTES,
  OVERSIZE_MARKER,
  WORKLOAD_META_KEY,
  exportAnnotationBytes,
  imageSemver,
  parseJsonAnnotation,
  parseTools,
  type DiscoveryKind,
} from './annotations.ts';

/** What discovery reads of a workload (any served version: annotations and these spec fields only). */
export interface WorkloadObject {
  kind?: string;
  metadata: {
    name?: string;
    namespace?: string;
    uid?: string;
    resourceVersion?: string;
    annotations?: Record<string, string>;
  };
  spec?: { image?: unknown; transport?: unknown; proxyMode?: unknown };
}

export interface SkippedWorkload {
  /** `MCPServer team-a/weather`: what a user looks for with kubectl. */
  workload: string;
  reason: string;
}

export type EntryResult = { entry: JsonObject } | { skipped: SkippedWorkload };

export const DEFAULT_ENTRY_VERSION = '1.0.0';

/** The entry's name: reverse-DNS-like, unique per namespace and workload name. */
export function entryName(namespace: string, name: string): string {
  return `k8s.${namespace}/${name}`;
}

export function workloadLabel(kind: string, w: WorkloadObject): string {
  return `${kind} ${w.metadata.namespace ?? ''}/${w.metadata.name ?? ''}`;
}

const str = (v: unknown): string | undefined => (typeof v === 'string' && v !== '' ? v : undefined);

/**
 * The transport a client speaks to the workload's URL: an MCPServer running a stdio server is reached
 * through its proxy (`proxyMode`); the others say it in `transport`.
 */
export function workloadTransport(kind: DiscoveryKind, spec: WorkloadObject['spec']): string {
  const transport = str(spec?.transport);
  if (kind === 'MCPServer' && (transport === undefined || transport === 'stdio'))
    return str(spec?.proxyMode) ?? 'streamable-http';
  return transport ?? 'streamable-http';
}

export function entryFromWorkload(kind: DiscoveryKind, w: WorkloadObject): EntryResult {
  const a = w.metadata.annotations ?? {};
  const label = workloadLabel(kind, w);
  const bytes = Number(a[OVERSIZE_MARKER] ?? exportAnnotationBytes(a));
  if (bytes > MAX_EXPORT_ANNOTATION_BYTES)
    return {
      skipped: {
        workload: label,
        reason: `its toolhive.stacklok.dev/ annotations hold ${bytes} bytes, more than the ${MAX_EXPORT_ANNOTATION_BYTES} one catalog entry may take`,
      },
    };
  const missing = [ANNOTATIONS.url, ANNOTATIONS.description].filter((k) => !str(a[k]?.trim()));
  if (missing.length)
    return {
      skipped: {
        workload: label,
        reason: `exported but ${missing.join(' and ')} ${missing.length > 1 ? 'are' : 'is'} missing (both are required)`,
      },
    };
  const bad: string[] = [];
  const json = (key: string) => {
    const text = a[key];
    if (text === undefined) return undefined;
    const parsed = parseJsonAnnotation(text);
    if (!parsed) bad.push(`${key} is not JSON`);
    return parsed?.value;
  };
  const tools = a[ANNOTATIONS.tools] !== undefined ? parseTools(a[ANNOTATIONS.tools]!) : undefined;
  if (a[ANNOTATIONS.tools] !== undefined && !tools)
    bad.push(`${ANNOTATIONS.tools} is neither a JSON array of names nor a comma-separated list`);
  const toolDefinitions = json(ANNOTATIONS.toolDefinitions);
  const authzClaims = json(ANNOTATIONS.authzClaims);
  if (bad.length) return { skipped: { workload: label, reason: bad.join('; ') } };

  const url = a[ANNOTATIONS.url]!.trim();
  const transport = workloadTransport(kind, w.spec);
  const image = kind === 'MCPServer' ? str(w.spec?.image) : undefined;
  const version = str(a[ANNOTATIONS.version]?.trim()) ?? imageSemver(image) ?? DEFAULT_ENTRY_VERSION;
  const category = str(a[ANNOTATIONS.category]?.trim());
  const toolhive: JsonObject = {
    status: 'Active',
    transport,
    ...(tools ? { tools } : {}),
    ...(category ? { tags: [category] } : {}),
  };
  const workload: JsonObject = {
    kind,
    namespace: w.metadata.namespace ?? '',
    name: w.metadata.name ?? '',
    uid: w.metadata.uid ?? '',
    ...(image ? { image } : {}),
    transport,
    ...(toolDefinitions !== undefined ? { toolDefinitions } : {}),
    ...(authzClaims !== undefined ? { authzClaims } : {}),
  };
  const title = str(a[ANNOTATIONS.title]?.trim());
  const icon = str(a[ANNOTATIONS.icon]?.trim());
  return {
    entry: {
      $schema: UPSTREAM_SCHEMA_URL,
      name: entryName(w.metadata.namespace ?? '', w.metadata.name ?? ''),
      description: a[ANNOTATIONS.description]!.trim(),
      ...(title ? { title } : {}),
      version,
      ...(icon ? { icons: [{ src: icon }] } : {}),
      remotes: [{ type: transport === 'sse' ? 'sse' : 'streamable-http', url }],
      _meta: {
        [PUBLISHER_PROVIDED]: {
          [TOOLHIVE_NAMESPACE]: { [url]: toolhive },
          [WORKLOAD_META_KEY]: workload,
        },
      },
    },
  };
}
