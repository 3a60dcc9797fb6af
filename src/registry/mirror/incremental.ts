/**
 * Incremental resync of a `registry` source (SPEC §16, issue #34 item 2), pure: which read comes
 * next (whole, or only what changed since the source's own latest `updatedAt`), whether the answer
 * to an `updated_since` read honours it, and the changed entries applied to the entries of the last
 * read so the result is what a whole read would have listed.
 *
 * The time asked for is the source's, never ours: the largest `updatedAt` it listed, as it wrote it
 * (a clock of ours would skip what the source stamped while our clocks disagree). A read by
 * `updated_since` cannot see a row the source removed outright (the official registry only marks
 * versions deleted, which an incremental read sees): the periodic whole read (`fullSyncEvery`)
 * catches that.
 */
import { isObject, OFFICIAL_META, type JsonObject } from '../model.ts';
import { timeKey } from '../time.ts';

/** One API list entry, `{server, _meta}`. */
export type Entry = JsonObject;

/** The official block's `updatedAt`, exactly as written; undefined when absent or not RFC 3339. */
export function updatedAtOf(entry: Entry): string | undefined {
  const meta = isObject(entry._meta) ? entry._meta : undefined;
  const official = meta && isObject(meta[OFFICIAL_META]) ? meta[OFFICIAL_META] : undefined;
  const t = official?.updatedAt;
  return timeKey(t) === undefined ? undefined : (t as string);
}

/**
 * The latest `updatedAt` of the entries (and of `from`, the latest of an earlier read), compared to
 * the nanosecond; `undated` counts entries without one (their changes no incremental read can find).
 */
export function latestUpdate(entries: Iterable<Entry>, from?: string): { latest?: string; undated: number } {
  let latest = from;
  let key = timeKey(from);
  let undated = 0;
  for (const e of entries) {
    const t = updatedAtOf(e);
    if (t === undefined) {
      undated++;
      continue;
    }
    const k = timeKey(t) as bigint;
    if (key === undefined || k > key) [latest, key] = [t, k];
  }
  return { ...(latest !== undefined && { latest }), undated };
}

/**
 * Whether an answer to `updated_since=since` honours it: every entry was updated strictly later
 * (the official registry's contract). A registry that ignores the parameter answers with everything,
 * including entries at or before `since`; the reason is what the status says.
 */
export function judgeDelta(
  delta: readonly Entry[],
  since: string,
): { honoured: true } | { honoured: false; reason: string } {
  const floor = timeKey(since);
  let stale = 0;
  let undated = 0;
  for (const e of delta) {
    const k = timeKey(updatedAtOf(e));
    if (k === undefined) undated++;
    else if (floor === undefined || k <= floor) stale++;
  }
  if (undated > 0)
    return {
      honoured: false,
      reason: `the registry listed ${undated} entr${undated === 1 ? 'y' : 'ies'} without an updatedAt for updated_since=${since}`,
    };
  if (stale > 0)
    return {
      honoured: false,
      reason: `the registry ignores updated_since: asked for entries updated after ${since}, it listed ${stale} updated at or before it`,
    };
  return { honoured: true };
}

/** What is remembered of a source between syncs (one per registry and source). */
export interface MirrorState {
  /** The source's latest `updatedAt` over what is held. */
  latest?: string;
  /** Incremental reads since the last whole read. */
  incrementals: number;
  /** Set once the source was found not to honour updated_since: every later read is whole. */
  ignored?: string;
}

/**
 * The next read: whole when nothing is held, when the source cannot be read incrementally (it
 * ignores updated_since, or listed entries without an updatedAt), and every `fullSyncEvery`-th sync;
 * otherwise the entries updated after the latest `updatedAt` held. `fullSyncEvery` 1: always whole.
 */
export function nextRead(state: MirrorState | undefined, fullSyncEvery: number): { since?: string } {
  if (!state?.latest || state.ignored) return {};
  if (state.incrementals + 1 >= fullSyncEvery) return {};
  return { since: state.latest };
}

function nameOf(e: Entry): string | undefined {
  const s = isObject(e.server) ? e.server : undefined;
  return typeof s?.name === 'string' && s.name !== '' ? s.name : undefined;
}
function versionOf(e: Entry): string {
  const s = isObject(e.server) ? e.server : undefined;
  return typeof s?.version === 'string' ? s.version : '';
}

/** The order the official registry lists in (ORDER BY server_name, version), by UTF-16 code units. */
function compare(a: Entry, b: Entry): number {
  const [na, nb] = [nameOf(a) ?? '', nameOf(b) ?? ''];
  if (na !== nb) return na < nb ? -1 : 1;
  const [va, vb] = [versionOf(a), versionOf(b)];
  return va === vb ? 0 : va < vb ? -1 : 1;
}

/** The official block of an entry, or undefined. */
function officialBlock(e: Entry): JsonObject | undefined {
  const meta = isObject(e._meta) ? e._meta : undefined;
  const o = meta?.[OFFICIAL_META];
  return isObject(o) ? o : undefined;
}

/**
 * A held entry as a whole read now lists it when another version of its server became the latest:
 * the official registry moves `isLatest` without changing the former latest's `updatedAt`, so no
 * updated_since read lists that entry again (found against the official server, v1.8.1).
 */
function noLongerLatest(e: Entry): Entry {
  const o = officialBlock(e) as JsonObject;
  return { ...e, _meta: { ...(e._meta as JsonObject), [OFFICIAL_META]: { ...o, isLatest: false } } };
}

/**
 * The entries of the last read with the changed ones applied: an entry of the same server (and
 * version, unless `latestOnly`: a source read for its latest versions holds one per server) takes
 * the place of the old one; a new one goes where the registry lists it. That place is known only for
 * a registry that lists in name and version order, so the held entries must be in that order;
 * otherwise, or for an entry without a name (which no later read can match), the answer is `whole`:
 * read the source whole instead. Entries repeated in `delta` count once, the later.
 *
 * A changed entry flagged latest takes the flag from the server's other versions (one latest per
 * server). Read for latest versions only, a whole read lists no deleted ones but an updated_since
 * read does (how a mirror learns of a deletion): such an entry takes its server out.
 */
export function applyChanges(
  held: readonly Entry[],
  delta: readonly Entry[],
  latestOnly = false,
): { entries: Entry[] } | { whole: string } {
  const keyOf = (e: Entry) =>
    latestOnly ? (nameOf(e) as string) : JSON.stringify([nameOf(e), versionOf(e)]);
  for (let i = 0; i < held.length; i++) {
    const e = held[i] as Entry;
    if (nameOf(e) === undefined) return { whole: 'the last read holds an entry without a name' };
    if (i > 0 && compare(held[i - 1] as Entry, e) >= 0)
      return { whole: 'the registry does not list its servers in name and version order' };
  }
  const changed = new Map<string, Entry>();
  for (const e of delta) {
    if (nameOf(e) === undefined) return { whole: 'the registry listed a changed entry without a name' };
    changed.set(keyOf(e), e);
  }
  const newLatest = new Set<string>();
  for (const e of changed.values())
    if (officialBlock(e)?.isLatest === true) newLatest.add(nameOf(e) as string);
  const gone = (e: Entry) => latestOnly && officialBlock(e)?.status === 'deleted';
  const heldKeys = held.map(keyOf);
  const known = new Set(heldKeys);
  const added = [...changed].filter(([k, e]) => !known.has(k) && !gone(e)).map(([, e]) => e);
  added.sort(compare);
  const out: Entry[] = [];
  let next = 0;
  held.forEach((h, i) => {
    while (next < added.length && compare(added[next] as Entry, h) < 0) out.push(added[next++] as Entry);
    const c = changed.get(heldKeys[i] as string);
    if (c) {
      if (!gone(c)) out.push(c);
    } else if (newLatest.has(nameOf(h) as string) && officialBlock(h)?.isLatest === true)
      out.push(noLongerLatest(h));
    else out.push(h);
  });
  while (next < added.length) out.push(added[next++] as Entry);
  return { entries: out };
}
