/**
 * What admission needs of a catalog: one compact entry per server (how to run or reach it) and the
 * indexes that answer "which entry is X" and "which images/URLs does this registry list". Built once
 * per stored catalog change (in a worker thread by the webhook), never per request.
 */
import type { Catalog, CatalogServer } from '../../registry/model.ts';
import { parseImage, normaliseUrl } from './matching.ts';
import { isDeleted, packVersions } from './versions.ts';

export interface EntryInput {
  name: string;
  required: boolean;
  secret: boolean;
  default?: string;
}

export interface WorkloadEntry {
  /** Catalog key (`fetch`, `io.github.user/weather`). */
  name: string;
  /** Upstream name (`io.github.stacklok/fetch`). */
  fullName: string;
  version: string;
  kind: CatalogServer['kind'];
  image?: string;
  /** Every OCI identifier the entry lists (the ToolHive image and the upstream OCI packages). */
  images: string[];
  url?: string;
  urls: string[];
  transport?: string;
  targetPort?: number;
  args: string[];
  env: EntryInput[];
  headers: EntryInput[];
  permissions?: Record<string, unknown>;
}

export interface EntryIndex {
  entries: Map<string, WorkloadEntry>;
  /** Full (upstream) name → catalog key. */
  byFullName: Map<string, string>;
  /** Last path segment of a full name → catalog keys (several: ambiguous). */
  byTail: Map<string, string[]>;
  /** Normalised remote URLs listed by any entry. */
  urls: Set<string>;
  /** Repository → the `tag` / `@digest` forms listed for it. */
  images: Map<string, { tags: string[]; digests: string[] }>;
  /** Catalog key → its other versions, packed (versions.ts); only servers that have some. */
  versions: Map<string, string>;
}

const obj = (v: unknown): Record<string, unknown> | undefined =>
  typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined;
const list = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);

function inputs(v: unknown): EntryInput[] {
  const out: EntryInput[] = [];
  for (const raw of list(v)) {
    const e = obj(raw);
    if (!e || typeof e.name !== 'string') continue;
    out.push({
      name: e.name,
      required: e.required === true,
      secret: e.secret === true,
      ...(typeof e.default === 'string' && { default: e.default }),
    });
  }
  return out;
}

/** The OCI identifiers of the upstream server.json's packages (all of them, for enforcement). */
function upstreamImages(s: CatalogServer): string[] {
  return list(s.upstream?.packages)
    .map(obj)
    .filter((p) => p?.registryType === 'oci' && typeof p.identifier === 'string')
    .map((p) => {
      const id = p?.identifier as string;
      const v = typeof p?.version === 'string' ? p.version : undefined;
      // Older server.json files put the tag in `version`.
      return v && !id.includes('@') && !/:[^/]+$/.test(id) ? `${id}:${v}` : id;
    });
}

function upstreamUrls(s: CatalogServer): string[] {
  return list(s.upstream?.remotes)
    .map(obj)
    .map((r) => r?.url)
    .filter((u): u is string => typeof u === 'string');
}

export function workloadEntry(s: CatalogServer): WorkloadEntry {
  const th = s.toolhive ?? {};
  const image = typeof th.image === 'string' ? th.image : undefined;
  const url = typeof th.url === 'string' ? th.url : undefined;
  const port = th.target_port;
  const permissions = obj(th.permissions);
  return {
    name: s.name,
    fullName: s.upstreamName,
    version: s.version,
    kind: s.kind,
    ...(image !== undefined && { image }),
    images: [...new Set([...(image ? [image] : []), ...upstreamImages(s)])],
    ...(url !== undefined && { url }),
    urls: [...new Set([...(url ? [url] : []), ...upstreamUrls(s)])],
    ...(typeof th.transport === 'string' && { transport: th.transport }),
    ...(typeof port === 'number' && Number.isInteger(port) && { targetPort: port }),
    args: list(th.args).filter((a): a is string => typeof a === 'string'),
    env: inputs(th.env_vars),
    headers: inputs(th.headers),
    ...(permissions && { permissions }),
  };
}

/**
 * What a registry's other versions add to its index: their images and URLs (enforcement) always,
 * read straight from their server.json (no conversion); with `resolve` also the versions themselves,
 * packed, for a workload pinned to one (the webhook, the CLI). The compliance count enforces only.
 */
export interface IndexOptions {
  versions?: 'resolve' | 'enforce';
}

/** Images and URLs of the versions a registry still serves besides the catalogued one. */
function servedOlder(s: CatalogServer): { images: string[]; urls: string[] } {
  const images: string[] = [];
  const urls: string[] = [];
  for (const v of s.versions ?? []) {
    if (isDeleted(v)) continue;
    const pieces = { upstream: v.upstream } as CatalogServer;
    images.push(...upstreamImages(pieces));
    urls.push(...upstreamUrls(pieces));
  }
  return { images, urls };
}

export function indexEntries(catalog: Catalog, o: IndexOptions = {}): EntryIndex {
  const idx: EntryIndex = {
    entries: new Map(),
    byFullName: new Map(),
    byTail: new Map(),
    urls: new Set(),
    images: new Map(),
    versions: new Map(),
  };
  for (const s of catalog.servers) {
    const e = workloadEntry(s);
    if (s.versions && o.versions !== 'enforce') {
      const packed = packVersions(s, e, workloadEntry);
      if (packed !== undefined) idx.versions.set(e.name, packed);
    }
    // A version the registry still serves is in it: its image or URL passes enforcement too.
    const older = s.versions ? servedOlder(s) : { images: [], urls: [] };
    idx.entries.set(e.name, e);
    idx.byFullName.set(e.fullName, e.name);
    const tail = e.fullName.slice(e.fullName.lastIndexOf('/') + 1);
    idx.byTail.set(tail, [...(idx.byTail.get(tail) ?? []), e.name]);
    for (const u of [...e.urls, ...older.urls]) {
      const n = normaliseUrl(u);
      if (n) idx.urls.add(n);
    }
    for (const i of [...e.images, ...older.images]) {
      const r = parseImage(i);
      if (!r) continue;
      const slot = idx.images.get(r.repository) ?? { tags: [], digests: [] };
      if (r.tag && !slot.tags.includes(r.tag)) slot.tags.push(r.tag);
      if (r.digest && !slot.digests.includes(r.digest)) slot.digests.push(r.digest);
      idx.images.set(r.repository, slot);
    }
  }
  return idx;
}

export type Lookup = { found: WorkloadEntry } | { ambiguous: string[] } | { missing: true };

/** An entry by catalog key, full name, or the last segment of a full name when only one has it. */
export function lookupEntry(idx: EntryIndex, name: string): Lookup {
  const direct = idx.entries.get(name) ?? idx.entries.get(idx.byFullName.get(name) ?? '');
  if (direct) return { found: direct };
  const tails = idx.byTail.get(name) ?? [];
  if (tails.length === 1) {
    const e = idx.entries.get(tails[0] ?? '');
    if (e) return { found: e };
  }
  if (tails.length > 1) return { ambiguous: [...tails].sort() };
  return { missing: true };
}
