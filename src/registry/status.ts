/**
 * Server status in both vocabularies. ToolHive writes `Active` / `Deprecated`; the upstream registry's
 * official block says `active` / `deprecated` / `deleted`. ToolHive's own tools read ToolHive status
 * case-insensitively (its converter goldens carry `"active"`), so we do too, normalising with a warning
 * rather than refusing a whole file over letter case (SPEC §8).
 */
import {
  OFFICIAL_META,
  isObject,
  str,
  type JsonObject,
  type OfficialFacts,
  type UpstreamStatus,
} from './model.ts';

const UPSTREAM_STATUSES: readonly string[] = ['active', 'deprecated', 'deleted'];
const TOOLHIVE_STATUSES: Record<string, string> = { active: 'Active', deprecated: 'Deprecated' };

/** The official status, when the value is one the upstream registry defines (exact, lower case). */
export function upstreamStatusOf(v: unknown): UpstreamStatus | undefined {
  return typeof v === 'string' && UPSTREAM_STATUSES.includes(v) ? (v as UpstreamStatus) : undefined;
}

/** A ToolHive status in any letter case → the upstream status it means; undefined when it means none. */
export function upstreamStatusOfToolhive(v: unknown): UpstreamStatus | undefined {
  const lower = typeof v === 'string' ? v.toLowerCase() : undefined;
  return lower === 'active' || lower === 'deprecated' ? lower : undefined;
}

/** The ToolHive spelling of an upstream status; `deleted` has none (such servers are not kept). */
export function toolhiveStatusOf(s: UpstreamStatus): string | undefined {
  return TOOLHIVE_STATUSES[s];
}

/**
 * Rewrites `entry.status` to ToolHive's spelling when it differs only in case; returns the warning to
 * report, or undefined when nothing changed. Any other value is left for schema validation to report.
 */
export function normaliseToolhiveStatus(entry: unknown, where: string): string | undefined {
  if (!isObject(entry) || typeof entry.status !== 'string') return undefined;
  const canonical = TOOLHIVE_STATUSES[entry.status.toLowerCase()];
  if (!canonical || canonical === entry.status) return undefined;
  const was = entry.status;
  entry.status = canonical;
  return `${where}: status ${JSON.stringify(was)} read as ${JSON.stringify(canonical)} (ToolHive writes Active or Deprecated)`;
}

/** The official block of a registry `_meta`, or {}. */
export function officialOf(registryMeta: JsonObject | undefined): JsonObject {
  const o = registryMeta?.[OFFICIAL_META];
  return isObject(o) ? o : {};
}

/**
 * The status a server is served with: the source registry's official status wins over what a publisher
 * extension or a ToolHive entry says; else the ToolHive status; else `active`.
 */
export function officialFacts(registryMeta: JsonObject | undefined, toolhiveStatus: unknown): OfficialFacts {
  const official = officialOf(registryMeta);
  const facts: OfficialFacts = {
    status: upstreamStatusOf(official.status) ?? upstreamStatusOfToolhive(toolhiveStatus) ?? 'active',
  };
  for (const k of ['statusMessage', 'statusChangedAt', 'publishedAt', 'updatedAt'] as const) {
    const v = str(official[k]);
    if (v !== undefined && v !== '') facts[k] = v;
  }
  return facts;
}
