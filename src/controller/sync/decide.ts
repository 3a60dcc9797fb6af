/**
 * The pure middle of a sync: from what gather observed (pipeline result or failure, storage, API
 * workload) to what act must do (status to write, Event, metric label, log line, when to look again).
 * No I/O and no clock: everything arrives in SyncFacts, so table tests cover every branch.
 *
 * Extension points (kept here so later rules slot in without touching act): a new failure kind is a
 * FailureOutcome stage; a rule that stops a write (ownership, drift) is an input to storageAction.
 */
import type { StatusV1beta1 } from '../../api/types.ts';
import { filteredOutMessage, versionsTrimmedMessage, type PipelineResult } from './pipeline.ts';

/** What decisions read of a pipeline result: its figures, never its catalog. */
type PipelineFigures = Omit<PipelineResult, 'catalog'>;
import { DataError } from './pipeline.ts';
import { SyncWorkerError } from './sync-work.ts';
import { SourceError } from '../../sources/types.ts';
import {
  statusAfterFailure,
  statusAfterSuccess,
  sourcesPhrase,
  type CondInput,
  type FailureOutcome,
  type StatusContext,
} from './status.ts';
import type { SyncReason } from './sync-decision.ts';
import { FALLBACK_REASON, sourceAvailable } from './mirror-status.ts';

export interface StoredState {
  configMaps: string[];
  bytes: number;
  compressed: boolean;
}

export interface ApiView {
  endpoint?: string;
  readyReplicas: number;
  condition: CondInput;
}

/** The registry as decide needs it: its spec's source names and the status it carried at gather. */
export interface RegistryView {
  generation: number;
  sourceNames: string[];
  status?: StatusV1beta1;
}

export type EventPlan = { type: 'Normal' | 'Warning'; reason: string; message: string };

export interface SyncPlan {
  /** success: stored; unchanged: same data as stored; failure: status Failed. */
  result: 'success' | 'unchanged' | 'failure';
  /** Status from the freshest object's status; undefined = nothing to write. */
  status?: (fresh: StatusV1beta1 | undefined) => StatusV1beta1;
  event?: EventPlan;
  /** 'backoff' = after the failure backoff of the attempts the written status counts. */
  requeue: { afterMs?: number } | 'backoff';
  log: { level: 'debug' | 'info' | 'warn'; message: string; fields: Record<string, unknown> };
}

/** Errors a sync expects (source, data); anything else is not classified here. */
export function classifyFailure(e: unknown): FailureOutcome | undefined {
  if (e instanceof SourceError)
    return { kind: 'failure', stage: 'fetch', reason: e.reason, message: e.message };
  if (e instanceof DataError)
    return { kind: 'failure', stage: 'data', reason: 'InvalidData', message: e.message };
  if (e instanceof SyncWorkerError)
    return { kind: 'failure', stage: e.stage, reason: e.reason, message: e.message };
  return undefined;
}

/** An exception reconcile did not expect: still a Failed status that says why. */
export function internalFailure(e: unknown): FailureOutcome {
  const text = e instanceof Error ? `${e.name === 'Error' ? '' : `${e.name}: `}${e.message}` : String(e);
  return {
    kind: 'failure',
    stage: 'internal',
    reason: 'ReconcileError',
    message: `reconcile failed: ${text}`,
  };
}

/** Whether the fetched data equals what is stored (same sources hash and filter, storage present). */
export function isUnchanged(
  result: PipelineFigures,
  status: StatusV1beta1 | undefined,
  storagePresent: boolean,
) {
  return (
    storagePresent &&
    status?.phase === 'Ready' &&
    status.sync?.hash === result.hash &&
    status.sync?.filterHash === result.filterHash
  );
}

export interface SyncFacts {
  reg: RegistryView;
  reason: SyncReason;
  /** The sync-trigger annotation's value when this sync started (acknowledged when new). */
  trigger?: string;
  now: string;
  intervalMs?: number;
  /** Exactly one of result / failure. */
  result?: PipelineFigures;
  failure?: FailureOutcome;
  unchanged: boolean;
  /** What storage holds after act's write (or the previous status' view when nothing was written). */
  storage: StoredState;
  api: ApiView;
  /** Why storage no longer held what was written, when this sync rewrote it (storage integrity). */
  drift?: string;
  /** Registry sources read whole at every sync, and why (mirror-status.ts wholeReadsNote). */
  wholeReads?: string;
}

export function syncedEventMessage(r: PipelineFigures, sourceNames: string[]): string {
  const invalid = r.invalid.length
    ? ` (${r.invalid.length} invalid entries skipped: ${r.invalid
        .slice(0, 3)
        // An empty field is the entry itself (a skipped workload): no empty `: :` in the message.
        .map((i) => `${i.entry}: ${i.field ? `${i.field}: ` : ''}${i.reason}`)
        .join('; ')}${r.invalid.length > 3 ? '; …' : ''})`
    : '';
  const w = r.warnings ?? [];
  const lenient = w.length
    ? ` (${w.length} read leniently: ${w.slice(0, 3).join('; ')}${w.length > 3 ? '; …' : ''})`
    : '';
  return `synced ${r.serverCount} servers from ${sourcesPhrase(sourceNames)}${invalid}${lenient}`;
}

export function decideOutcome(f: SyncFacts): SyncPlan {
  // A new trigger value seen before this sync is answered by it, whatever else made it run (a spec
  // change, the first sync): acknowledged when it has ended, so `sync --wait` sees its own sync end,
  // and never a second sync just to record the trigger.
  const trigger =
    f.trigger && f.trigger !== f.reg.status?.sync?.lastManualSyncTrigger ? f.trigger : undefined;
  const ctx: StatusContext & { api: ApiView } = {
    generation: f.reg.generation,
    now: f.now,
    trigger,
    api: f.api,
  };
  if (f.failure || !f.result) {
    const failure = f.failure ?? internalFailure(new Error('sync produced neither data nor a failure'));
    return failurePlan(failure, ctx);
  }
  const r = f.result;
  // An unchanged result found by a periodic or source check changes nothing worth a status write.
  // Unless SourceAvailable would now say otherwise about reading a registry source whole.
  const said = f.reg.status?.conditions?.find((c) => c.type === 'SourceAvailable');
  const wholeReadsSaid =
    (said?.reason === FALLBACK_REASON) === (f.wholeReads !== undefined) &&
    (f.wholeReads === undefined ||
      said?.message === sourceAvailable(f.reg.sourceNames, f.wholeReads).message);
  const noop =
    f.unchanged &&
    !trigger &&
    wholeReadsSaid &&
    (f.reason === 'SourceChanged' || f.reason === 'IntervalElapsed' || f.reason === 'StorageMissing');
  const outcome = {
    kind: 'success' as const,
    hash: r.hash,
    filterHash: r.filterHash,
    serverCount: r.serverCount,
    invalidCount: r.invalid.length,
    conflicts: r.conflicts,
    storage: f.storage,
    stored: !f.unchanged,
    sourceNames: f.reg.sourceNames,
    ...(r.filteredOut ? { filteredOut: filteredOutMessage(r.filteredOut) } : {}),
    ...(r.versionsTrimmed ? { versionsTrimmed: versionsTrimmedMessage(r.versionsTrimmed) } : {}),
    ...(f.wholeReads !== undefined && { wholeReads: f.wholeReads }),
  };
  return {
    result: f.unchanged ? 'unchanged' : 'success',
    ...(noop
      ? {}
      : { status: (fresh: StatusV1beta1 | undefined) => statusAfterSuccess(fresh, outcome, ctx) }),
    ...(f.unchanged
      ? {}
      : {
          event: f.drift
            ? {
                type: 'Warning' as const,
                reason: 'StorageRepaired',
                message: `${f.drift}; rewrote it: ${syncedEventMessage(r, f.reg.sourceNames)}`,
              }
            : r.filteredOut
              ? {
                  type: 'Warning' as const,
                  reason: 'FilterMatchedNothing',
                  message: `${syncedEventMessage(r, f.reg.sourceNames)}: ${filteredOutMessage(r.filteredOut)}`,
                }
              : {
                  type: 'Normal' as const,
                  reason: 'Synced',
                  message: syncedEventMessage(r, f.reg.sourceNames),
                },
        }),
    requeue: { afterMs: f.intervalMs },
    log: {
      level: f.unchanged ? 'debug' : 'info',
      message: f.unchanged ? 'unchanged' : 'synced',
      fields: { servers: r.serverCount, invalid: r.invalid.length, conflicts: r.conflicts, reason: f.reason },
    },
  };
}

/** The Failed status, Event and log for an exception reconcile did not expect. */
export function decideInternalFailure(reg: RegistryView, e: unknown, now: string): SyncPlan {
  return decideFailure(reg, internalFailure(e), now);
}

/** The Failed status, Event and log of a failure found outside a sync (e.g. a workload name taken). */
export function decideFailure(reg: RegistryView, failure: FailureOutcome, now: string): SyncPlan {
  return failurePlan(failure, { generation: reg.generation, now });
}

/** A failure's plan: Failed status, a SyncFailed Warning, the failure backoff and a warn log. */
function failurePlan(failure: FailureOutcome, ctx: StatusContext): SyncPlan {
  return {
    result: 'failure',
    status: (fresh) => statusAfterFailure(fresh, failure, ctx),
    event: { type: 'Warning', reason: 'SyncFailed', message: failure.message },
    requeue: 'backoff',
    log: {
      level: 'warn',
      message: failure.message,
      fields: { reason: failure.reason, stage: failure.stage },
    },
  };
}
