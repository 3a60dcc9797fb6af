/**
 * The CPU part of a sync behind one function (SPEC §18 "Admission never waits for sync work"): the
 * pipeline (parse, validate, convert, filter, merge, hash) and, when something is to be stored, the
 * storage text and its gzip. The controller runs it on worker threads (../pipeline-workers/), so the
 * event loop that answers admission and conversion never runs it; in process (inProcessSyncWork) it
 * is what the reconciler's unit tests and `--sync-workers=0` use. Both give the same bytes.
 */
import type { MCPRegistryV1beta1, SpecV1beta1 } from '../../api/types.ts';
import type { Catalog } from '../../registry/index.ts';
import type { Layout } from '../../storage/layout.ts';
import type { FetchedSource } from '../../sources/types.ts';
import { runPipeline, type PipelineResult } from './pipeline.ts';
import type { ReconcilerIO } from './reconcile-io.ts';
import { wholeReadsNote } from './mirror-status.ts';

/** What is stored now, when it is whole and Ready: a result with the same hashes stores nothing. */
export interface StoredHashes {
  hash: string;
  filterHash: string;
}

export interface SyncWorkRequest {
  /** The registry's name (its storage ConfigMaps are named after it). */
  registry: string;
  spec: SpecV1beta1;
  fetched: FetchedSource[];
  stored?: StoredHashes;
}

/** The pipeline's figures, and what to store: the catalog (in process) or its laid-out storage (worker). */
export type SyncWorkResult = Omit<PipelineResult, 'catalog'> & {
  /**
   * What writeStorage takes. Throws what laying out the catalog threw (a catalog over the storage
   * limit), so the reconciler reports it as the storage failure it is, either way.
   */
  content(): Catalog | Layout;
};

export type SyncWork = (req: SyncWorkRequest) => Promise<SyncWorkResult>;

/**
 * A sync's CPU work failed for a reason of the worker, not of the data: it ran out of its memory
 * limit, crashed, or the pool's queue was full. `stage` says which status condition carries it.
 */
export class SyncWorkerError extends Error {
  override name = 'SyncWorkerError';
  readonly reason: 'SyncOutOfMemory' | 'SyncWorkerFailed' | 'SyncWorkersBusy';
  readonly stage: 'data' | 'internal';
  constructor(reason: SyncWorkerError['reason'], message: string) {
    super(message);
    this.reason = reason;
    this.stage = reason === 'SyncOutOfMemory' ? 'data' : 'internal';
  }
}

/** The figures of a result, read field by field: runPipeline's catalog may be a lazy getter. */
export function figuresOf(r: PipelineResult): Omit<PipelineResult, 'catalog'> {
  return {
    hash: r.hash,
    filterHash: r.filterHash,
    serverCount: r.serverCount,
    invalid: r.invalid,
    conflicts: r.conflicts,
    ...(r.filteredOut && { filteredOut: r.filteredOut }),
    ...(r.warnings && { warnings: r.warnings }),
    ...(r.versionsTrimmed && { versionsTrimmed: r.versionsTrimmed }),
  };
}

/**
 * The request for a registry's fetched sources. `stored` is what isUnchanged (decide.ts) compares a
 * result with, set only when the storage is present and whole: an equal result then needs no storage
 * text, and any other one gets it laid out.
 */
export function syncRequest(
  reg: MCPRegistryV1beta1,
  fetched: FetchedSource[],
  storage: { storagePresent: boolean; drift?: string },
): SyncWorkRequest {
  const { hash, filterHash } = reg.status?.sync ?? {};
  const whole = storage.storagePresent && !storage.drift && reg.status?.phase === 'Ready';
  return {
    registry: reg.metadata.name ?? '',
    spec: reg.spec,
    fetched,
    ...(whole && hash && filterHash && { stored: { hash, filterHash } }),
  };
}

/** Whether a result equal to what is stored needs no storage text (isUnchanged's hashes). */
export function sameAsStored(r: { hash: string; filterHash: string }, stored?: StoredHashes): boolean {
  return !!stored && stored.hash === r.hash && stored.filterHash === r.filterHash;
}

/**
 * Fetches the registry's sources and runs the sync's CPU work on them. `wholeReads`: the registry
 * sources read whole at every sync and why (mirror-status.ts), for the status.
 */
export async function fetchAndWork(
  io: Pick<ReconcilerIO, 'fetchSources'>,
  reg: MCPRegistryV1beta1,
  storage: { storagePresent: boolean; drift?: string },
  work: SyncWork = inProcessSyncWork,
): Promise<{ result: SyncWorkResult; wholeReads?: string }> {
  const fetched = await io.fetchSources(reg);
  const wholeReads = wholeReadsNote(fetched);
  const result = await work(syncRequest(reg, fetched, storage));
  return { result, ...(wholeReads !== undefined && { wholeReads }) };
}

/** The sync's CPU work on the calling thread (tests, and `--sync-workers=0`). */
export const inProcessSyncWork: SyncWork = async ({ spec, fetched }) => {
  const r = runPipeline(spec, fetched);
  return { ...figuresOf(r), content: () => r.catalog };
};
