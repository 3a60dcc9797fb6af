/**
 * The list view's query: parsed from and written to the page URL (deep links like `/?q=git&tag=database`),
 * and run over the summary. Search is wider than the API's `search` (a substring of name or description),
 * because people type what the page shows: every word must be a case-insensitive substring of the name,
 * the full upstream name, the title, the description or a tag; servers whose name holds every word come
 * first. `tag` means what it means on the API: every selected tag must be present. Tier, transport and status are "any of" within a facet; their counts
 * ignore the facet's own selection (so a user can see what widening would give), tag counts are within
 * the current result (so each says how many remain if it is added).
 */
import type { ServerSummary } from './summary.ts';

export const SORTS = ['name', 'stars', 'updated'] as const;
export type Sort = (typeof SORTS)[number];
export const FACETS = ['tier', 'transport', 'status'] as const;
export type Facet = (typeof FACETS)[number];

export interface Query {
  q: string;
  tags: string[];
  tier: string[];
  transport: string[];
  status: string[];
  sort: Sort;
  /** 1-based. */
  page: number;
}

export const PAGE_SIZE = 50;

export function emptyQuery(): Query {
  return { q: '', tags: [], tier: [], transport: [], status: [], sort: 'name', page: 1 };
}

export function parseQuery(params: URLSearchParams): Query {
  const sort = params.get('sort');
  const page = Number(params.get('page'));
  return {
    q: params.get('q') ?? '',
    tags: unique(params.getAll('tag')),
    tier: unique(params.getAll('tier')),
    transport: unique(params.getAll('transport')),
    status: unique(params.getAll('status')),
    sort: (SORTS as readonly string[]).includes(sort ?? '') ? (sort as Sort) : 'name',
    page: Number.isInteger(page) && page > 1 ? page : 1,
  };
}

/** `?q=…&tag=…` (empty string for the default query), parameters in a stable order. */
export function queryString(q: Query): string {
  const p = new URLSearchParams();
  if (q.q) p.set('q', q.q);
  for (const t of q.tags) p.append('tag', t);
  for (const f of FACETS) for (const v of q[f]) p.append(f, v);
  if (q.sort !== 'name') p.set('sort', q.sort);
  if (q.page > 1) p.set('page', String(q.page));
  const s = p.toString();
  return s ? `?${s}` : '';
}

function unique(xs: string[]): string[] {
  return [...new Set(xs.filter((x) => x !== ''))];
}

/** A summary with its search text lower-cased once (10,000 servers are filtered per keystroke). */
export interface Indexed {
  s: ServerSummary;
  nameLower: string;
  /**
   * The full upstream name: searched only by words with a `.` or `/` (`io.github.stacklok/github`,
   * `stacklok/`), since every ToolHive entry's full name holds `io.github.stacklok` and `git` must
   * not find them all.
   */
  fullLower: string;
  /** Everything else searched, joined by a newline (no word contains one, so none spans two fields). */
  textLower: string;
  updatedMs: number;
}

export function indexServers(servers: readonly ServerSummary[]): Indexed[] {
  return servers.map((s) => {
    const nameLower = s.name.toLowerCase();
    return {
      s,
      nameLower,
      fullLower: (s.fullName ?? '').toLowerCase(),
      textLower: [nameLower, s.title ?? '', s.description, ...s.tags].join('\n').toLowerCase(),
      updatedMs: s.updatedAt ? Date.parse(s.updatedAt) || 0 : 0,
    };
  });
}

const inFull = (x: Indexed, w: string) => (w.includes('.') || w.includes('/')) && x.fullLower.includes(w);
const inText = (x: Indexed, w: string) => x.textLower.includes(w) || inFull(x, w);
const inName = (x: Indexed, w: string) => x.nameLower.includes(w) || inFull(x, w);

/** The search box's words, lower-cased; an empty box has none. */
export function searchWords(q: string): string[] {
  return q
    .toLowerCase()
    .split(/\s+/)
    .filter((w) => w !== '');
}

/**
 * Facet values in the order of their counts over the whole catalog (then by name): the order a user
 * sees never changes when a value is checked, only the counts do.
 */
export function facetOrder(index: readonly Indexed[]): Record<Facet | 'tags', Map<string, number>> {
  const counts: Record<Facet | 'tags', Counts> = {
    tier: new Map(),
    transport: new Map(),
    status: new Map(),
    tags: new Map(),
  };
  for (const { s } of index) {
    for (const f of FACETS) bump(counts[f], s[f]);
    for (const t of s.tags) bump(counts.tags, t);
  }
  const rank = (c: Counts) =>
    new Map(
      [...c]
        .sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0))
        .map(([v], i) => [v, i] as const),
    );
  return {
    tier: rank(counts.tier),
    transport: rank(counts.transport),
    status: rank(counts.status),
    tags: rank(counts.tags),
  };
}

export type Counts = Map<string, number>;

export interface Result {
  /** Every match, sorted; the view shows one page of it. */
  matches: ServerSummary[];
  facets: Record<Facet | 'tags', Counts>;
}

const bump = (m: Counts, k: string | undefined) => {
  if (k !== undefined) m.set(k, (m.get(k) ?? 0) + 1);
};

export function runQuery(index: readonly Indexed[], q: Query): Result {
  const words = searchWords(q.q);
  const facets: Result['facets'] = {
    tier: new Map(),
    transport: new Map(),
    status: new Map(),
    tags: new Map(),
  };
  const hits: Indexed[] = [];
  const byNameHits: Indexed[] = [];
  const allow = (sel: string[], v: string | undefined) =>
    sel.length === 0 || (v !== undefined && sel.includes(v));
  for (const x of index) {
    if (!words.every((w) => inText(x, w))) continue;
    const s = x.s;
    const ok = {
      tags: q.tags.every((t) => s.tags.includes(t)),
      tier: allow(q.tier, s.tier),
      transport: allow(q.transport, s.transport),
      status: allow(q.status, s.status),
    };
    if (ok.tags && ok.transport && ok.status) bump(facets.tier, s.tier);
    if (ok.tags && ok.tier && ok.status) bump(facets.transport, s.transport);
    if (ok.tags && ok.tier && ok.transport) bump(facets.status, s.status);
    if (ok.tags && ok.tier && ok.transport && ok.status) {
      (words.length && words.every((w) => inName(x, w)) ? byNameHits : hits).push(x);
      for (const t of s.tags) bump(facets.tags, t);
    }
  }
  const sorted = [...byNameHits, ...hits];
  // 'name': the summary is already in the API's name order; servers matched by name come first.
  // An explicit sort by stars or date is what the user asked for, so it wins over that ranking.
  if (q.sort === 'stars') sorted.sort((a, b) => (b.s.stars ?? -1) - (a.s.stars ?? -1) || byName(a, b));
  else if (q.sort === 'updated') sorted.sort((a, b) => b.updatedMs - a.updatedMs || byName(a, b));
  return { matches: sorted.map((x) => x.s), facets };
}

function byName(a: Indexed, b: Indexed): number {
  return a.s.name < b.s.name ? -1 : a.s.name > b.s.name ? 1 : 0;
}

/**
 * Facet values with their counts in the stable `order` (facetOrder; values it does not know last, by
 * name); selected values always appear, even at zero.
 */
export function facetValues(
  counts: Counts,
  selected: readonly string[],
  order: ReadonlyMap<string, number> = new Map(),
): [string, number][] {
  const out = new Map(counts);
  for (const v of selected) if (!out.has(v)) out.set(v, 0);
  const at = (v: string) => order.get(v) ?? Number.MAX_SAFE_INTEGER;
  return [...out].sort((a, b) => at(a[0]) - at(b[0]) || (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
}

export function pageCount(total: number): number {
  return Math.max(1, Math.ceil(total / PAGE_SIZE));
}

export function pageOf<T>(items: readonly T[], page: number): T[] {
  const p = Math.min(Math.max(1, page), pageCount(items.length));
  return items.slice((p - 1) * PAGE_SIZE, p * PAGE_SIZE);
}
