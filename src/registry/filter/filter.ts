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
import type { FilterSpec } from '../../api/types.ts';
import { GlobError, parseGlob } from './glob.ts';
import type { Catalog, CatalogServer } from '../model.ts';

/**
 * The most filter work one sync may do (SPEC §18 "work per sync is bounded"), in units of one glob
 * character test (~10 ns). Each glob is linear in its name and pattern, but servers × patterns is
 * bounded by neither: 200,000 servers against 200 globs was 30-50 s of CPU. Every test of a name
 * against a pattern costs TEST_COST units (its fixed cost, ~1 µs) plus its character tests, so the
 * limit, ~4 s of one core, admits about 4,000,000 server × pattern tests with simple patterns (the
 * official registry's 20,000 servers against 100 patterns is half of it) and fewer with costly ones.
 * Counted, not estimated: the same inputs always give the same answer (docs/controller.md).
 */
export const MAX_FILTER_WORK = 400_000_000;
/** What one name-against-pattern test costs beyond its character tests (measured: ~100 of them). */
export const TEST_COST = 100;

/** Filtering stopped at the work limit; the message says how much was asked. */
export class FilterBudgetError extends Error {
  override name = 'FilterBudgetError';
}

/** The filter work a sync has left; one budget is shared by every filter of one sync. */
export class FilterBudget {
  private left: number;
  readonly limit: number;
  constructor(limit = MAX_FILTER_WORK) {
    this.left = limit;
    this.limit = limit;
  }
  /**
   * Pays for one glob test of `steps` character tests; throws FilterBudgetError naming the work
   * asked of this filter when the sync's budget is spent.
   */
  spend(steps: number, servers: number, patterns: number): void {
    this.left -= steps + TEST_COST;
    if (this.left < 0)
      throw new FilterBudgetError(
        `filtering ${servers} servers against ${patterns} name patterns is more work than one sync may do (${this.limit} units, docs/controller.md "Work per sync"); use fewer name patterns (tag filters cost nothing) or a smaller source`,
      );
  }
}

function globTest(pattern: string, name: string, spend?: (steps: number) => void): boolean {
  const parsed = parseGlob(pattern);
  if (!parsed.ok) throw new GlobError(`invalid glob ${JSON.stringify(pattern)}: ${parsed.error}`);
  if (!spend) return parsed.glob.test(name);
  const r = parsed.glob.count(name);
  spend(r.steps);
  return r.matched;
}

export function keeps(
  server: CatalogServer,
  filter: FilterSpec | undefined,
  spend?: (steps: number) => void,
): boolean {
  if (!filter) return true;
  const matches = (patterns: string[] | undefined) =>
    (patterns ?? []).some(
      (p) =>
        globTest(p, server.name, spend) ||
        (server.upstreamName !== server.name && globTest(p, server.upstreamName, spend)),
    );
  const { include: nameIn, exclude: nameOut } = filter.names ?? {};
  const { include: tagIn, exclude: tagOut } = filter.tags ?? {};
  if (matches(nameOut)) return false;
  if ((tagOut ?? []).some((t) => server.tags.includes(t))) return false;
  if (nameIn && nameIn.length > 0 && !matches(nameIn)) return false;
  if (tagIn && tagIn.length > 0 && !tagIn.some((t) => server.tags.includes(t))) return false;
  return true;
}

/** The catalog's servers this filter keeps; with a budget, every glob test is paid from it. */
export function filterCatalog(
  catalog: Catalog,
  filter: FilterSpec | undefined,
  budget?: FilterBudget,
): Catalog {
  if (!filter) return catalog;
  const servers = catalog.servers.length;
  const patterns = (filter.names?.include?.length ?? 0) + (filter.names?.exclude?.length ?? 0);
  const spend =
    budget && patterns > 0 ? (steps: number) => budget.spend(steps, servers, patterns) : undefined;
  const kept: Catalog = { ...catalog, servers: catalog.servers.filter((s) => keeps(s, filter, spend)) };
  // A server the filter leaves out is not served deleted either.
  const withdrawn = catalog.withdrawn?.filter((s) => keeps(s, filter, spend));
  if (withdrawn?.length) kept.withdrawn = withdrawn;
  else delete kept.withdrawn;
  return kept;
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
