/**
 * The list's facets (tier, transport, status, tags) with counts. Values keep one order whatever is
 * checked (their order over the whole catalog), so a checkbox never jumps from under the pointer. On a
 * phone the facets are a disclosure opened by the "Filters" button above the results (styles.css),
 * instead of a column 50 cards down.
 */
import { h } from 'preact';
import { useState } from 'preact/hooks';
import { FACETS, facetValues, type Counts, type Facet, type Query } from '../core/query.ts';

export const FACET_LABEL: Record<Facet | 'tags', string> = {
  tier: 'Tier',
  transport: 'Transport',
  status: 'Status',
  tags: 'Tags',
};
const TOP_TAGS = 12;

function FacetGroup(props: {
  facet: Facet | 'tags';
  counts: Counts;
  order: ReadonlyMap<string, number>;
  selected: string[];
  onToggle: (value: string, on: boolean) => void;
}) {
  const [all, setAll] = useState(false);
  const [filter, setFilter] = useState('');
  const values = facetValues(props.counts, props.selected, props.order);
  // A facet with nothing to offer is left out rather than listed as "None" (an empty result says so once).
  if (values.length === 0) return null;
  const tags = props.facet === 'tags';
  const needle = filter.trim().toLowerCase();
  const shown = tags && all && needle ? values.filter(([v]) => v.toLowerCase().includes(needle)) : values;
  const limited = tags && !all ? values.slice(0, TOP_TAGS) : shown;
  return h('fieldset', { class: 'facet' }, [
    h('legend', null, FACET_LABEL[props.facet]),
    tags && all
      ? h('div', { class: 'facet-filter' }, [
          h('label', { for: 'tag-filter', class: 'visually-hidden' }, 'Filter tags'),
          h('input', {
            id: 'tag-filter',
            type: 'search',
            placeholder: 'Filter tags',
            value: filter,
            autocomplete: 'off',
            onInput: (e: Event) => setFilter((e.currentTarget as HTMLInputElement).value),
          }),
        ])
      : null,
    tags && all && shown.length === 0
      ? h('p', { class: 'muted' }, `No tag contains “${filter.trim()}”`)
      : null,
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
    tags && values.length > TOP_TAGS
      ? h(
          'button',
          {
            type: 'button',
            class: 'link-button',
            'aria-expanded': all,
            onClick: () => (setAll(!all), setFilter('')),
          },
          all ? 'Show fewer tags' : `Show all ${values.length} tags`,
        )
      : null,
  ]);
}

export function Filters(props: {
  open: boolean;
  facets: Record<Facet | 'tags', Counts>;
  order: Record<Facet | 'tags', ReadonlyMap<string, number>>;
  query: Query;
  toggle: (facet: Facet | 'tags') => (v: string, on: boolean) => void;
}) {
  const q = props.query;
  return h(
    'aside',
    { id: 'filters', class: `filters${props.open ? ' open' : ''}`, 'aria-label': 'Filters' },
    [
      h('h2', { class: 'filters-title' }, 'Filter'),
      ...FACETS.map((f) =>
        h(FacetGroup, {
          key: f,
          facet: f,
          counts: props.facets[f],
          order: props.order[f],
          selected: q[f],
          onToggle: props.toggle(f),
        }),
      ),
      h(FacetGroup, {
        key: 'tags',
        facet: 'tags',
        counts: props.facets.tags,
        order: props.order.tags,
        selected: q.tags,
        onToggle: props.toggle('tags'),
      }),
    ],
  );
}

/** The phone-only button that opens the facets; hidden on wide screens, where they are a column. */
export function FiltersToggle(props: { open: boolean; active: number; onToggle: () => void }) {
  return h(
    'button',
    {
      type: 'button',
      class: 'button filters-toggle',
      'aria-expanded': props.open,
      'aria-controls': 'filters',
      onClick: props.onToggle,
    },
    props.active ? `Filters (${props.active})` : 'Filters',
  );
}
