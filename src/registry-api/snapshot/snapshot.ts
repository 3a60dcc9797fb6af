/**
 * The immutable view of one catalog that the HTTP layer serves. A reload builds a whole new
 * Snapshot and swaps one reference, so a request never sees half of an old catalog and half of a
 * new one. Everything a request needs (both output shapes, lower-cased search text, the sorted
 * order cursors rely on) is computed here once per reload, not per request.
 */
import { createHash } from 'node:crypto';
import { rfc3339, timeKey } from '../../registry/index.ts';

/** Status, status message and dates from the source, served unchanged (absent: active, no dates). */
export interface OfficialInput {
  status: 'active' | 'deprecated' | 'deleted';
  statusMessage?: string;
  statusChangedAt?: string;
  publishedAt?: string;
  updatedAt?: string;
}

/** Another version of a server, as the source registry gave it (SPEC §14 "Mirror fidelity"). */
export interface VersionInput {
  server: Record<string, unknown>;
  /** `_meta` keys beside `server` other than the official block. */
  meta?: Record<string, unknown>;
  official: OfficialInput;
}

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
  official?: Omit<OfficialInput, 'updatedAt'>;
  /** The server's other versions, when the source offered several. */
  versions?: readonly VersionInput[];
}

/** One version of a server as served by /v0.1: its server.json and its official facts. */
export interface ApiVersion {
  readonly server: Readonly<Record<string, unknown>>;
  readonly meta: Readonly<Record<string, unknown>>;
  readonly version: string;
  readonly status: 'active' | 'deprecated' | 'deleted';
  readonly statusMessage?: string;
  /** The times as the source wrote them (microseconds and offsets kept), or derived as buildSnapshot says. */
  readonly statusChangedAt: string;
  readonly publishedAt: string;
  readonly updatedAt: string;
  /** updatedAt as nanoseconds since 1970, compared exactly by `updated_since` (registry/time.ts). */
  readonly updatedKey: bigint;
  readonly publishedKey: bigint;
  readonly isLatest: boolean;
}

/** A catalogued server: its latest version, what the ToolHive views need, and every version it has. */
export interface ApiEntry extends ApiVersion {
  readonly name: string;
  readonly description: string;
  readonly tags: readonly string[];
  readonly toolhive: Readonly<Record<string, unknown>>;
  readonly nameLower: string;
  readonly descriptionLower: string;
  /**
   * Every version, this one included, newest published first (the official `/versions` order);
   * deleted ones too (served only on request).
   */
  readonly versions: readonly ApiVersion[];
  /** The same, in the order /v0.1/servers lists them: by version, as the official server sorts text. */
  readonly byVersion: readonly ApiVersion[];
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
  /**
   * Servers whose every version the source deleted (Catalog.withdrawn), by catalog and server.json
   * name: served by /v0.1 only with include_deleted or updated_since. Absent in a view restricted
   * by policies (authorized-view.ts), which then shows none of them.
   */
  readonly withdrawn?: ReadonlyMap<unknown, ApiEntry>;
  /** The entries and the withdrawn servers in name order: what /v0.1/servers pages over (absent: entries). */
  readonly listed?: readonly ApiEntry[];
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

/** A time as received when it is RFC 3339 (kept exactly: SPEC §14), or undefined. */
export function toRfc3339(value: unknown): string | undefined {
  return rfc3339(value);
}

export function compareNames(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function apiVersion(
  server: Record<string, unknown>,
  meta: Record<string, unknown> | undefined,
  official: OfficialInput | undefined,
  fallback: string,
  isLatest: boolean,
): ApiVersion {
  const updatedAt = toRfc3339(official?.updatedAt) ?? fallback;
  const publishedAt = toRfc3339(official?.publishedAt) ?? updatedAt;
  const statusMessage = official?.statusMessage;
  return Object.freeze({
    server: Object.freeze(server),
    meta: Object.freeze({ ...(meta ?? {}) }),
    version: typeof server.version === 'string' ? server.version : '',
    status: official?.status ?? 'active',
    ...(statusMessage !== undefined && { statusMessage }),
    statusChangedAt: toRfc3339(official?.statusChangedAt) ?? publishedAt,
    publishedAt,
    updatedAt,
    updatedKey: timeKey(updatedAt) ?? 0n,
    publishedKey: timeKey(publishedAt) ?? 0n,
    isLatest,
  });
}

/** Newest published first; equal times in the order given (the official server's `/versions` order). */
function newestFirst(versions: ApiVersion[]): ApiVersion[] {
  return versions
    .map((v, i) => ({ v, i }))
    .sort((a, b) =>
      a.v.publishedKey === b.v.publishedKey ? a.i - b.i : a.v.publishedKey > b.v.publishedKey ? -1 : 1,
    )
    .map((x) => x.v);
}

/**
 * Builds a snapshot. Timestamps are served as the source wrote them. A server's own `updatedAt` when
 * it has one, else the catalog's `lastUpdated`, else the load time. `publishedAt` and
 * `statusChangedAt` are the source registry's when it gave them; a ToolHive catalog carries no
 * publication history, so they are `updatedAt`.
 */
export function buildSnapshot(
  input: SnapshotInput,
  items: readonly EntryInput[],
  now = new Date(),
  withdrawnItems: readonly EntryInput[] = [],
): Snapshot {
  const loadedAt = now.toISOString();
  const fallback = toRfc3339(input.lastUpdated) ?? loadedAt;
  const byName = entriesOf(items, fallback);
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
  const gone = [...entriesOf(withdrawnItems, fallback).values()].filter(
    (e) => !byName.has(e.name) && !byServerName.has(e.server.name),
  );
  return Object.freeze({
    info: Object.freeze(info),
    entries,
    byName,
    byServerName,
    ...(gone.length > 0 && {
      withdrawn: new Map<unknown, ApiEntry>(
        gone.flatMap((e) => [[e.server.name, e] as const, [e.name, e] as const]),
      ),
      listed: Object.freeze([...entries, ...gone].sort((a, b) => compareNames(a.name, b.name))),
    }),
    digest: input.digest,
    loadedAt,
  });
}

/** Each server with every version, by name (a later duplicate replaces an earlier one, like the merge rule). */
function entriesOf(items: readonly EntryInput[], fallback: string): Map<string, ApiEntry> {
  const byName = new Map<string, ApiEntry>();
  for (const it of items) {
    const latest = apiVersion(
      it.server,
      it.meta,
      { status: 'active', ...it.official, ...(it.updatedAt !== undefined && { updatedAt: it.updatedAt }) },
      fallback,
      true,
    );
    // A version without dates of its own (a file listing several) is dated as the latest, so it
    // neither sorts before it nor counts as updated since a time the latest was not.
    const others = (it.versions ?? []).map((v) =>
      apiVersion(v.server, v.meta, v.official, latest.updatedAt, false),
    );
    const all = [latest, ...others];
    const description = it.description ?? '';
    byName.set(
      it.name,
      Object.freeze({
        ...latest,
        name: it.name,
        description,
        tags: Object.freeze([...it.tags]),
        toolhive: Object.freeze(it.toolhive),
        nameLower: it.name.toLowerCase(),
        descriptionLower: description.toLowerCase(),
        versions: Object.freeze(newestFirst(all)),
        byVersion: Object.freeze([...all].sort((a, b) => compareNames(a.version, b.version))),
      }),
    );
  }
  return byName;
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
