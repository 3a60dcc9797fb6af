/**
 * One ToolHive source (the single `spec.source`, an entry of `spec.registries[]`, or a configYAML
 * source) → one of our v1beta1 `spec.sources[]` entries.
 */
import { parseGoDuration } from '../duration.ts';
import { DNS_LABEL_PATTERN } from '../schema/common.ts';
import { isObject as isObj, type JsonObject as Obj } from '../conversion/json.ts';

/** Where a migration reports what it dropped (warn) and what it could not do (fail). */
export interface Problems {
  readonly failed: boolean;
  warn(message: string): void;
  fail(message: string): undefined;
}

const DNS_LABEL = new RegExp(DNS_LABEL_PATTERN);

function sourceType(raw: Obj): string | undefined {
  if (typeof raw.type === 'string') return raw.type;
  for (const [field, type] of [
    ['configmap', 'configmap'],
    ['configMapRef', 'configmap'],
    ['git', 'git'],
    ['api', 'api'],
    ['pvcRef', 'pvc'],
    ['file', 'file'],
    ['kubernetes', 'kubernetes'],
    ['url', 'url'],
  ] as const)
    if (raw[field] !== undefined) return type;
  return undefined;
}

function configMapRef(raw: Obj, path: string, p: Problems): Obj | undefined {
  const field = raw.configMapRef !== undefined ? 'configMapRef' : 'configmap';
  const ref = raw[field];
  if (!isObj(ref) || typeof ref.name !== 'string') return p.fail(`${path}.${field}.name: missing`);
  if (ref.optional !== undefined)
    p.warn(`${path}.${field}.optional: dropped (a missing ConfigMap fails the sync)`);
  return { name: ref.name, ...(typeof ref.key === 'string' ? { key: ref.key } : {}) };
}

function git(raw: Obj, path: string, p: Problems): Obj | undefined {
  const g = raw.git;
  if (!isObj(g) || typeof g.repository !== 'string') return p.fail(`${path}.git.repository: missing`);
  if (g.repository.startsWith('git://'))
    return p.fail(
      `${path}.git.repository: the unauthenticated git:// protocol is not supported; use the https:// or ssh:// URL of "${g.repository.slice(6)}"`,
    );
  const ref: Obj = {};
  for (const k of ['branch', 'tag', 'commit']) if (typeof g[k] === 'string') ref[k] = g[k];
  const out: Obj = { repository: g.repository };
  if (Object.keys(ref).length) out.ref = ref;
  if (typeof g.path === 'string') out.path = g.path;
  if (isObj(g.auth)) {
    const secret = isObj(g.auth.passwordSecretRef) ? g.auth.passwordSecretRef : undefined;
    if (!secret || typeof secret.name !== 'string')
      return p.fail(`${path}.git.auth.passwordSecretRef: missing`);
    out.authSecretRef = { name: secret.name };
    p.warn(
      `${path}.git.auth: now authSecretRef {name: ${secret.name}}; that Secret must hold the keys "username"${typeof g.auth.username === 'string' ? ` (${g.auth.username})` : ''} and "password" (was key "${typeof secret.key === 'string' ? secret.key : 'password'}")`,
    );
  }
  return out;
}

/**
 * ToolHive's `kubernetes: {namespaces: [...]}`: the same list. Here a namespace other than the
 * registry's own must consent (docs/user-guide.md, discovery), so the migration says so.
 */
function kubernetes(raw: Obj, path: string, p: Problems): Obj | undefined {
  const k = raw.kubernetes === undefined || raw.kubernetes === null ? {} : raw.kubernetes;
  if (!isObj(k)) return p.fail(`${path}.kubernetes: must be an object such as {namespaces: [team-a]}`);
  const list = k.namespaces;
  if (list === undefined || list === null || (Array.isArray(list) && list.length === 0)) return {};
  if (!Array.isArray(list) || !list.every((n) => typeof n === 'string' && DNS_LABEL.test(n)))
    return p.fail(`${path}.kubernetes.namespaces: must be a list of namespace names`);
  p.warn(
    `${path}.kubernetes.namespaces: each namespace other than the registry's own must consent (annotation toolhive.stacklok.io/discovery-readers on the Namespace) and the platform policy must set allowCrossNamespaceDiscovery; until then it reads as empty`,
  );
  return { namespaces: [...list] };
}

/** Returns the v1beta1 source, or undefined (after p.fail) when it has no equivalent. */
export function migrateSourceEntry(raw: Obj, path: string, p: Problems): Obj | undefined {
  const name = String(raw.name ?? '');
  if (!DNS_LABEL.test(name) || name.length > 63)
    return p.fail(
      `${path}.name: "${name}" is not a valid source name (lowercase letters, digits and '-', ≤ 63)`,
    );
  const type = sourceType(raw);
  const out: Obj = { name };
  let format = raw.format;
  switch (type) {
    case 'configmap': {
      const ref = configMapRef(raw, path, p);
      if (!ref) return undefined;
      Object.assign(out, { type: 'configmap', configMapRef: ref });
      break;
    }
    case 'git': {
      const g = git(raw, path, p);
      if (!g) return undefined;
      Object.assign(out, { type: 'git', git: g });
      break;
    }
    case 'api': {
      const api = raw.api;
      if (!isObj(api) || typeof api.endpoint !== 'string') return p.fail(`${path}.api.endpoint: missing`);
      Object.assign(out, { type: 'registry', registry: { baseURL: api.endpoint.replace(/\/+$/, '') } });
      if (format === 'toolhive') {
        p.warn(
          `${path}.format: dropped; a registry source reads the MCP registry API (/v0.1/servers), format upstream`,
        );
        format = undefined;
      }
      break;
    }
    case 'pvc':
      return p.fail(
        `${path}.pvcRef: a PersistentVolumeClaim source has no equivalent; put the registry file in a ConfigMap (configMapRef) or a Git repository`,
      );
    case 'kubernetes': {
      const k = kubernetes(raw, path, p);
      if (!k) return undefined;
      Object.assign(out, { type: 'kubernetes', ...(Object.keys(k).length ? { kubernetes: k } : {}) });
      if (format !== undefined && format !== 'upstream') {
        p.warn(`${path}.format: dropped; a kubernetes source builds upstream server.json entries`);
        format = undefined;
      }
      break;
    }
    default:
      return p.fail(`${path}: unknown source type ${type === undefined ? '(none set)' : `"${type}"`}`);
  }
  if (format !== undefined) out.format = format;
  if (raw.filter !== undefined) out.filter = raw.filter;
  return out;
}

/**
 * ToolHive had an interval per source; ours has one per registry. The shortest keeps every source at
 * least as fresh as before.
 */
export function shortestInterval(
  intervals: readonly (string | undefined)[],
  path: string,
  p: Problems,
): string | undefined {
  const set = intervals.filter((i): i is string => typeof i === 'string');
  if (!set.length) return undefined;
  let best = set[0] as string;
  let bestMs = Infinity;
  for (const i of set) {
    const d = parseGoDuration(i);
    if (d.ok && d.ms < bestMs) [best, bestMs] = [i, d.ms];
  }
  if (new Set(set).size > 1)
    p.warn(`${path}: one interval per registry now; using the shortest, ${best} (was ${set.join(', ')})`);
  return best;
}
