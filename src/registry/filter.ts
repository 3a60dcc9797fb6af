/**
 * Filtering (SPEC §3.2): name globs where `*` crosses `/`; tags exact and case-sensitive; exclude wins;
 * a non-empty include list is exclusive; name and tag filters are ANDed; a server without tags fails a
 * non-empty tag include.
 * A name pattern matches a server when it matches either of its names: the catalog name (`fetch` for a
 * ToolHive server, `io.github.user/weather` for another upstream one) or the full upstream name
 * (`io.github.stacklok/fetch`). Users copy names from upstream registries, where `io.github.stacklok/*`
 * is the natural way to say "ToolHive's servers"; matching only catalog names matched none of them.
 */
import { createHash } from 'node:crypto';
import type { FilterSpec } from '../api/types.ts';
import { globMatch } from './glob.ts';
import type { Catalog, CatalogServer } from './model.ts';

export function keeps(server: CatalogServer, filter: FilterSpec | undefined): boolean {
  if (!filter) return true;
  const matches = (patterns: string[] | undefined) =>
    (patterns ?? []).some(
      (p) =>
        globMatch(p, server.name) ||
        (server.upstreamName !== server.name && globMatch(p, server.upstreamName)),
    );
  const { include: nameIn, exclude: nameOut } = filter.names ?? {};
  const { include: tagIn, exclude: tagOut } = filter.tags ?? {};
  if (matches(nameOut)) return false;
  if ((tagOut ?? []).some((t) => server.tags.includes(t))) return false;
  if (nameIn && nameIn.length > 0 && !matches(nameIn)) return false;
  if (tagIn && tagIn.length > 0 && !tagIn.some((t) => server.tags.includes(t))) return false;
  return true;
}

export function filterCatalog(catalog: Catalog, filter: FilterSpec | undefined): Catalog {
  if (!filter) return catalog;
  return { ...catalog, servers: catalog.servers.filter((s) => keeps(s, filter)) };
}

/** SHA-256 (hex) of the filters in order, canonical JSON (sorted keys); absent filters count as null. */
export function filterHash(...filters: (FilterSpec | undefined)[]): string {
  return createHash('sha256')
    .update(canonical(filters.map((f) => f ?? null)))
    .digest('hex');
}

function canonical(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(canonical).join(',')}]`;
  if (v && typeof v === 'object') {
    const entries = Object.entries(v as Record<string, unknown>)
      .filter(([, x]) => x !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, x]) => `${JSON.stringify(k)}:${canonical(x)}`).join(',')}}`;
  }
  return JSON.stringify(v ?? null);
}
