/**
 * Filters that can match no server whatever the data, known from the spec alone (#21 item 6): a name
 * exclusion of `*` (it crosses `/`, so it matches every name), or an include list whose every entry is
 * also excluded (the exclusion wins, so nothing passes the inclusive list). Warnings, not errors: an
 * empty catalog is a legitimate if odd thing to ask for, and a GitOps repository may stage it. The
 * controller says the same at sync time when the data shows it (condition DataValid, reason
 * FilterMatchedNothing). Pure.
 */
import { isObj } from './shape.ts';

const strings = (v: unknown): string[] =>
  Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : [];

export function matchesNothingWarnings(field: string, filter: unknown): string[] {
  if (!isObj(filter)) return [];
  const out: string[] = [];
  const names = isObj(filter.names) ? filter.names : {};
  const nameOut = strings(names.exclude);
  const all = nameOut.find((p) => /^\*+$/.test(p));
  const nameIn = strings(names.include);
  if (all !== undefined)
    out.push(`${field}.names.exclude: "${all}" excludes every server, so this filter matches no server`);
  else if (nameIn.length > 0 && nameIn.every((p) => nameOut.includes(p)))
    out.push(`${field}.names: every included pattern is also excluded, so this filter matches no server`);
  const tags = isObj(filter.tags) ? filter.tags : {};
  const tagIn = strings(tags.include);
  if (tagIn.length > 0 && tagIn.every((t) => strings(tags.exclude).includes(t)))
    out.push(`${field}.tags: every included tag is also excluded, so this filter matches no server`);
  return out;
}
