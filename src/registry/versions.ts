/**
 * Versions of one server (SPEC §14 "Mirror fidelity"): which one the catalog is built from, the
 * others kept as the source gave them, and the per-server bound on how many are kept.
 */
import { isObject, type Catalog, type CatalogServer, type JsonObject, type ServerVersion } from './model.ts';
import type { PreRead } from './pre-read.ts';
import { officialOf } from './status.ts';
import { makeCatalogServer } from './catalog.ts';
import { timeKey } from './time.ts';

export interface Kept {
  item: { meta?: unknown };
  server: JsonObject;
  latest: boolean;
  deleted: boolean;
  ahead?: PreRead;
}

/**
 * The version a server is catalogued with: the registry's latest still standing, else the later one
 * in the document; none when the registry deleted every version. The others are kept as they are.
 */
export function current(versions: Kept[]): Kept | undefined {
  let chosen: Kept | undefined;
  for (const v of versions) {
    if (v.deleted) continue;
    if (chosen && chosen.latest && !v.latest) continue;
    chosen = v;
  }
  return chosen;
}

/** The catalogued version with the others beside it (none: as it is). */
export function withOthers(chosen: Kept, versions: Kept[]): Kept & { versions?: ServerVersion[] } {
  const others = otherVersions(versions, chosen);
  return others.length > 0 ? { ...chosen, versions: others } : chosen;
}

/**
 * A server whose every version the registry deleted: its latest (the registry keeps one flagged
 * latest even then) as the server, the others as its versions; served only on request (SPEC §14).
 */
export function withdrawnServer(name: string, versions: Kept[]): CatalogServer {
  let latest = versions[versions.length - 1]!;
  for (const v of versions) if (v.latest) latest = v;
  const others = otherVersions(versions, latest);
  const meta = isObject(latest.item.meta) ? latest.item.meta : undefined;
  return makeCatalogServer({
    name,
    kind: 'upstream-only',
    upstream: latest.server,
    ...(meta && { registryMeta: meta }),
    ...(others.length > 0 && { versions: others }),
  });
}

/** Every version but the catalogued one, in document order; a version given twice counts once (the later). */
export function otherVersions(versions: Kept[], chosen: Kept): ServerVersion[] {
  const byVersion = new Map<unknown, Kept>();
  for (const v of versions) if (v !== chosen) byVersion.set(v.server.version, v);
  byVersion.delete(chosen.server.version);
  return [...byVersion.values()].map((v) =>
    isObject(v.item.meta) ? { upstream: v.server, registryMeta: v.item.meta } : { upstream: v.server },
  );
}

/** The servers of a catalog that had more versions than the bound, and how many versions were left out. */
export interface VersionsTrimmed {
  servers: number;
  versions: number;
}

function publishedKey(v: ServerVersion): bigint {
  return timeKey(officialOf(v.registryMeta).publishedAt) ?? -1n;
}

/**
 * At most `max` versions of each server: the catalogued one and the most recently published others
 * (the head of the official registry's `/versions` answer, which is newest first). A new catalog;
 * the given one (a cached parse result) is left as it is.
 */
export function boundVersions(
  catalog: Catalog,
  max: number,
): { catalog: Catalog; trimmed?: VersionsTrimmed } {
  const keep = Math.max(0, max - 1);
  const over = (s: CatalogServer) => (s.versions?.length ?? 0) > keep;
  if (!catalog.servers.some(over) && !catalog.withdrawn?.some(over)) return { catalog };
  const trimmed: VersionsTrimmed = { servers: 0, versions: 0 };
  const bound = (s: CatalogServer): CatalogServer => {
    if (!s.versions || s.versions.length <= keep) return s;
    trimmed.servers++;
    trimmed.versions += s.versions.length - keep;
    const newest = s.versions
      .map((v, i) => ({ v, i, key: publishedKey(v) }))
      .sort((a, b) => (a.key === b.key ? a.i - b.i : a.key > b.key ? -1 : 1))
      .slice(0, keep)
      .sort((a, b) => a.i - b.i)
      .map((x) => x.v);
    const { versions: _all, ...rest } = s;
    return newest.length > 0 ? { ...rest, versions: newest } : rest;
  };
  const out: Catalog = { ...catalog, servers: catalog.servers.map(bound) };
  if (catalog.withdrawn) out.withdrawn = catalog.withdrawn.map(bound);
  return { catalog: out, trimmed };
}
