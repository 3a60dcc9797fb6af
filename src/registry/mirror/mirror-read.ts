/**
 * What the controller keeps of a `registry` source between syncs and how each read changes it (pure;
 * the reads are incremental.ts's decisions, the I/O is controller/sync/mirrors.ts).
 *
 * A whole read starts over: its pages are held, with the source's latest `updatedAt`. An
 * `updated_since` read is judged (judgeDelta) and its pages held after the others; the document is
 * the whole read with each set of changes applied in turn (replayChanges), rebuilt where the sync's
 * CPU work runs (a sync worker), so the operator's event loop holds bytes, never a clone of the
 * catalog's objects. A source found not to honour updated_since, or that cannot be read
 * incrementally at all (entries without an `updatedAt`, a list out of name and version order, a
 * changed entry without a name), is marked, and every later read of it is whole: the fallback the
 * status reports. Nothing here survives the process: after a restart or a move to another replica
 * the first read is whole (docs/controller.md "Incremental mirrors").
 */
import {
  applyChanges,
  judgeDelta,
  latestUpdate,
  nextRead,
  type Entry,
  type MirrorState,
} from './incremental.ts';

/** One source's last read, `P` a page's bytes as the I/O layer holds them. */
export interface HeldRead<P> {
  /** The parts of the source's spec that change what a read lists (readFingerprint). */
  fingerprint: string;
  state: MirrorState;
  /** The last whole read's pages; none when every read is whole (nothing to apply changes to). */
  pages: readonly P[];
  /** The pages of each updated_since read since, oldest first. */
  deltas: readonly (readonly P[])[];
  /** The bytes of text the last whole read received: the weight of the document handed on. */
  textBytes: number;
  /** The bytes of the changes' pages held (`deltas`). */
  deltaBytes: number;
}

/**
 * The next read, as incremental.ts's nextRead, but whole once the changes held weigh as much as the
 * whole read they apply to: what is held stays within twice a whole read, whatever fullSyncEvery.
 */
export function nextHeldRead<P>(held: HeldRead<P> | undefined, fullSyncEvery: number): { since?: string } {
  if (held && held.deltaBytes >= held.textBytes && held.deltas.length > 0) return {};
  return nextRead(held?.state, fullSyncEvery);
}

/**
 * What a read lists depends on where it points and whether it asks for every version; a change
 * to either makes the held pages another source's. Credentials are not in it: a Secret change
 * makes the sync read again, and the periodic whole read settles what they let one see.
 */
export function readFingerprint(r: { baseURL?: string; maxVersionsPerServer?: number }): string {
  return JSON.stringify([r.baseURL ?? '', r.maxVersionsPerServer === 1]);
}

/** Why every read of a source whose whole read lists entries without an `updatedAt` is whole. */
export function undatedReason(undated: number): string {
  return `the registry lists ${undated} entr${undated === 1 ? 'y' : 'ies'} without an updatedAt, whose changes updated_since cannot find`;
}

/**
 * The held read after a whole read that listed `entries` from `pages`. `ignored` (the fallback's
 * reason) is kept from before, or set now when an entry has no `updatedAt` or the list cannot take
 * changes (applyChanges' own check). No pages are held when no read will apply changes to them.
 */
export function afterWholeRead<P>(
  entries: readonly Entry[],
  o: {
    fingerprint: string;
    pages: readonly P[];
    textBytes: number;
    ignored?: string;
    fullSyncEvery: number;
    latestOnly: boolean;
  },
): HeldRead<P> {
  const { latest, undated } = latestUpdate(entries);
  let ignored = o.ignored ?? (undated > 0 ? undatedReason(undated) : undefined);
  if (!ignored && o.fullSyncEvery > 1 && latest !== undefined) {
    const check = applyChanges(entries, [], o.latestOnly);
    if ('whole' in check) ignored = check.whole;
  }
  const keep = !ignored && o.fullSyncEvery > 1 && latest !== undefined;
  return {
    fingerprint: o.fingerprint,
    state: { ...(latest !== undefined && { latest }), incrementals: 0, ...(ignored && { ignored }) },
    pages: keep ? o.pages : [],
    deltas: [],
    textBytes: o.textBytes,
    deltaBytes: 0,
  };
}

/**
 * The held read after an `updated_since=since` read answered `delta` (from `pages`): its pages held
 * after the others, or the reason the source must be read whole from now on (the fallback).
 */
export function afterDelta<P>(
  held: HeldRead<P>,
  since: string,
  delta: readonly Entry[],
  o: { pages: readonly P[]; bytes: number; latestOnly: boolean },
): { held: HeldRead<P> } | { fallback: string } {
  const verdict = judgeDelta(delta, since);
  if (!verdict.honoured) return { fallback: verdict.reason };
  // The changes' own check (a name each); the held entries passed theirs when they were read.
  const check = applyChanges([], delta, o.latestOnly);
  if ('whole' in check) return { fallback: check.whole };
  // Never earlier than `since`: an empty answer leaves the time asked for as it was.
  const latest = latestUpdate(delta, since).latest as string;
  return {
    held: {
      ...held,
      state: { ...held.state, latest, incrementals: held.state.incrementals + 1 },
      deltas: [...held.deltas, o.pages],
      deltaBytes: held.deltaBytes + o.bytes,
    },
  };
}

/**
 * Whether a failed `updated_since` read says the registry does not take the parameter (it refuses
 * the request as malformed: 400 or 422), as opposed to a failure a whole read would meet as well
 * (unreachable, 5xx, 401/403, a budget). `why` is the fallback's reason; undefined: fail the sync.
 */
export function refusedUpdatedSince(e: { reason: string; message: string }): string | undefined {
  const m = /answered HTTP (400|422)$/.exec(e.message);
  return e.reason === 'HTTPError' && m ? `the registry refuses updated_since (HTTP ${m[1]})` : undefined;
}

/**
 * The whole read with each set of changes applied in turn: what a whole read lists now. Throws when
 * they cannot be applied, which afterWholeRead and afterDelta ruled out before holding them.
 */
export function replayChanges(
  whole: readonly Entry[],
  deltas: readonly (readonly Entry[])[],
  latestOnly: boolean,
): Entry[] {
  let entries = [...whole];
  for (const delta of deltas) {
    const applied = applyChanges(entries, delta, latestOnly);
    if ('whole' in applied) throw new Error(`cannot apply a registry's changes: ${applied.whole}`);
    entries = applied.entries;
  }
  return entries;
}
