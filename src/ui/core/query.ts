/**
 * The list view's query: parsed from and written to the page URL (deep links like `/?q=git&tag=database`),
 * and run over the summary. Search means what the API's `search` means on /api/v1/registry/servers: a
 * case-insensitive substring of the name or the description. `tag` also means what it means there: every
 * selected tag must be present. Tier, transport and status are "any of" within a facet; their counts
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
  descriptionLower: string;
  updatedMs: number;
}

export function indexServers(servers: readonly ServerSummary[]): Indexed[] {
  return servers.map((s) => ({
    s,
    nameLower: s.name.toLowerCase(),
    descriptionLower: s.description.toLowerCase(),
    updatedMs: s.updatedAt ? Date.parse(s.updatedAt) || 0 : 0,
  }));
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
  const needle = q.q.trim().toLowerCase();
  const facets: Result['facets'] = {
    tier: new Map(),
    transport: new Map(),
    status: new Map(),
    tags: new Map(),
  };
  const hits: Indexed[] = [];
  const allow = (sel: string[], v: string | undefined) =>
    sel.length === 0 || (v !== undefined && sel.includes(v));
  for (const x of index) {
    if (needle && !x.nameLower.includes(needle) && !x.descriptionLower.includes(needle)) continue;
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
      hits.push(x);
      for (const t of s.tags) bump(facets.tags, t);
    }
  }
  if (q.sort === 'stars') hits.sort((a, b) => (b.s.stars ?? -1) - (a.s.stars ?? -1) || byName(a, b));
  else if (q.sort === 'updated') hits.sort((a, b) => b.updatedMs - a.updatedMs || byName(a, b));
  // 'name': the summary is already in the API's name order.
  return { matches: hits.map((x) => x.s), facets };
}

function byName(a: Indexed, b: Indexed): number {
  return a.s.name < b.s.name ? -1 : a.s.name > b.s.name ? 1 : 0;
}

/** Facet values by count (then name); selected values always appear, even at zero. */
export function facetValues(counts: Counts, selected: readonly string[]): [string, number][] {
  const out = new Map(counts);
  for (const v of selected) if (!out.has(v)) out.set(v, 0);
  return [...out].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
}

export function pageCount(total: number): number {
  return Math.max(1, Math.ceil(total / PAGE_SIZE));
}

export function pageOf<T>(items: readonly T[], page: number): T[] {
  const p = Math.min(Math.max(1, page), pageCount(items.length));
  return items.slice((p - 1) * PAGE_SIZE, p * PAGE_SIZE);
}
