/**
 * Validating admission (SPEC §2.2): every rule, every error at once, in apiserver wording, with field
 * paths as the user wrote them. Runs on the mutated object. Pure.
 */
import { LIMITS, V1ALPHA1, type ApiVersionName } from '../api/constants.ts';
import { formatFieldError, type FieldError } from '../api/field-error.ts';
import { validateStructure, versionOf } from '../api/validator.ts';
import { globSyntaxError } from '../registry/filter/glob.ts';
import { parseGoDuration } from '../api/duration.ts';
import { defaultSpec } from './defaults.ts';
import { checkGitPath, checkRepository } from './source-rules/git.ts';
import { checkRegistryName } from './names.ts';
import { checkRegistryTarget, selfOf, type Self } from './source-rules/registry-ref.ts';
import { matchesNothingWarnings } from './filter-warnings.ts';
import { checkStash, hasStash } from './stash.ts';
import type { Policy } from './policy/policy.ts';
import { gitRefHolder, isObj, registryUrlOf, sourcesOf, urlOf, type Obj, type SourceView } from './shape.ts';
import { checkUrl, type Finding } from './source-rules/url.ts';
import { sourceTypeRefusal } from './source-rules/destination-policy.ts';
import { checkKubernetesSource } from './source-rules/kubernetes-source.ts';
import { OPTIONAL_SUB_OBJECT } from '../api/schema/kubernetes.ts';
import { checkApiSpec } from './api/api-spec.ts';
import { checkApiAuth } from './api/api-auth.ts';

export interface ValidationResult {
  errors: FieldError[];
  warnings: string[];
}

const MAX_INTERVAL_MS = 8760 * 3_600_000;
export const MAX_URL_TIMEOUT_MS = 10 * 60_000;
const WARN_INTERVAL_MS = 5 * 60_000;
const REMOTE = new Set(['url', 'git', 'registry']);

class Collector {
  errors: Finding[] = [];
  warnings: string[] = [];
  add(r: { errors: Finding[]; warnings: string[] }): void {
    // Loops, not push(...x): a spread of a long list overflows the stack (RangeError).
    for (const e of r.errors) this.errors.push(e);
    for (const w of r.warnings) this.warnings.push(w);
  }
}

function checkSource(version: ApiVersionName, v: SourceView, policy: Policy, c: Collector, self: Self): void {
  const type = v.source.type;
  if (typeof type !== 'string') return;
  const typeRefused = type in v.fields ? sourceTypeRefusal(type, policy) : undefined;
  // The type governs everything the source names: any change to the source is judged anew.
  if (typeRefused)
    c.errors.push({
      type: 'Forbidden',
      field: `${v.path}.type`,
      detail: typeRefused.detail,
      policy: true,
      scope: v.path,
    });
  // The CRD's CEL rules say the same; the apiserver evaluates them after this webhook, so match their words.
  for (const [t, field] of Object.entries(v.fields)) {
    const set = v.source[field] !== undefined;
    if (t === type && !set && !OPTIONAL_SUB_OBJECT.has(t))
      c.errors.push({
        type: 'Required',
        field: `${v.path}.${field}`,
        detail: `${field} is required when type is '${type}'`,
      });
    if (t !== type && set && type in v.fields)
      c.errors.push({
        type: 'Forbidden',
        field: `${v.path}.${field}`,
        detail: `${field} must not be set when type is '${type}'`,
      });
  }

  const cm = v.source[v.fields.configmap];
  if (type === 'configmap' && isObj(cm) && typeof cm.key === 'string' && /^\.\.?$|^\.\./.test(cm.key)) {
    c.errors.push({
      type: 'Invalid',
      field: `${v.path}.${v.fields.configmap}.key`,
      value: cm.key,
      detail:
        cm.key === '.'
          ? "must not be '.'"
          : cm.key === '..'
            ? "must not be '..'"
            : "must not start with '..'",
    });
  }

  const url = type === 'url' ? urlOf(version, v) : undefined;
  if (url && typeof url.value === 'string') c.add(checkUrl(url.path, url.value, policy, { baseUrl: false }));
  if (
    type === 'url' &&
    version !== V1ALPHA1 &&
    isObj(v.source.url) &&
    typeof v.source.url.timeout === 'string'
  ) {
    const t = v.source.url.timeout;
    const d = parseGoDuration(t);
    // Capped so that one slow source cannot hold a controller worker for long (SPEC §8 "Bounded work").
    if (!d.ok || d.ms <= 0 || d.ms > MAX_URL_TIMEOUT_MS)
      c.errors.push({
        type: 'Invalid',
        field: `${v.path}.url.timeout`,
        value: t,
        detail: !d.ok
          ? `must be a Go duration such as "30s": ${d.error}`
          : d.ms <= 0
            ? 'must be greater than 0'
            : 'must be at most 10m',
      });
  }

  const reg = type === 'registry' ? registryUrlOf(version, v) : undefined;
  if (reg && typeof reg.value === 'string') c.add(checkUrl(reg.path, reg.value, policy, { baseUrl: true }));
  c.errors.push(...checkRegistryTarget(version, v, self));
  c.errors.push(...checkKubernetesSource(v, policy, self));

  const git = v.source.git;
  if (type === 'git' && isObj(git)) {
    if (typeof git.repository === 'string')
      c.add(checkRepository(`${v.path}.git.repository`, git.repository, policy));
    const { holder, path } = gitRefHolder(version, git);
    if (holder) {
      const set = ['branch', 'tag', 'commit'].filter((k) => holder[k] !== undefined);
      if (set.length > 1)
        c.errors.push({
          type: 'Invalid',
          field: `${v.path}.git${path}`,
          value: holder,
          detail: 'at most one of branch, tag or commit may be set',
        });
    }
    if (typeof git.path === 'string') c.errors.push(...checkGitPath(`${v.path}.git.path`, git.path));
  }
  checkFilter(`${v.path}.filter`, v.source.filter, c);
}

function checkFilter(field: string, filter: unknown, c: Collector): void {
  if (!isObj(filter)) return;
  for (const part of ['names', 'tags'] as const) {
    const p = filter[part];
    if (!isObj(p)) continue;
    const lists: Record<string, string[]> = {};
    for (const k of ['include', 'exclude']) {
      const list = p[k];
      if (!Array.isArray(list)) continue;
      lists[k] = list.filter((x): x is string => typeof x === 'string');
      if (part !== 'names') continue;
      list.forEach((pattern, i) => {
        if (typeof pattern !== 'string' || pattern.length > LIMITS.filterPattern) return;
        const error = globSyntaxError(pattern);
        if (error)
          c.errors.push({
            type: 'Invalid',
            field: `${field}.${part}.${k}[${i}]`,
            value: pattern,
            detail: `invalid glob: ${error}`,
          });
      });
    }
    const both = (lists.include ?? []).filter((x) => (lists.exclude ?? []).includes(x));
    for (const x of both)
      c.warnings.push(`${field}.${part}: "${x}" is both included and excluded; the exclusion wins`);
  }
  c.warnings.push(...matchesNothingWarnings(field, filter));
}

function checkInterval(spec: Obj, remote: boolean, policy: Policy, c: Collector): void {
  if (!isObj(spec.syncPolicy) || typeof spec.syncPolicy.interval !== 'string') return;
  const field = 'spec.syncPolicy.interval';
  const value = spec.syncPolicy.interval;
  const d = parseGoDuration(value);
  const invalid = (detail: string, policyRule = false) =>
    c.errors.push({ type: 'Invalid', field, value, detail, ...(policyRule ? { policy: true } : {}) });
  if (!d.ok) return void invalid(`must be a Go duration such as "30m" or "1h30m": ${d.error}`);
  if (d.ms <= 0) return void invalid('must be greater than 0');
  if (d.ms > MAX_INTERVAL_MS) return void invalid('must be at most 8760h');
  if (d.ms < policy.minSyncIntervalMs)
    return void invalid(
      `must be at least ${policy.minSyncInterval} (the platform policy's minSyncInterval)`,
      true,
    );
  if (remote && d.ms < WARN_INTERVAL_MS)
    c.warnings.push(`${field}: ${value} polls a remote source more often than every 5m; consider 5m or more`);
}

/** Reads `spec.sources[0].url.href` style paths. */
export function valueAtPath(root: unknown, path: string): unknown {
  let cur: unknown = root;
  for (const seg of path.split(/\.|(?=\[)/)) {
    if (cur === null || typeof cur !== 'object') return undefined;
    const idx = /^\[(\d+)\]$/.exec(seg);
    cur = idx ? (Array.isArray(cur) ? cur[Number(idx[1])] : undefined) : (cur as Obj)[seg];
  }
  return cur;
}

/**
 * Whether the value a policy finding judges is exactly as stored: a host rule judges the URL, a type
 * rule the whole source (`scope`). Only then does the finding ratchet; a changed value is judged anew.
 */
function unchanged(f: Finding, obj: Obj, old: Obj | undefined): boolean {
  if (!old) return false;
  const path = f.scope ?? f.field;
  const a = valueAtPath(obj, path);
  return a !== undefined && canonical(a) === canonical(valueAtPath(old, path));
}

/** JSON with object keys sorted: the same value reads the same whatever order its keys came in. */
function canonical(v: unknown): string {
  return JSON.stringify(v, (_k, x: unknown) =>
    isObj(x)
      ? Object.fromEntries(
          Object.keys(x)
            .sort()
            .map((k) => [k, x[k]]),
        )
      : x,
  );
}

/**
 * Validates a (mutated) MCPRegistry. `oldObj` is the stored object on UPDATE: a value the platform
 * policy no longer allows is accepted with a warning when the update leaves it unchanged, so tightening
 * the policy never blocks unrelated edits (labels, finalizer removal).
 */
export function validate(obj: unknown, oldObj: unknown, policy: Policy): ValidationResult {
  if (!isObj(obj))
    return {
      errors: [{ type: 'Invalid', field: '', value: obj, detail: 'must be an object' }],
      warnings: [],
    };
  const version = versionOf(obj.apiVersion);
  if (!version)
    return {
      errors: [
        {
          type: 'Invalid',
          field: 'apiVersion',
          value: obj.apiVersion,
          detail: 'must be toolhive.stacklok.io/v1alpha1 or toolhive.stacklok.io/v1beta1',
        },
      ],
      warnings: [],
    };
  // An object on its way out only needs its finalizers removed; never block that.
  if (isObj(obj.metadata) && obj.metadata.deletionTimestamp) return { errors: [], warnings: [] };

  const c = new Collector();
  const structural = validateStructure(version, obj);
  const spec = isObj(obj.spec) ? obj.spec : {};
  const views = sourcesOf(version, spec);
  for (const v of views) checkSource(version, v, policy, c, selfOf(obj));
  if (version !== V1ALPHA1) {
    const seen = new Map<string, number>();
    views.forEach((v, i) => {
      const n = v.source.name;
      if (typeof n !== 'string') return;
      if (seen.has(n)) c.errors.push({ type: 'Duplicate', field: `spec.sources[${i}].name`, value: n });
      else seen.set(n, i);
    });
  }
  const remote = views.some((v) => typeof v.source.type === 'string' && REMOTE.has(v.source.type));
  checkInterval(spec, remote, policy, c);
  checkFilter('spec.filter', spec.filter, c);
  if (version !== V1ALPHA1) for (const e of checkApiSpec(spec, policy.api)) c.errors.push(e);
  if (version !== V1ALPHA1) c.add(checkApiAuth(spec, policy));

  const old = isObj(oldObj) ? oldObj : undefined;
  // Names are immutable: checked when the object is created only, so an existing one stays deletable.
  const errors: FieldError[] = [...structural, ...(old ? [] : checkRegistryName(obj))];
  const seen = new Set(errors.map(formatFieldError));
  // Where the schema already reported a field, a second opinion on the same field only adds noise.
  const structuralFields = new Set(structural.map((e) => e.field));
  for (const f of c.errors) {
    const { policy: isPolicy, scope: _scope, ...e } = f;
    if (isPolicy && unchanged(f, obj, old)) {
      c.warnings.push(`${formatFieldError(e)} (kept because this update does not change it)`);
      continue;
    }
    const text = formatFieldError(e);
    if (seen.has(text) || structuralFields.has(e.field)) continue;
    seen.add(text);
    errors.push(e);
  }
  if (version === V1ALPHA1 && hasStash(obj)) {
    const stash = checkStash(obj, old, new Set(errors.map((e) => e.field)), (hub, oldHub) =>
      validate(defaultSpec(hub, policy), oldHub && defaultSpec(oldHub, policy), policy),
    );
    for (const e of stash.errors) if (!seen.has(formatFieldError(e))) errors.push(e);
    c.warnings.push(...stash.warnings);
  }
  const warnings = [...new Set(c.warnings)];
  if (!old || warnings.length === 0) return { errors, warnings };
  // A warning about a value this update leaves as it was was given when the value was written; an
  // update that only sets the sync trigger or a label should not repeat it every time.
  const before = new Set(validate(old, undefined, policy).warnings);
  return { errors, warnings: warnings.filter((w) => !before.has(w)) };
}
