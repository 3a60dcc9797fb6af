/**
 * The vocabulary of the Kubernetes API wrapper (pure): resource references and paths, responses,
 * the apiserver's Status as an error, Warning headers. Split from client.ts, which does the I/O.
 */
export interface KubeStatus {
  kind?: 'Status';
  status?: string;
  message?: string;
  reason?: string;
  code?: number;
  details?: { name?: string; kind?: string; causes?: { type?: string; message?: string; field?: string }[] };
}

export class KubeApiError extends Error {
  readonly status: number;
  readonly reason: string;
  readonly body: KubeStatus;
  readonly warnings: string[];
  constructor(status: number, body: KubeStatus, warnings: string[]) {
    super(body.message ?? `Kubernetes API answered HTTP ${status}`);
    this.name = 'KubeApiError';
    this.status = status;
    this.reason = body.reason ?? '';
    this.body = body;
    this.warnings = warnings;
  }
}

export function isStatus(e: unknown, code: number): boolean {
  return e instanceof KubeApiError && e.status === code;
}

export interface ResourceRef {
  group: string; // '' for the core group
  version: string;
  plural: string;
  namespace?: string;
  name?: string;
  subresource?: string;
}

export function resourcePath(r: ResourceRef): string {
  const base = r.group ? `/apis/${r.group}/${r.version}` : `/api/${r.version}`;
  const ns = r.namespace ? `/namespaces/${encodeURIComponent(r.namespace)}` : '';
  const name = r.name ? `/${encodeURIComponent(r.name)}` : '';
  const sub = r.subresource ? `/${r.subresource}` : '';
  return `${base}${ns}/${r.plural}${name}${sub}`;
}

export type Query = Record<string, string | number | boolean | undefined>;

export interface RequestArgs {
  method?: string;
  query?: Query;
  body?: unknown;
  contentType?: string;
  signal?: AbortSignal;
  timeoutMs?: number;
  /** The Accept header (default application/json): METADATA_ACCEPT for metadata-only answers. */
  accept?: string;
}

/**
 * Accept headers for metadata-only answers (the apiserver's PartialObjectMetadata, as client-go's
 * metadata client asks): one object or watch event, and a list. Plain JSON is the fallback, so an
 * apiserver that cannot transform answers whole objects; callers drop what they do not keep.
 */
export const METADATA_ACCEPT =
  'application/json;as=PartialObjectMetadata;g=meta.k8s.io;v=v1,application/json';
export const METADATA_LIST_ACCEPT =
  'application/json;as=PartialObjectMetadataList;g=meta.k8s.io;v=v1,application/json';

export interface Response<T> {
  status: number;
  body: T;
  warnings: string[];
}

export type PatchType = 'merge' | 'json' | 'apply' | 'strategic';
export const PATCH_CONTENT_TYPES: Record<PatchType, string> = {
  merge: 'application/merge-patch+json',
  json: 'application/json-patch+json',
  apply: 'application/apply-patch+yaml',
  strategic: 'application/strategic-merge-patch+json',
};

export interface WatchEvent<T> {
  type: 'ADDED' | 'MODIFIED' | 'DELETED' | 'BOOKMARK' | 'ERROR';
  object: T;
}

export function parseWarnings(header: string | string[] | undefined): string[] {
  const values = header === undefined ? [] : Array.isArray(header) ? header : [header];
  // RFC 7234 warn-value: 299 - "text". Kubernetes sends one header per warning.
  return values.map((v) => {
    const m = /^\d{3} \S+ "((?:[^"\\]|\\.)*)"/.exec(v);
    return m?.[1] ? m[1].replace(/\\(.)/g, '$1') : v;
  });
}

export function withQuery(path: string, query?: Query): string {
  if (!query) return path;
  const qs = new URLSearchParams();
  for (const [k, v] of Object.entries(query)) if (v !== undefined) qs.set(k, String(v));
  const s = qs.toString();
  return s ? `${path}?${s}` : path;
}
