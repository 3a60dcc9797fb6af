/**
 * The one internal model of registry data. A server keeps the source pieces it was built from (the
 * ToolHive entry, the upstream server.json, the registry's `_meta`), so every writer can be lossless;
 * the summary fields (title, version, status, …) are derived from those pieces by `makeCatalogServer`.
 */

export type JsonObject = Record<string, unknown>;
export type SourceFormat = 'toolhive' | 'upstream';

/**
 * `container` and `remote` are the two ToolHive kinds; `upstream-only` is an upstream server ToolHive
 * cannot express (npm/pypi/… packages without an OCI image, or no package and no remote).
 */
export type ServerKind = 'container' | 'remote' | 'upstream-only';

export type UpstreamStatus = 'active' | 'deprecated' | 'deleted';

/** Official registry facts kept from the source (its `_meta` official block) and served unchanged by /v0.1. */
export interface OfficialFacts {
  status: UpstreamStatus;
  statusMessage?: string;
  statusChangedAt?: string;
  publishedAt?: string;
  updatedAt?: string;
}

export interface CatalogServer {
  /**
   * Catalog key. A ToolHive name (`fetch`) for ToolHive data and for upstream servers in the
   * `io.github.stacklok/` namespace; the full upstream name (`io.github.user/weather`) otherwise.
   */
  name: string;
  kind: ServerKind;
  description?: string;
  title?: string;
  /** ToolHive tags (from the entry or the `io.github.stacklok` extension); [] when none. */
  tags: string[];
  /** Tool names; [] when none. */
  tools: string[];
  /**
   * The upstream status and dates: the source registry's official block wins over a publisher
   * extension or ToolHive entry (ToolHive `Deprecated` → `deprecated`); `active` when nothing says.
   */
  official: OfficialFacts;
  tier?: string;
  transport?: string;
  /** Container image (ToolHive `image`, upstream OCI package identifier). */
  image?: string;
  /** Remote server URL. */
  url?: string;
  /** The name in upstream form (`io.github.stacklok/fetch`, or the upstream name as given). */
  upstreamName: string;
  /** The upstream version (ToolHive has none: `1.0.0`, as ToolHive's converter writes). */
  version: string;
  repositoryUrl?: string;
  /** ToolHive `metadata.last_updated`, else the registry's `updatedAt`. */
  lastUpdated?: string;
  /** The ToolHive entry, snake_case, without `name` (the key is the name). Absent for `upstream-only`. */
  toolhive?: JsonObject;
  /** The upstream server.json as read, when the server came from upstream data; written back as is. */
  upstream?: JsonObject;
  /** The `_meta` an upstream registry API gave the server (official status, dates), when read from a page. */
  registryMeta?: JsonObject;
  /**
   * The other versions of this server the source registry offers (older ones, deleted ones), as it
   * gave them: served by `/v0.1` only (SPEC §14 "Mirror fidelity"); absent when there are none.
   */
  versions?: ServerVersion[];
}

/** One version of a server as an upstream registry API gave it: its server.json and `_meta`. */
export interface ServerVersion {
  upstream: JsonObject;
  registryMeta?: JsonObject;
}

export interface Catalog {
  /** Sorted by name, names unique. */
  servers: CatalogServer[];
  meta?: { version?: string; lastUpdated?: string };
  /** ToolHive `groups`, kept as they are for ToolHive output (upstream has no groups). */
  groups?: JsonObject[];
  /**
   * Servers whose every version the source registry deleted, sorted by name, each as its latest
   * (deleted) version with the others in `versions`. Never catalogued: served only by `/v0.1` with
   * `include_deleted` or `updated_since`, as the official registry serves them (SPEC §14), so a
   * mirror of a mirror learns of the deletion. Absent when there are none; names differ from `servers`.
   */
  withdrawn?: CatalogServer[];
}

export interface InvalidEntry {
  /** The server's name, or its position in the document when it has no usable name (`servers[3]`). */
  entry: string;
  /** Path inside the entry, dotted with [index]: `packages[0].version`; empty for the entry itself. */
  field: string;
  reason: string;
}

/** The document cannot be read at all. `line`/`column` are 1-based when known. */
export class DocumentError extends Error {
  line?: number;
  column?: number;
  constructor(message: string, line?: number, column?: number) {
    super(line !== undefined ? `${message} (line ${line}, column ${column ?? 1})` : message);
    this.name = 'DocumentError';
    if (line !== undefined) this.line = line;
    if (column !== undefined) this.column = column;
  }
}

export const TOOLHIVE_NAMESPACE = 'io.github.stacklok';
export const PUBLISHER_PROVIDED = 'io.modelcontextprotocol.registry/publisher-provided';
export const OFFICIAL_META = 'io.modelcontextprotocol.registry/official';
export const UPSTREAM_SCHEMA_URL =
  'https://static.modelcontextprotocol.io/schemas/2025-12-11/server.schema.json';
export const TOOLHIVE_SCHEMA_URL =
  'https://raw.githubusercontent.com/stacklok/toolhive/main/pkg/registry/data/schema.json';
export const UPSTREAM_REGISTRY_SCHEMA_URL =
  'https://raw.githubusercontent.com/stacklok/toolhive-core/main/registry/types/data/upstream-registry.schema.json';
/** ToolHive's converter writes this version for every server (ToolHive entries have none). */
export const DEFAULT_UPSTREAM_VERSION = '1.0.0';

export function isObject(v: unknown): v is JsonObject {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

export function strings(v: unknown): string[] {
  return Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : [];
}

export function str(v: unknown): string | undefined {
  return typeof v === 'string' ? v : undefined;
}
