/**
 * Mutating admission (SPEC §2.1): fill defaults and normalise, in either API version. Idempotent:
 * defaultSpec(defaultSpec(x)) deep-equals defaultSpec(x). It only adds or replaces values, never
 * deletes a key, so the patch computed from it never removes a field someone else owns.
 */
import {
  DEFAULT_CONFIGMAP_KEY,
  DEFAULT_GIT_PATH,
  defaultFormatOf,
  LIMITS,
  type ApiVersionName,
} from '../api/constants.ts';
import { versionOf } from '../api/validator.ts';
import type { Policy, PolicyFilter } from './policy/policy.ts';
import { copyJson } from '../api/conversion/json.ts';
import { isObj, sourcesOf, type Obj } from './shape.ts';

const REMOTE = new Set(['url', 'git', 'registry']);

/** Trims, drops empty strings and duplicates, keeps order. Non-strings are left for validation to report. */
export function normaliseList(list: unknown[]): unknown[] {
  const trimmed: unknown[] = [];
  let chars = 0;
  let longest = 0;
  for (const item of list) {
    if (typeof item !== 'string') {
      trimmed.push(item);
      continue;
    }
    const t = item.trim();
    if (t === '') continue;
    trimmed.push(t);
    chars += t.length;
    if (t.length > longest) longest = t.length;
  }
  // A Set hashes every character of every string (~2 ns each in V8, the bulk of a mutating request
  // with 100 long patterns); sorting compares only up to the first difference. Within the schema's
  // bounds the sort's worst case (n log n comparisons of whole strings) stays below a millisecond;
  // outside them (before validation rejects the list) the Set's linear cost applies.
  const bySort =
    chars > SORT_DEDUPE_MIN_CHARS &&
    trimmed.length <= LIMITS.filterPatterns &&
    longest <= LIMITS.filterPattern;
  return bySort ? dropLaterDuplicatesSorted(trimmed) : dropLaterDuplicatesHashed(trimmed);
}

/** Below this many characters in a list, hashing is as cheap as sorting. */
const SORT_DEDUPE_MIN_CHARS = 2048;

function dropLaterDuplicatesHashed(list: unknown[]): unknown[] {
  const seen = new Set<string>();
  return list.filter((x) => {
    if (typeof x !== 'string') return true;
    if (seen.has(x)) return false;
    seen.add(x);
    return true;
  });
}

function dropLaterDuplicatesSorted(list: unknown[]): unknown[] {
  const strings: number[] = [];
  for (let i = 0; i < list.length; i++) if (typeof list[i] === 'string') strings.push(i);
  // Equal strings end up adjacent, in input order (ties broken by index): all but the first go.
  strings.sort((a, b) => {
    const x = list[a] as string;
    const y = list[b] as string;
    return x < y ? -1 : x > y ? 1 : a - b;
  });
  const later = new Uint8Array(list.length);
  for (let i = 1; i < strings.length; i++)
    if (list[strings[i] as number] === list[strings[i - 1] as number]) later[strings[i] as number] = 1;
  return list.filter((_, i) => later[i] === 0);
}

function normaliseFilter(filter: unknown): void {
  if (!isObj(filter)) return;
  for (const part of ['names', 'tags']) {
    const p = filter[part];
    if (!isObj(p)) continue;
    for (const k of ['include', 'exclude']) if (Array.isArray(p[k])) p[k] = normaliseList(p[k]);
  }
}

function policyFilterCopy(f: PolicyFilter): Obj {
  return copyJson(f) as Obj;
}

/** Appends the enforced excludes that are not already there. */
function enforce(spec: Obj, part: 'names' | 'tags', values: string[]): void {
  if (values.length === 0) return;
  if (spec.filter === undefined) spec.filter = {};
  if (!isObj(spec.filter)) return;
  if (spec.filter[part] === undefined) spec.filter[part] = {};
  const p = spec.filter[part];
  if (!isObj(p)) return;
  if (p.exclude === undefined) p.exclude = [];
  if (!Array.isArray(p.exclude)) return;
  for (const v of values) if (!p.exclude.includes(v)) p.exclude.push(v);
}

/** Returns a defaulted deep copy of an MCPRegistry object. Objects of an unknown version come back unchanged. */
export function defaultSpec<T>(object: T, policy: Policy): T {
  // Shares the (immutable) strings, where structuredClone copied every character of every pattern.
  const out = copyJson(object) as T;
  if (!isObj(out)) return out;
  const version: ApiVersionName | undefined = versionOf(out.apiVersion);
  if (!version || !isObj(out.spec)) return out;
  const spec = out.spec;

  const views = sourcesOf(version, spec);
  for (const v of views) {
    if (v.formatHolder.format === undefined) v.formatHolder.format = defaultFormatOf(v.source.type);
    const cm = v.source[v.fields.configmap];
    if (v.source.type === 'configmap' && isObj(cm) && cm.key === undefined) cm.key = DEFAULT_CONFIGMAP_KEY;
    const git = v.source.git;
    if (v.source.type === 'git' && isObj(git) && git.path === undefined) git.path = DEFAULT_GIT_PATH;
    normaliseFilter(v.source.filter);
  }

  const remote = views.some((v) => typeof v.source.type === 'string' && REMOTE.has(v.source.type));
  if (spec.syncPolicy === undefined) {
    if (remote && policy.defaults.syncRemoteSources)
      spec.syncPolicy = { interval: policy.defaults.syncInterval };
  } else if (isObj(spec.syncPolicy) && spec.syncPolicy.interval === undefined) {
    spec.syncPolicy.interval = policy.defaults.syncInterval;
  }

  if (spec.filter === undefined && policy.defaults.filter)
    spec.filter = policyFilterCopy(policy.defaults.filter);
  normaliseFilter(spec.filter);
  enforce(spec, 'names', policy.enforced.excludeNames);
  enforce(spec, 'tags', policy.enforced.excludeTags);
  return out;
}
