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
  const match = (x: ApiVersion) =>
    (deleted || x.status !== 'deleted') &&
    (!latestOnly || x.isLatest) &&
    (exact === undefined || x.version === exact) &&
    (since === undefined || x.updatedKey > since);
  const cursor = q.get('cursor');
  const order = v01Order(snap);
  const at = cursor ? position(snap, order, cursor) : { index: 0 };
  const items: ApiVersion[] = [];
  for (let i = at.index; i < order.length; i++) {
    const { e, lower } = order[i]!;
    if (needle !== '' && !lower.includes(needle)) continue;
    for (const x of e.byVersion) {
      if (i === at.index && at.after !== undefined && compareNames(x.version, at.after) <= 0) continue;
      if (!match(x)) continue;
      items.push(x);
      // A full page names where to resume, even when nothing follows: the official server does
      // (its next page is then empty), and a client paging both sees the same pages.
      if (items.length === limit)
        return versionListBody(items, encodeCursor(`${order[i]!.name}:${x.version}`));
    }
  }
  return versionListBody(items);
}

/** An entry with its server.json name, the key the official server lists and searches by. */
interface Listed {
  e: ApiEntry;
  name: string;
  lower: string;
}

const orders = new WeakMap<Snapshot, readonly Listed[]>();

/**
 * The official server's order (`ORDER BY server_name, version`): by the server.json name, which is
 * not the catalog key's order when a key is a short `io.github.stacklok/` name. Once per snapshot.
 */
function v01Order(snap: Snapshot): readonly Listed[] {
  let order = orders.get(snap);
  if (!order) {
    order = (snap.listed ?? snap.entries)
      .map((e) => {
        const name = typeof e.server.name === 'string' ? e.server.name : e.name;
        return { e, name, lower: name.toLowerCase() };
      })
      .sort((a, b) => compareNames(a.name, b.name) || compareNames(a.e.name, b.e.name));
    orders.set(snap, order);
  }
  return order;
}

/** Index of the first listed entry whose server name sorts strictly after `name`. */
function indexAfterName(order: readonly Listed[], name: string): number {
  let lo = 0;
  let hi = order.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (compareNames(order[mid]!.name, name) <= 0) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/**
 * Where a /v0.1 cursor resumes: the index of the first entry to read and, when that entry is the
 * cursor's own server, the version to resume after. Ours and the official server's name the
 * server.json name (ours before the official order, the catalog key: still found); a name that is
 * no entry resumes where it would be.
 */
function position(
  snap: Snapshot,
  order: readonly Listed[],
  cursor: string,
): { index: number; after?: string } {
  const { name, version } = v01CursorPosition(cursor);
  const e = byUpstreamName(snap, name);
  const server = e && typeof e.server.name === 'string' ? e.server.name : (e?.name ?? name);
  const index = indexAfterName(order, server);
  return e && version !== undefined ? { index: index - 1, after: version } : { index };
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
