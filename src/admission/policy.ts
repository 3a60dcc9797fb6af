/**
 * The platform policy: what a cluster's platform team allows in MCPRegistry specs and which defaults
 * it imposes. Built-in defaults apply without a file; a YAML file (docs/policy.md) overrides them.
 * Pure: parsePolicy(text) either returns a complete Policy or throws PolicyError listing every problem.
 */
import { parse as parseYaml } from 'yaml';
import { SOURCE_TYPES, type SourceType } from '../api/constants.ts';
import { formatFieldError, type FieldError } from '../api/field-error.ts';
import { parseGlob } from '../registry/glob.ts';
import { parseGoDuration } from '../api/duration.ts';

export interface PolicyFilter {
  names?: { include?: string[]; exclude?: string[] };
  tags?: { include?: string[]; exclude?: string[] };
}

export interface Policy {
  /** Source types a registry may use. */
  allowedSourceTypes: SourceType[];
  /** Host globs a URL, Git or registry source may name; empty = any host. */
  allowedHosts: string[];
  /** Allow plain `http://` URLs (with a warning). */
  allowHTTP: boolean;
  /** Allow `file://` Git repositories (tests, air-gapped mirrors baked into the image). */
  allowFileGit: boolean;
  /** Smallest sync interval accepted, as written in the file (Go duration). */
  minSyncInterval: string;
  minSyncIntervalMs: number;
  defaults: {
    syncInterval: string;
    syncRemoteSources: boolean;
    filter?: PolicyFilter;
  };
  enforced: { excludeNames: string[]; excludeTags: string[] };
}

export const DEFAULT_POLICY: Policy = Object.freeze({
  allowedSourceTypes: [...SOURCE_TYPES],
  allowedHosts: [],
  allowHTTP: false,
  allowFileGit: false,
  minSyncInterval: '30s',
  minSyncIntervalMs: 30_000,
  defaults: { syncInterval: '1h', syncRemoteSources: true },
  enforced: { excludeNames: [], excludeTags: [] },
}) as Policy;

export class PolicyError extends Error {
  readonly errors: FieldError[];
  constructor(errors: FieldError[]) {
    super(errors.map(formatFieldError).join('; '));
    this.errors = errors;
  }
}

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

const TOP_KEYS = [
  'allowedSourceTypes',
  'allowedHosts',
  'allowHTTP',
  'allowFileGit',
  'minSyncInterval',
  'defaults',
  'enforced',
];

class Reader {
  errors: FieldError[] = [];

  object(v: unknown, field: string, keys: string[]): Obj {
    if (v === undefined || v === null) return {};
    if (!isObj(v)) {
      this.errors.push({ type: 'Invalid', field, value: v, detail: 'must be a mapping' });
      return {};
    }
    for (const k of Object.keys(v)) {
      if (!keys.includes(k))
        this.errors.push({
          type: 'Forbidden',
          field: field ? `${field}.${k}` : k,
          detail: `unknown field; known fields: ${keys.join(', ')}`,
        });
    }
    return v;
  }

  bool(v: unknown, field: string, def: boolean): boolean {
    if (v === undefined || v === null) return def;
    if (typeof v !== 'boolean') {
      this.errors.push({ type: 'Invalid', field, value: v, detail: 'must be true or false' });
      return def;
    }
    return v;
  }

  strings(v: unknown, field: string): string[] {
    if (v === undefined || v === null) return [];
    if (!Array.isArray(v)) {
      this.errors.push({ type: 'Invalid', field, value: v, detail: 'must be a list of strings' });
      return [];
    }
    const out: string[] = [];
    v.forEach((item, i) => {
      if (typeof item !== 'string' || item.trim() === '')
        this.errors.push({
          type: 'Invalid',
          field: `${field}[${i}]`,
          value: item,
          detail: 'must be a non-empty string',
        });
      else out.push(item.trim());
    });
    return out;
  }

  globs(v: unknown, field: string): string[] {
    const list = this.strings(v, field);
    list.forEach((g, i) => {
      const r = parseGlob(g);
      if (!r.ok)
        this.errors.push({
          type: 'Invalid',
          field: `${field}[${i}]`,
          value: g,
          detail: `invalid glob: ${r.error}`,
        });
    });
    return list;
  }

  duration(v: unknown, field: string, def: string): { text: string; ms: number } {
    if (v === undefined || v === null) return { text: def, ms: mustMs(def) };
    if (typeof v !== 'string') {
      this.errors.push({
        type: 'Invalid',
        field,
        value: v,
        detail: 'must be a Go duration string such as "30s"',
      });
      return { text: def, ms: mustMs(def) };
    }
    const r = parseGoDuration(v);
    if (!r.ok || r.ms <= 0) {
      this.errors.push({
        type: 'Invalid',
        field,
        value: v,
        detail: r.ok ? 'must be greater than 0' : r.error,
      });
      return { text: def, ms: mustMs(def) };
    }
    return { text: v, ms: r.ms };
  }
}

function mustMs(text: string): number {
  const r = parseGoDuration(text);
  if (!r.ok) throw new Error(r.error);
  return r.ms;
}

function readFilter(rd: Reader, v: unknown, field: string): PolicyFilter | undefined {
  if (v === undefined || v === null) return undefined;
  const f = rd.object(v, field, ['names', 'tags']);
  const out: PolicyFilter = {};
  for (const part of ['names', 'tags'] as const) {
    if (f[part] === undefined) continue;
    const p = rd.object(f[part], `${field}.${part}`, ['include', 'exclude']);
    const read = (k: 'include' | 'exclude') =>
      part === 'names' ? rd.globs(p[k], `${field}.${part}.${k}`) : rd.strings(p[k], `${field}.${part}.${k}`);
    out[part] = {
      ...(p.include !== undefined ? { include: read('include') } : {}),
      ...(p.exclude !== undefined ? { exclude: read('exclude') } : {}),
    };
  }
  return out;
}

/** Parses and validates a policy document. Throws PolicyError with every problem found. */
export function parsePolicy(text: string): Policy {
  let doc: unknown;
  try {
    doc = parseYaml(text);
  } catch (e) {
    throw new PolicyError([
      {
        type: 'Invalid',
        field: '(document)',
        detail: `not valid YAML: ${(e as Error).message.split('\n')[0]}`,
      },
    ]);
  }
  const rd = new Reader();
  const top = rd.object(doc ?? {}, '', TOP_KEYS);
  if (!isObj(doc ?? {}))
    throw new PolicyError([{ type: 'Invalid', field: '(document)', detail: 'must be a YAML mapping' }]);

  let allowedSourceTypes: SourceType[] = [...SOURCE_TYPES];
  if (top.allowedSourceTypes !== undefined) {
    allowedSourceTypes = [];
    rd.strings(top.allowedSourceTypes, 'allowedSourceTypes').forEach((t, i) => {
      if ((SOURCE_TYPES as readonly string[]).includes(t)) allowedSourceTypes.push(t as SourceType);
      else
        rd.errors.push({
          type: 'Unsupported',
          field: `allowedSourceTypes[${i}]`,
          value: t,
          detail: `supported values: ${SOURCE_TYPES.map((s) => `"${s}"`).join(', ')}`,
        });
    });
  }
  const min = rd.duration(top.minSyncInterval, 'minSyncInterval', DEFAULT_POLICY.minSyncInterval);
  const defaults = rd.object(top.defaults, 'defaults', ['syncInterval', 'syncRemoteSources', 'filter']);
  const syncInterval = rd.duration(
    defaults.syncInterval,
    'defaults.syncInterval',
    DEFAULT_POLICY.defaults.syncInterval,
  );
  if (syncInterval.ms < min.ms)
    rd.errors.push({
      type: 'Invalid',
      field: 'defaults.syncInterval',
      value: syncInterval.text,
      detail: `must be at least minSyncInterval (${min.text})`,
    });
  const enforced = rd.object(top.enforced, 'enforced', ['excludeNames', 'excludeTags']);
  const policy: Policy = {
    allowedSourceTypes,
    allowedHosts: rd.globs(top.allowedHosts, 'allowedHosts').map((h) => h.toLowerCase()),
    allowHTTP: rd.bool(top.allowHTTP, 'allowHTTP', false),
    allowFileGit: rd.bool(top.allowFileGit, 'allowFileGit', false),
    minSyncInterval: min.text,
    minSyncIntervalMs: min.ms,
    defaults: {
      syncInterval: syncInterval.text,
      syncRemoteSources: rd.bool(defaults.syncRemoteSources, 'defaults.syncRemoteSources', true),
      ...(defaults.filter !== undefined
        ? { filter: readFilter(rd, defaults.filter, 'defaults.filter') }
        : {}),
    },
    enforced: {
      excludeNames: rd.globs(enforced.excludeNames, 'enforced.excludeNames'),
      excludeTags: rd.strings(enforced.excludeTags, 'enforced.excludeTags'),
    },
  };
  if (rd.errors.length) throw new PolicyError(rd.errors);
  return policy;
}
