/**
 * The list view: search, sort, facets with counts, one page of results and pagination. The whole
 * summary is in memory (one gzipped request); a query runs over it in a few milliseconds even at
 * 10,000 servers, and only one page (50) is in the DOM, so typing stays smooth.
 */
import { h, type ComponentChildren } from 'preact';
import { useMemo, useState } from 'preact/hooks';
import {
  FACETS,
  PAGE_SIZE,
  SORTS,
  facetValues,
  pageCount,
  pageOf,
  queryString,
  runQuery,
  type Counts,
  type Facet,
  type Indexed,
  type Query,
  type Sort,
} from '../core/query.ts';
import type { ServerSummary } from '../core/summary.ts';
import { linkClick, navigate, serverHref } from './router.ts';

const FACET_LABEL: Record<Facet | 'tags', string> = {
  tier: 'Tier',
  transport: 'Transport',
  status: 'Status',
  tags: 'Tags',
};
const SORT_LABEL: Record<Sort, string> = { name: 'Name', stars: 'Most stars', updated: 'Recently updated' };
const TOP_TAGS = 12;

export function Badges(props: { tier?: string; transport?: string; status: string }) {
  const b: ComponentChildren[] = [];
  if (props.status !== 'Active')
    b.push(h('span', { class: `badge badge-${props.status.toLowerCase()}` }, props.status));
  if (props.tier) b.push(h('span', { class: `badge badge-tier` }, props.tier));
  if (props.transport) b.push(h('span', { class: 'badge badge-transport' }, props.transport));
  return h('span', { class: 'badges' }, b);
}

function ServerItem({ s }: { s: ServerSummary }) {
  const href = serverHref(s.name);
  return h('li', { class: 'server' }, [
    h('div', { class: 'server-head' }, [
      h('h2', null, h('a', { href, onClick: linkClick(href) }, s.name)),
      h(Badges, { tier: s.tier, transport: s.transport, status: s.status }),
    ]),
    s.title ? h('p', { class: 'server-title' }, s.title) : null,
    h('p', { class: 'server-desc' }, s.description),
    s.tags.length
      ? h('p', { class: 'tags' }, [
          h('span', { class: 'visually-hidden' }, 'Tags: '),
          ...s.tags.map((t) => h('span', { class: 'tag' }, t)),
        ])
      : null,
  ]);
}

function FacetGroup(props: {
  facet: Facet | 'tags';
  counts: Counts;
  selected: string[];
  onToggle: (value: string, on: boolean) => void;
}) {
  const [all, setAll] = useState(false);
  const values = facetValues(props.counts, props.selected);
  const limited = props.facet === 'tags' && !all ? values.slice(0, TOP_TAGS) : values;
  const extra = props.facet === 'tags' ? values.length - TOP_TAGS : 0;
  return h('fieldset', { class: 'facet' }, [
    h('legend', null, FACET_LABEL[props.facet]),
    values.length === 0 ? h('p', { class: 'muted' }, 'None') : null,
    ...limited.map(([v, n]) =>
      h('label', { key: v, class: 'facet-value' }, [
        h('input', {
          type: 'checkbox',
          checked: props.selected.includes(v),
          onChange: (e: Event) => props.onToggle(v, (e.currentTarget as HTMLInputElement).checked),
        }),
        h('span', { class: 'facet-name' }, v),
        h('span', { class: 'count' }, `(${n})`),
      ]),
    ),
    extra > 0
      ? h(
          'button',
          { type: 'button', class: 'link-button', 'aria-expanded': all, onClick: () => setAll(!all) },
          all ? 'Show fewer tags' : `Show all ${values.length} tags`,
        )
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
    h('aside', { class: 'filters', 'aria-label': 'Filters' }, [
      h('h2', { class: 'filters-title' }, 'Filter'),
      ...FACETS.map((f) =>
        h(FacetGroup, { key: f, facet: f, counts: result.facets[f], selected: q[f], onToggle: toggle(f) }),
      ),
      h(FacetGroup, {
        key: 'tags',
        facet: 'tags',
        counts: result.facets.tags,
        selected: q.tags,
        onToggle: toggle('tags'),
      }),
    ]),
    h('main', { id: 'main', class: 'results', tabIndex: -1 }, [
      h('h1', { class: 'visually-hidden' }, 'MCP servers'),
      h('form', { role: 'search', class: 'search', onSubmit: (e: Event) => e.preventDefault() }, [
        h('label', { for: 'search', class: 'visually-hidden' }, 'Search servers by name or description'),
        h('input', {
          id: 'search',
          type: 'search',
          placeholder: 'Search servers by name or description',
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
        items.map((s) => h(ServerItem, { key: s.name, s })),
      ),
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
