/** Merging the catalogs of several sources: on a duplicate name the later source wins, and it is counted. */
import { byName as nameOrder, catalogOf } from './catalog.ts';
import type { Catalog, CatalogServer, JsonObject } from './model.ts';

export function mergeCatalogs(parts: Catalog[]): { catalog: Catalog; conflicts: number } {
  const byName = new Map<string, CatalogServer>();
  let conflicts = 0;
  for (const part of parts) {
    for (const s of part.servers) {
      if (byName.has(s.name)) conflicts++;
      byName.set(s.name, s);
    }
  }
  const meta: NonNullable<Catalog['meta']> = {};
  for (const part of parts) {
    if (part.meta?.version !== undefined) meta.version = part.meta.version;
    const t = part.meta?.lastUpdated;
    if (t !== undefined && (meta.lastUpdated === undefined || t > meta.lastUpdated)) meta.lastUpdated = t;
  }
  const groups = new Map<string, JsonObject>();
  let anyGroups = false;
  for (const part of parts) {
    if (!part.groups) continue;
    anyGroups = true;
    for (const g of part.groups) groups.set(typeof g.name === 'string' ? g.name : JSON.stringify(g), g);
  }
  const catalog = catalogOf([...byName.values()], meta, anyGroups ? [...groups.values()] : undefined);
  // A server some source still offers is served; one every source withdrew, as the last one says.
  const withdrawn = new Map<string, CatalogServer>();
  for (const part of parts)
    for (const s of part.withdrawn ?? []) if (!byName.has(s.name)) withdrawn.set(s.name, s);
  if (withdrawn.size > 0) catalog.withdrawn = [...withdrawn.values()].sort(nameOrder);
  return { catalog, conflicts };
}
