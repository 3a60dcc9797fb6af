/**
 * The storage form of versions (SPEC §14 "Mirror fidelity"), beside the stored catalog of write.ts:
 * one extension key, `upstream_versions`, `{name: [{server, _meta}]}` in name order. For a
 * catalogued server it holds the other versions; for a withdrawn server (a name no other key has)
 * every version, its latest first. Catalogs stored before it existed simply have none; readers that
 * predate it ignore it.
 */
import { byName, makeCatalogServer } from './catalog.ts';
import { isObject, type Catalog, type CatalogServer, type JsonObject, type ServerVersion } from './model.ts';

export const STORAGE_VERSIONS_KEY = 'upstream_versions';

/** What `upstream_versions` holds, by catalog name in name order. */
export function storedVersionEntries(catalog: Catalog): (readonly [string, ServerVersion[]])[] {
  const withdrawn = (catalog.withdrawn ?? []).map((s) => ({
    name: s.name,
    versions: [
      { upstream: s.upstream ?? {}, ...(s.registryMeta && { registryMeta: s.registryMeta }) },
      ...(s.versions ?? []),
    ],
  }));
  return [...catalog.servers.filter((s) => s.versions && s.versions.length > 0), ...withdrawn]
    .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))
    .map((s) => [s.name, s.versions ?? []] as const);
}

export function storedVersion(v: ServerVersion): JsonObject {
  return v.registryMeta ? { server: v.upstream, _meta: v.registryMeta } : { server: v.upstream };
}

export type StoredVersions = ((name: string) => ServerVersion[] | undefined) & { names(): string[] };

/** The stored versions of each server, by catalog name (none in storage written before them). */
export function storedVersions(raw: unknown): StoredVersions {
  const all = isObject(raw) ? raw : {};
  const of = (name: string) => {
    const list = Object.hasOwn(all, name) ? all[name] : undefined;
    if (!Array.isArray(list)) return undefined;
    const out: ServerVersion[] = [];
    for (const v of list)
      if (isObject(v) && isObject(v.server))
        out.push(isObject(v._meta) ? { upstream: v.server, registryMeta: v._meta } : { upstream: v.server });
    return out.length > 0 ? out : undefined;
  };
  return Object.assign(of, { names: () => Object.keys(all) });
}

/** The withdrawn servers of a stored catalog: names with versions and nothing else, sorted. */
export function withdrawnInStorage(
  versions: StoredVersions,
  catalogued: (name: string) => boolean,
): CatalogServer[] {
  const out: CatalogServer[] = [];
  for (const name of versions.names()) {
    if (catalogued(name)) continue;
    const [latest, ...others] = versions(name) ?? [];
    if (!latest) continue;
    out.push(
      makeCatalogServer({
        name,
        kind: 'upstream-only',
        upstream: latest.upstream,
        ...(latest.registryMeta && { registryMeta: latest.registryMeta }),
        ...(others.length > 0 && { versions: others }),
      }),
    );
  }
  return out.sort(byName);
}
