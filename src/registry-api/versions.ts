/**
 * /v0.1 over every version a server has (SPEC §14 "Mirror fidelity"), as the official registry
 * answers: the list is one item per version, ordered by server and version, deleted versions only
 * on request (and always with `updated_since`, which is how a sub-registry learns of deletions);
 * `/versions` is newest published first. Pure functions over a Snapshot.
 */
import type { ApiEntry, ApiVersion, Snapshot } from './snapshot/snapshot.ts';
import {
  BadRequest,
  LIMITS,
  encodeCursor,
  indexAfter,
  parseBool,
  parseLimit,
  parseUpdatedSince,
  v01CursorPosition,
} from './query.ts';
import { versionListBody, type ListBody } from './views.ts';
import { compareNames } from './snapshot/snapshot.ts';

/** The official server's words when `include_deleted=false` meets `updated_since`. */
export const DELETED_WITH_UPDATED_SINCE =
  'Cannot set include_deleted=false when using updated_since (incremental sync requires deleted servers)';

/** `include_deleted` of a list request: forced on by `updated_since`, refused when set off beside it. */
export function listIncludesDeleted(q: URLSearchParams): boolean {
  const raw = q.get('include_deleted');
  const value = parseBool('include_deleted', raw);
  if (q.get('updated_since') === null || q.get('updated_since') === '') return value;
  if (raw !== null && raw !== '' && !value) throw new BadRequest(DELETED_WITH_UPDATED_SINCE);
  return true;
}

/**
 * Upstream clients name servers by their server.json name; ours may also use the catalog key. A
 * server the source deleted whole is found too: each caller shows its deleted versions on request only.
 */
export function byUpstreamName(snap: Snapshot, name: string): ApiEntry | undefined {
  return snap.byName.get(name) ?? snap.byServerName.get(name) ?? snap.withdrawn?.get(name);
}

export function listV01Versions(snap: Snapshot, q: URLSearchParams): ListBody {
  const limit = parseLimit(q.get('limit'), LIMITS.v01);
  const since = q.get('updated_since') ? parseUpdatedSince(q.get('updated_since')) : undefined;
  const deleted = listIncludesDeleted(q);
  const needle = q.get('search')?.toLowerCase() ?? '';
  const v = q.get('version');
  const latestOnly = v === 'latest';
  const exact = v === null || v === '' || latestOnly ? undefined : v;
  const match = (e: ApiEntry, x: ApiVersion) =>
    (deleted || x.status !== 'deleted') &&
    (!latestOnly || x.isLatest) &&
    (exact === undefined || x.version === exact) &&
    (since === undefined || x.updatedKey > since) &&
    (needle === '' || e.nameLower.includes(needle));
  const cursor = q.get('cursor');
  const listed = snap.listed ?? snap.entries;
  const at = cursor ? position(snap, listed, cursor) : { index: 0 };
  const items: ApiVersion[] = [];
  let last: [ApiEntry, ApiVersion] | undefined;
  for (let i = at.index; i < listed.length; i++) {
    const e = listed[i]!;
    if (needle !== '' && !e.nameLower.includes(needle)) continue;
    for (const x of e.byVersion) {
      if (i === at.index && at.after !== undefined && compareNames(x.version, at.after) <= 0) continue;
      if (!match(e, x)) continue;
      if (items.length === limit && last)
        return versionListBody(items, encodeCursor(`${last[0].name}:${last[1].version}`));
      items.push(x);
      last = [e, x];
    }
  }
  return versionListBody(items);
}

/**
 * Where a /v0.1 cursor resumes: the index of the first entry to read and, when that entry is the
 * cursor's own server, the version to resume after. Ours name the catalog key; the official
 * server's (and made-up ones) the server.json name; a name that is no entry resumes where it would be.
 */
function position(
  snap: Snapshot,
  listed: readonly ApiEntry[],
  cursor: string,
): { index: number; after?: string } {
  const { name, version } = v01CursorPosition(cursor);
  const e = byUpstreamName(snap, name);
  if (!e) return { index: indexAfter(listed, name) };
  const index = indexAfter(listed, e.name);
  return version === undefined ? { index } : { index: index - 1, after: version };
}

/** `/versions`: every version, newest published first; undefined (a 404) when none is to be shown. */
export function versionsBody(snap: Snapshot, name: string, includeDeleted: boolean): ListBody | undefined {
  const e = byUpstreamName(snap, name);
  const shown = e?.versions.filter((x) => includeDeleted || x.status !== 'deleted') ?? [];
  return shown.length > 0 ? versionListBody(shown) : undefined;
}

/** `/versions/{version|latest}`; undefined (a 404) when there is no such version to show. */
export function versionOf(
  snap: Snapshot,
  name: string,
  version: string,
  includeDeleted: boolean,
): ApiVersion | undefined {
  const e = byUpstreamName(snap, name);
  const x = version === 'latest' ? e : e?.versions.find((v) => v.version === version);
  return x && (includeDeleted || x.status !== 'deleted') ? x : undefined;
}
