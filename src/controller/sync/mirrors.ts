/**
 * Incremental resyncs of `registry` sources (SPEC §16), the I/O around registry/mirror-read.ts: per
 * registry and source, the last whole read's pages and those of each `updated_since` read since,
 * held as bytes in this process. A read asks for what changed after the source's own latest
 * `updatedAt`, judges the answer and hands on the whole read with the changes applied (rebuilt
 * where the pipeline runs); every `fullSyncEvery`-th read, the first after a spec change, and the
 * first in this process (a restart, a registry that moved here from another replica) is whole.
 * A source that cannot be read incrementally is read whole from then on, said by the FetchedSource's
 * `mirror` note: the status's SourceAvailable condition, and one Warning Event when an answer to
 * updated_since showed it (it ignores or refuses the parameter).
 *
 * Nothing is derived from storage: what is stored is the merged, filtered and converted catalog,
 * not the source's list (docs/controller.md "Incremental mirrors").
 */
import { DEFAULT_FULL_SYNC_EVERY } from '../../api/schema/v1beta1.ts';
import type { Entry } from '../../registry/mirror/incremental.ts';
import {
  afterDelta,
  afterWholeRead,
  nextHeldRead,
  readFingerprint,
  refusedUpdatedSince,
  type HeldRead,
} from '../../registry/mirror/mirror-read.ts';
import type { Body } from '../../sources/fetch/fetch-body.ts';
import { mirrorDocument } from '../../sources/fetch/fetch-pages.ts';
import { SourceError, type FetchedSource, type MirrorNote, type SourceToFetch } from '../../sources/types.ts';

type Fetch = (s: SourceToFetch) => Promise<FetchedSource>;

const entriesOf = (f: FetchedSource): Entry[] => {
  const v = f.parsed?.value as { servers?: Entry[] } | undefined;
  return v?.servers ?? [];
};

/** Held pages are read again at every later sync: a sync worker gets a copy, never these buffers. */
const keep = (pages: readonly Body[]) => {
  for (const p of pages) p.markShared();
};

/** An updated_since read: the held read with its pages added, or why the source must be read whole. */
async function changes(
  held: HeldRead<Body>,
  since: string,
  s: SourceToFetch,
  fetch: Fetch,
  latestOnly: boolean,
): Promise<{ held: HeldRead<Body>; got: FetchedSource } | { fallback: string }> {
  let got: FetchedSource;
  try {
    got = await fetch(s);
  } catch (e) {
    const why = e instanceof SourceError ? refusedUpdatedSince(e) : undefined;
    if (why === undefined) throw e;
    return { fallback: why };
  }
  const pages = got.parsed?.pages ?? [];
  const bytes = got.parsed?.textBytes ?? 0;
  const next = afterDelta(held, since, entriesOf(got), { pages, bytes, latestOnly });
  if (!('held' in next)) return next;
  keep(pages);
  return { held: next.held, got };
}

export class Mirrors {
  private readonly held = new Map<string, HeldRead<Body>>();

  /**
   * Reads source `s` of the registry `key` (namespace/name; `uid` tells a registry recreated under
   * the same name from the one whose pages are held): only its changes when it can, else whole.
   */
  async read(key: string, uid: string, s: SourceToFetch, fetch: Fetch): Promise<FetchedSource> {
    const r = s.registry;
    if (s.type !== 'registry' || !r || s.prefetched) return fetch(s);
    // What discovery's memo remembers is what this returns, not the changes read on the way.
    const { remember, ...source } = s;
    const at = `${key}/${s.name}`;
    const fingerprint = `${uid} ${readFingerprint(r)}`;
    const latestOnly = r.maxVersionsPerServer === 1;
    // Another MCPRegistry's catalog loses servers outright when its source does (a ConfigMap edit),
    // which no updated_since read can see: read it whole, it is in the cluster and syncs on change.
    const fullSyncEvery = r.registryRef ? 1 : (r.fullSyncEvery ?? DEFAULT_FULL_SYNC_EVERY);
    const was = this.held.get(at);
    const held = was?.fingerprint === fingerprint ? was : undefined;
    const { since } = nextHeldRead(held, fullSyncEvery);
    let fallback = held?.state.ignored;
    let detected = false;
    let out: FetchedSource | undefined;
    if (since !== undefined && held) {
      const read = await changes(held, since, { ...source, updatedSince: since }, fetch, latestOnly);
      if ('fallback' in read) [fallback, detected] = [read.fallback, true];
      else {
        this.held.set(at, read.held);
        const { pages: whole, deltas, textBytes } = read.held;
        out = {
          name: read.got.name,
          format: read.got.format,
          parsed: mirrorDocument(whole, deltas, { latestOnly, textBytes, where: `source ${s.name}` }),
          mirror: { incremental: true },
        };
      }
    }
    if (!out) {
      const got = await fetch(source);
      const pages = got.parsed?.pages ?? [];
      const next = afterWholeRead(entriesOf(got), {
        fingerprint,
        pages,
        textBytes: got.parsed?.textBytes ?? 0,
        fullSyncEvery,
        latestOnly,
        ...(fallback !== undefined && { ignored: fallback }),
      });
      // Found in a whole read (undated entries, another order): said by the status only; nothing
      // went wrong, and such a registry would otherwise warn at its first sync.
      fallback ??= next.state.ignored;
      keep(next.pages);
      this.held.set(at, next);
      const note: MirrorNote = {
        incremental: false,
        ...(fallback !== undefined && { fallback, ...(detected && { detected }) }),
      };
      out = { ...got, mirror: note };
    }
    if (remember) {
      keep(out.parsed?.pages ?? []);
      remember(out);
    }
    return out;
  }

  /** Drops what is held for a registry (deleted). */
  forget(key: string): void {
    for (const at of this.held.keys()) if (at.startsWith(`${key}/`)) this.held.delete(at);
  }
}
