/**
 * The list view: search, sort, facets with counts, one page of results and pagination. The whole
 * summary is in memory (one gzipped request); a query runs over it in a few milliseconds even at
 * 10,000 servers, and only one page (50) is in the DOM, so typing stays smooth.
 */
import { h, type ComponentChildren } from 'preact';
import { useEffect, useMemo, useState } from 'preact/hooks';
import {
  FACETS,
  PAGE_SIZE,
  SORTS,
  facetOrder,
  pageCount,
  pageOf,
  queryString,
  runQuery,
  type Facet,
  type Indexed,
  type Query,
  type Sort,
} from '../core/query.ts';
import type { ServerSummary } from '../core/summary.ts';
import { FACET_LABEL, Filters, FiltersToggle } from './filters.ts';
import { linkClick, navigate, serverHref } from './router.ts';
import { withBase } from './base.ts';

/** `/` focuses the search box (as on GitHub and most catalogs), unless the user is typing somewhere. */
function useSlashToSearch(): void {
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (e.key !== '/' || e.ctrlKey || e.metaKey || e.altKey) return;
      const t = e.target as HTMLElement | null;
      if (t && (t.isContentEditable || ['INPUT', 'TEXTAREA', 'SELECT'].includes(t.tagName))) return;
      e.preventDefault();
      document.getElementById('search')?.focus();
    };
    document.addEventListener('keydown', onKey);
    return () => document.removeEventListener('keydown', onKey);
  }, []);
}

const SEARCH_LABEL = 'Search servers by name, description or tag';
const SORT_LABEL: Record<Sort, string> = { name: 'Name', stars: 'Most stars', updated: 'Recently updated' };

/** Tier badges differ by tier: an Official server is not dressed like a Community one. */
export function Badges(props: {
  tier?: string | undefined;
  transport?: string | undefined;
  status?: string | undefined;
}) {
  const b: ComponentChildren[] = [];
  if (props.status && props.status !== 'Active')
    b.push(h('span', { class: `badge badge-${props.status.toLowerCase()}` }, props.status));
  if (props.tier)
    b.push(
      h(
        'span',
        { class: `badge badge-tier badge-tier-${props.tier.toLowerCase().replace(/[^a-z0-9-]/g, '')}` },
        props.tier,
      ),
    );
  if (props.transport) b.push(h('span', { class: 'badge badge-transport' }, props.transport));
  return h('span', { class: 'badges' }, b);
}

function ServerItem({ s, sort }: { s: ServerSummary; sort: Sort }) {
  const href = serverHref(s.name);
  return h('li', { class: 'server' }, [
    h('div', { class: 'server-head' }, [
      h('h2', null, h('a', { href: withBase(href), onClick: linkClick(href) }, s.name)),
      h(Badges, { tier: s.tier, transport: s.transport, status: s.status }),
    ]),
    s.fullName ? h('p', { class: 'server-fullname' }, h('code', null, s.fullName)) : null,
    s.title ? h('p', { class: 'server-title' }, s.title) : null,
    h('p', { class: 'server-desc' }, s.description),
    // The value a list is sorted by is on each card, or the order cannot be checked.
    sort === 'stars'
      ? h(
          'p',
          { class: 'server-sortkey' },
          s.stars !== undefined ? `★ ${s.stars.toLocaleString('en')} stars` : 'No star count',
        )
      : null,
    sort === 'updated'
      ? h(
          'p',
          { class: 'server-sortkey' },
          s.updatedAt
            ? ['Updated ', h('time', { dateTime: s.updatedAt }, s.updatedAt.slice(0, 10))]
            : 'No update date',
        )
      : null,
    s.tags.length
      ? h('p', { class: 'tags' }, [
          h('span', { class: 'visually-hidden' }, 'Tags: '),
          ...s.tags.map((t) => h('span', { class: 'tag' }, t)),
        ])
      : null,
  ]);
}

function Pager(props: { page: number; pages: number; go: (p: number) => void }) {
  if (props.pages <= 1) return null;
  return h('nav', { class: 'pager', 'aria-label': 'Pagination' }, [
    h(
      'button',
      { type: 'button', class: 'button', disabled: props.page <= 1, onClick: () => props.go(props.page - 1) },
      'Previous page',
    ),
    h('span', { 'aria-current': 'page' }, `Page ${props.page} of ${props.pages}`),
    h(
      'button',
      {
        type: 'button',
        class: 'button',
        disabled: props.page >= props.pages,
        onClick: () => props.go(props.page + 1),
      },
      'Next page',
    ),
  ]);
}

export function ListView(props: { index: Indexed[]; total: number; query: Query }) {
  const q = props.query;
  const key = queryString({ ...q, page: 1 });
  // Recomputed when the query (not its page) changes: paging never re-runs the filter.
  const result = useMemo(() => runQuery(props.index, q), [props.index, key]);
  const order = useMemo(() => facetOrder(props.index), [props.index]);
  const [filtersOpen, setFiltersOpen] = useState(false);
  useSlashToSearch();
  const pages = pageCount(result.matches.length);
  const page = Math.min(q.page, pages);
  const items = pageOf(result.matches, page);
  const set = (next: Partial<Query>, replace = false) =>
    navigate(`/${queryString({ ...q, page: 1, ...next })}`, { replace });
  const toggle = (facet: Facet | 'tags') => (v: string, on: boolean) => {
    const cur = facet === 'tags' ? q.tags : q[facet];
    set({ [facet]: on ? [...cur, v] : cur.filter((x) => x !== v) });
  };
  const first = (page - 1) * PAGE_SIZE + 1;
  const filtered = result.matches.length !== props.total;
  const active = [
    ...q.tags.map((v) => ['tags', v] as const),
    ...FACETS.flatMap((f) => q[f].map((v) => [f, v] as const)),
  ];
  return h('div', { class: 'layout' }, [
    h(FiltersToggle, {
      open: filtersOpen,
      active: active.length,
      onToggle: () => setFiltersOpen(!filtersOpen),
    }),
    h(Filters, { open: filtersOpen, facets: result.facets, order, query: q, toggle }),
    h('main', { id: 'main', class: 'results', tabIndex: -1 }, [
      h('h1', { class: 'visually-hidden' }, 'MCP servers'),
      h('form', { role: 'search', class: 'search', onSubmit: (e: Event) => e.preventDefault() }, [
        h('label', { for: 'search', class: 'visually-hidden' }, SEARCH_LABEL),
        h('input', {
          id: 'search',
          type: 'search',
          placeholder: `${SEARCH_LABEL} (press /)`,
          value: q.q,
          autocomplete: 'off',
          onInput: (e: Event) => set({ q: (e.currentTarget as HTMLInputElement).value }, true),
        }),
        h('label', { for: 'sort', class: 'sort-label' }, 'Sort'),
        h(
          'select',
          {
            id: 'sort',
            value: q.sort,
            onChange: (e: Event) => set({ sort: (e.currentTarget as HTMLSelectElement).value as Sort }),
          },
          SORTS.map((s) => h('option', { value: s }, SORT_LABEL[s])),
        ),
      ]),
      h('div', { class: 'summary-line' }, [
        h(
          'p',
          { id: 'result-count', role: 'status' },
          result.matches.length === 0
            ? 'No servers match'
            : `${filtered ? `${result.matches.length} of ${props.total}` : props.total} servers` +
                (pages > 1 ? `, showing ${first}–${first + items.length - 1}` : ''),
        ),
        active.length
          ? h('div', { class: 'active-filters' }, [
              ...active.map(([f, v]) =>
                h(
                  'button',
                  {
                    type: 'button',
                    class: 'chip',
                    onClick: () => toggle(f)(v, false),
                    'aria-label': `Remove filter ${FACET_LABEL[f]}: ${v}`,
                  },
                  [`${v} `, h('span', { 'aria-hidden': 'true' }, '×')],
                ),
              ),
              h(
                'button',
                {
                  type: 'button',
                  class: 'link-button',
                  onClick: () => set({ tags: [], tier: [], transport: [], status: [] }),
                },
                'Clear filters',
              ),
            ])
          : null,
      ]),
      h(
        'ul',
        { class: 'servers', 'aria-label': 'Servers' },
        items.map((s) => h(ServerItem, { key: s.name, s, sort: q.sort })),
      ),
      result.matches.length === 0
        ? h('div', { class: 'empty' }, [
            h(
              'p',
              null,
              q.q.trim()
                ? `No server matches every word of “${q.q.trim()}”${active.length ? ' with these filters' : ''}.`
                : 'No server has all of these filters.',
            ),
            h(
              'button',
              { type: 'button', class: 'button', onClick: () => navigate('/') },
              'Clear search and filters',
            ),
          ])
        : null,
      h(Pager, {
        page,
        pages,
        go: (p: number) => {
          navigate(`/${queryString({ ...q, page: p })}`);
          window.scrollTo(0, 0);
        },
      }),
    ]),
  ]);
}
