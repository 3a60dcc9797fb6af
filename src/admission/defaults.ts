/**
 * Mutating admission (SPEC §2.1): fill defaults and normalise, in either API version. Idempotent:
 * defaultSpec(defaultSpec(x)) deep-equals defaultSpec(x). It only adds or replaces values, never
 * deletes a key, so the patch computed from it never removes a field someone else owns.
 */
import {
  DEFAULT_CONFIGMAP_KEY,
  DEFAULT_GIT_PATH,
  defaultFormatOf,
  type ApiVersionName,
} from '../api/constants.ts';
import { versionOf } from '../api/validator.ts';
import type { Policy, PolicyFilter } from './policy.ts';
import { copyJson } from '../api/conversion/json.ts';
import { isObj, sourcesOf, type Obj } from './shape.ts';

const REMOTE = new Set(['url', 'git', 'registry']);

/** Trims, drops empty strings and duplicates, keeps order. Non-strings are left for validation to report. */
export function normaliseList(list: unknown[]): unknown[] {
  const seen = new Set<string>();
  const out: unknown[] = [];
  for (const item of list) {
    if (typeof item !== 'string') {
      out.push(item);
      continue;
    }
    const t = item.trim();
    if (t === '' || seen.has(t)) continue;
    seen.add(t);
    out.push(t);
  }
  return out;
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
