/** What every source adapter returns: the raw bytes (hashed as they are) and how to read them. */
import type { SourceFormat } from '../registry/index.ts';
import { withoutNodeHints } from '../api/node-hints.ts';
import type { SourceV1beta1 } from '../api/types.ts';
import type { DiscoveryKind, WorkloadObject } from '../registry/discovery/index.ts';
import type { Body } from './fetch/fetch-body.ts';

/**
 * A document a source has already parsed (the registry API source parses each page as it arrives).
 * Handing it over as objects spares the pipeline a second parse of a document that can be tens of MB,
 * and spares the process that whole string (docs/performance.md, the 10,000-server sync).
 */
export interface ParsedDocument {
  /** The document, as JSON.parse of its text would give it. */
  readonly value: unknown;
  /**
   * The bytes of text it was read from (a registry source: every page it received, superseded
   * versions included; what its fetch counts against the byte budget). A sync worker's heap must
   * hold the objects as it would the text, so this is what is weighed before one is handed over
   * (controller/pipeline-workers).
   */
  readonly textBytes: number;
  /**
   * The document's text in pieces whose concatenation is exactly `JSON.stringify(value)`: hashed
   * piece by piece, so the same content gives the same hash as if it had been fetched as one text.
   * Produced on demand, one piece at a time; nothing holds the whole text.
   */
  chunks(): Iterable<string>;
  /**
   * The pages' bytes as received, when the document was read from pages (a registry source): a sync
   * worker is handed these and reads them again (parse, latest versions) instead of the event loop
   * cloning the parsed objects for it, which cost one long turn of that loop (SPEC §18).
   */
  readonly pages?: readonly Body[];
  /**
   * An incremental resync of a registry source (controller/sync/mirrors.ts): `pages` are its last
   * whole read, and these the pages of each `updated_since` read since, oldest first. The document
   * is the whole read with each set of changes applied (registry/mirror-read.ts replayChanges),
   * rebuilt where it is read (fetch-pages.ts documentFromMirror): a sync worker, as for `pages`.
   */
  readonly deltas?: readonly (readonly Body[])[];
  /** The read asked for latest versions only (how changes apply: one entry per server). */
  readonly latestOnly?: boolean;
}

interface Fetched {
  /** The source's name in spec.sources. */
  name: string;
  format: SourceFormat | 'auto';
  /**
   * What the source itself left out, named (a `kubernetes` source's exported workloads that lack a
   * required annotation): counted and reported with the invalid entries, and part of the hash.
   */
  skipped?: readonly { workload: string; reason: string }[];
  /**
   * How a registry source was read (controller/sync/mirrors.ts): only its changes, or whole; and
   * when it is read whole every time because it cannot be read incrementally, why (`detected`: this
   * read found it out).
   */
  mirror?: MirrorNote;
}

export interface MirrorNote {
  incremental: boolean;
  fallback?: string;
  detected?: boolean;
}

/**
 * A `kubernetes` source's exported workloads as the controller's informers hold them (SPEC §12). The
 * pipeline maps them to the source's document (registry/discovery/document.ts), so that work runs on
 * a sync worker, not on the event loop that holds the informers.
 */
export interface DiscoveredSource {
  workloads: Partial<Record<DiscoveryKind, readonly WorkloadObject[]>>;
  /** Characters of their annotations: weighed against a sync worker's heap like a text's length. */
  chars: number;
}

/**
 * A source as fetchSource takes it: a `kubernetes` source comes with what was discovered; another
 * source may come with what it fetched last time (`prefetched`, returned as is: a sync caused by a
 * workload change does not read the other sources again) or ask to be told what it fetched.
 */
export type SourceToFetch = SourceV1beta1 & {
  discovered?: DiscoveredSource;
  prefetched?: FetchedSource;
  remember?: (fetched: FetchedSource) => void;
  /** A registry source read for its changes after this time only (`updated_since`, the source's own). */
  updatedSince?: string;
};

/**
 * The fetched text (configmap and git sources), the fetched bytes, undecoded UTF-8 (url sources: the
 * pipeline decodes them, on a sync worker, not on the event loop), the parsed document and a way to
 * hash its text (registry), or the discovered workloads the pipeline turns into text (kubernetes).
 */
export type FetchedSource = Fetched &
  (
    | { text: string; bytes?: undefined; parsed?: undefined; discovered?: undefined }
    | { bytes: Body; text?: undefined; parsed?: undefined; discovered?: undefined }
    | { parsed: ParsedDocument; text?: undefined; bytes?: undefined; discovered?: undefined }
    | { discovered: DiscoveredSource; text?: undefined; bytes?: undefined; parsed?: undefined }
  );

/** A fetch failure the user can act on; `reason` becomes the condition reason. */
export class SourceError extends Error {
  readonly reason: string;
  /** Retry-After the server asked for, in ms. */
  readonly retryAfterMs?: number;
  constructor(reason: string, message: string, retryAfterMs?: number) {
    super(withoutNodeHints(message));
    this.name = 'SourceError';
    this.reason = reason;
    this.retryAfterMs = retryAfterMs;
  }
}
