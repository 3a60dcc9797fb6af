/**
 * The immutable view of one catalog that the HTTP layer serves. A reload builds a whole new
 * Snapshot and swaps one reference, so a request never sees half of an old catalog and half of a
 * new one. Everything a request needs (both output shapes, lower-cased search text, the sorted
 * order cursors rely on) is computed here once per reload, not per request.
 */
import { createHash } from 'node:crypto';

/** One server as the snapshot builder receives it: already converted to both wire shapes. */
export interface EntryInput {
  name: string;
  description?: string;
  tags: readonly string[];
  /** The ToolHive-format entry (what `format=toolhive` returns). */
  toolhive: Record<string, unknown>;
  /** The upstream `server.json` document. */
  server: Record<string, unknown>;
  /** `_meta` keys the converter put beside `server` (never the official block, which we own). */
  meta?: Record<string, unknown>;
  /** RFC 3339 time the server itself says it was last updated, when it says so. */
  updatedAt?: string;
  /** Status, status message and dates from the source, served unchanged (absent: active, no dates). */
  official?: {
    status: 'active' | 'deprecated' | 'deleted';
    statusMessage?: string;
    statusChangedAt?: string;
    publishedAt?: string;
  };
}

export interface ApiEntry {
  readonly name: string;
  readonly description: string;
  readonly tags: readonly string[];
  readonly toolhive: Readonly<Record<string, unknown>>;
  readonly server: Readonly<Record<string, unknown>>;
  readonly meta: Readonly<Record<string, unknown>>;
  readonly version: string;
  readonly status: 'active' | 'deprecated' | 'deleted';
  readonly statusMessage?: string;
  readonly statusChangedAt: string;
  readonly publishedAt: string;
  readonly updatedAt: string;
  readonly updatedAtMs: number;
  readonly nameLower: string;
  readonly descriptionLower: string;
}

export interface RegistryInfo {
  name: string;
  displayName?: string;
  format: 'toolhive' | 'upstream';
  version?: string;
  lastUpdated?: string;
  serverCount: number;
  source: string;
}

export interface Snapshot {
  readonly info: Readonly<RegistryInfo>;
  /** Sorted by name in UTF-16 code-unit order (the order cursors are defined over). */
  readonly entries: readonly ApiEntry[];
  readonly byName: ReadonlyMap<string, ApiEntry>;
  /**
   * By upstream server.json name (what /v0.1 clients use). Built with the snapshot: built on first use
   * it cost the first single-server request after every reload about 3 ms for 6,000 servers.
   */
  readonly byServerName: ReadonlyMap<unknown, ApiEntry>;
  /** SHA-256 of the data the snapshot was built from; equal digests mean nothing to reload. */
  readonly digest: string;
  readonly loadedAt: string;
}

export interface SnapshotInput {
  registryName: string;
  displayName?: string;
  format: 'toolhive' | 'upstream';
  version?: string;
  lastUpdated?: string;
  source: string;
  digest: string;
}

const RFC3339 = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/i;

/** Normalises a time to RFC 3339 in UTC, or undefined when it is not a usable timestamp. */
export function toRfc3339(value: unknown): string | undefined {
  if (typeof value !== 'string' || !RFC3339.test(value)) return undefined;
  const ms = Date.parse(value);
  return Number.isNaN(ms) ? undefined : new Date(ms).toISOString();
}

export function compareNames(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * Builds a snapshot. Timestamps: a server's own `updatedAt` when it has one, else the catalog's
 * `lastUpdated`, else the load time. `publishedAt` and `statusChangedAt` are the source registry's
 * when it gave them; a ToolHive catalog carries no publication history, so they are `updatedAt`.
 */
export function buildSnapshot(
  input: SnapshotInput,
  items: readonly EntryInput[],
  now = new Date(),
): Snapshot {
  const loadedAt = now.toISOString();
  const fallback = toRfc3339(input.lastUpdated) ?? loadedAt;
  const byName = new Map<string, ApiEntry>();
  for (const it of items) {
    const updatedAt = toRfc3339(it.updatedAt) ?? fallback;
    const publishedAt = toRfc3339(it.official?.publishedAt) ?? updatedAt;
    const statusMessage = it.official?.statusMessage;
    const version = typeof it.server.version === 'string' ? it.server.version : '';
    const description = it.description ?? '';
    // A later duplicate replaces an earlier one, like the merge rule for sources.
    byName.set(
      it.name,
      Object.freeze({
        name: it.name,
        description,
        tags: Object.freeze([...it.tags]),
        toolhive: Object.freeze(it.toolhive),
        server: Object.freeze(it.server),
        meta: Object.freeze({ ...(it.meta ?? {}) }),
        version,
        status: it.official?.status ?? 'active',
        ...(statusMessage !== undefined && { statusMessage }),
        statusChangedAt: toRfc3339(it.official?.statusChangedAt) ?? publishedAt,
        publishedAt,
        updatedAt,
        updatedAtMs: Date.parse(updatedAt),
        nameLower: it.name.toLowerCase(),
        descriptionLower: description.toLowerCase(),
      }),
    );
  }
  const entries = Object.freeze([...byName.values()].sort((a, b) => compareNames(a.name, b.name)));
  const info: RegistryInfo = {
    name: input.registryName,
    format: input.format,
    serverCount: entries.length,
    source: input.source,
  };
  if (input.displayName) info.displayName = input.displayName;
  if (input.version) info.version = input.version;
  const lastUpdated = toRfc3339(input.lastUpdated);
  if (lastUpdated) info.lastUpdated = lastUpdated;
  const byServerName = new Map<unknown, ApiEntry>(entries.map((e) => [e.server.name, e]));
  return Object.freeze({
    info: Object.freeze(info),
    entries,
    byName,
    byServerName,
    digest: input.digest,
    loadedAt,
  });
}

export function sha256(data: string | Uint8Array): string {
  return createHash('sha256').update(data).digest('hex');
}

/** Holds the current snapshot. Readers take `current` once per request and use only that. */
export class SnapshotStore {
  private snap: Snapshot | undefined;
  private error: string | undefined;
  private readonly listeners = new Set<(s: Snapshot) => void>();

  get current(): Snapshot | undefined {
    return this.snap;
  }

  /** Why the last load failed, while no later load succeeded. */
  get lastError(): string | undefined {
    return this.error;
  }

  set(s: Snapshot): void {
    this.snap = s;
    this.error = undefined;
    for (const l of this.listeners) l(s);
  }

  fail(message: string): void {
    this.error = message;
  }

  onChange(l: (s: Snapshot) => void): () => void {
    this.listeners.add(l);
    return () => this.listeners.delete(l);
  }
}
