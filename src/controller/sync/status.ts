/**
 * Status after a sync attempt (pure). Conditions keep their lastTransitionTime while their status
 * does not change, as metav1.Condition expects.
 */
import { CONDITION_TYPES } from '../../api/constants.ts';
import type { Condition, StatusV1beta1 } from '../../api/types.ts';
import type { CondInput } from '../conditions.ts';
import { sourceAvailable } from './mirror-status.ts';
export type { CondInput, ConditionStatus } from '../conditions.ts';

export function setConditions(
  prev: Condition[] | undefined,
  next: CondInput[],
  generation: number,
  now: string,
): Condition[] {
  const out: Condition[] = [...(prev ?? [])];
  for (const c of next) {
    const i = out.findIndex((x) => x.type === c.type);
    const old = i >= 0 ? out[i] : undefined;
    const cond: Condition = {
      type: c.type,
      status: c.status,
      reason: c.reason,
      message: c.message.slice(0, 32768),
      observedGeneration: generation,
      lastTransitionTime: old && old.status === c.status ? old.lastTransitionTime : now,
    };
    if (i >= 0) out[i] = cond;
    else out.push(cond);
  }
  // The schema's order of condition types (api/constants.ts).
  const order: readonly string[] = CONDITION_TYPES;
  return out.sort((a, b) => order.indexOf(a.type) - order.indexOf(b.type));
}

/**
 * kstatus's "abnormal-true" conditions (docs/gitops.md): Reconciling while a sync is on its way,
 * Stalled while the last sync failed; removed when they no longer hold, as Flux's controllers do, so
 * kstatus (Flux, cli-utils), `kubectl wait` and Argo CD read Syncing / Ready / Failed correctly.
 */
const ABNORMAL = ['Reconciling', 'Stalled'];
function without(conditions: Condition[], types: string[]): Condition[] {
  return conditions.filter((c) => !types.includes(c.type));
}

/** The status written when a first sync starts: InProgress for kstatus, Progressing for Argo CD. */
export function statusSyncing(
  prev: StatusV1beta1 | undefined,
  ctx: { generation: number; now: string },
): StatusV1beta1 {
  const message = 'first sync in progress';
  return {
    ...prev,
    phase: 'Syncing',
    message,
    observedGeneration: ctx.generation,
    conditions: setConditions(
      without(prev?.conditions ?? [], ABNORMAL),
      [
        { type: 'Reconciling', status: 'True', reason: 'Syncing', message },
        { type: 'Ready', status: 'False', reason: 'Syncing', message },
      ],
      ctx.generation,
      ctx.now,
    ),
  };
}

export interface SuccessOutcome {
  kind: 'success';
  hash: string;
  filterHash: string;
  serverCount: number;
  invalidCount: number;
  conflicts: number;
  storage: { configMaps: string[]; bytes: number; compressed: boolean };
  stored: boolean;
  sourceNames: string[];
  /** Why nothing was kept although the sources had servers (filteredOutMessage); Ready all the same. */
  filteredOut?: string;
  /** Which sources' servers had more versions than maxVersionsPerServer (versionsTrimmedMessage). */
  versionsTrimmed?: string;
  /** Which registry sources are read whole at every sync, and why (mirror-status.ts wholeReadsNote). */
  wholeReads?: string;
}

export interface FailureOutcome {
  kind: 'failure';
  /** internal: an exception reconcile did not expect (a bug or an unforeseen input). */
  stage: 'fetch' | 'data' | 'store' | 'internal';
  reason: string;
  message: string;
}

export interface StatusContext {
  generation: number;
  now: string;
  trigger?: string;
  /** The API workload's state; absent when it was not looked at (APIReady is then left as it was). */
  api?: { endpoint?: string; readyReplicas: number; condition: CondInput };
}

/**
 * "source a" / "sources a, b": the word says a source is meant, so a source named like a namespace
 * (a v1alpha1 object's single source is named "default" by conversion) does not read like one.
 */
export function sourcesPhrase(names: readonly string[]): string {
  return `${names.length === 1 ? 'source' : 'sources'} ${names.join(', ')}`;
}

export function statusAfterSuccess(
  prev: StatusV1beta1 | undefined,
  o: SuccessOutcome,
  ctx: StatusContext & { api: NonNullable<StatusContext['api']> },
): StatusV1beta1 {
  const invalidNote = o.invalidCount
    ? `; ${o.invalidCount} invalid entr${o.invalidCount === 1 ? 'y' : 'ies'} skipped`
    : '';
  const emptied = o.filteredOut ? `; ${o.filteredOut}` : '';
  const bound = o.versionsTrimmed ? `; ${o.versionsTrimmed}` : '';
  const message = `${o.serverCount} server${o.serverCount === 1 ? '' : 's'} from ${sourcesPhrase(o.sourceNames)}${invalidNote}${emptied}${bound}`;
  return {
    ...prev,
    phase: 'Ready',
    message,
    observedGeneration: ctx.generation,
    conditions: setConditions(
      without(prev?.conditions ?? [], ABNORMAL),
      [
        sourceAvailable(o.sourceNames, o.wholeReads),
        {
          type: 'DataValid',
          status: 'True',
          // An empty result of a filter is valid data, but it is rarely what was meant: say so here.
          reason: o.filteredOut ? 'FilterMatchedNothing' : o.invalidCount ? 'SomeEntriesInvalid' : 'Valid',
          message: `${
            o.filteredOut
              ? `${o.filteredOut}${o.invalidCount ? `; ${o.invalidCount} invalid entries skipped` : ''}`
              : o.invalidCount
                ? `${o.invalidCount} invalid entries skipped`
                : 'all entries valid'
          }${bound}`,
        },
        { type: 'SyncSuccessful', status: 'True', reason: 'Synced', message },
        { ...ctx.api.condition, type: 'APIReady' },
        { type: 'Ready', status: 'True', reason: 'Synced', message },
      ],
      ctx.generation,
      ctx.now,
    ),
    sync: {
      ...prev?.sync,
      lastSyncTime: o.stored || !prev?.sync?.lastSyncTime ? ctx.now : prev.sync.lastSyncTime,
      lastAttemptTime: ctx.now,
      hash: o.hash,
      filterHash: o.filterHash,
      attempts: 0,
      serverCount: o.serverCount,
      invalidServerCount: o.invalidCount,
      conflictCount: o.conflicts,
      ...(ctx.trigger ? { lastManualSyncTrigger: ctx.trigger } : {}),
    },
    storage: { configMaps: o.storage.configMaps, bytes: o.storage.bytes, compressed: o.storage.compressed },
    api: {
      ...(ctx.api.endpoint ? { endpoint: ctx.api.endpoint } : {}),
      readyReplicas: ctx.api.readyReplicas,
    },
  };
}

export function statusAfterFailure(
  prev: StatusV1beta1 | undefined,
  o: FailureOutcome,
  ctx: StatusContext,
): StatusV1beta1 {
  const lastGood = prev?.sync?.lastSyncTime
    ? `; serving the last good data from ${prev.sync.lastSyncTime}`
    : '; no data stored yet';
  const message = `${o.message}${lastGood}`;
  // An internal failure says nothing about the sources: their condition keeps what it last said.
  const source: CondInput[] =
    o.stage === 'fetch'
      ? [{ type: 'SourceAvailable', status: 'False', reason: o.reason, message: o.message }]
      : o.stage === 'internal'
        ? []
        : [{ type: 'SourceAvailable', status: 'True', reason: 'Fetched', message: 'sources fetched' }];
  const data: CondInput[] =
    o.stage === 'data' ? [{ type: 'DataValid', status: 'False', reason: o.reason, message: o.message }] : [];
  return {
    ...prev,
    phase: 'Failed',
    message,
    observedGeneration: ctx.generation,
    conditions: setConditions(
      without(prev?.conditions ?? [], ['Reconciling']),
      [
        ...source,
        ...data,
        { type: 'SyncSuccessful', status: 'False', reason: o.reason, message: o.message },
        ...(ctx.api ? [{ ...ctx.api.condition, type: 'APIReady' }] : []),
        { type: 'Ready', status: 'False', reason: 'SyncFailed', message },
        // kstatus reads Stalled=True as Failed; the controller still retries with back-off.
        { type: 'Stalled', status: 'True', reason: o.reason, message },
      ],
      ctx.generation,
      ctx.now,
    ),
    sync: {
      ...prev?.sync,
      lastAttemptTime: ctx.now,
      attempts: (prev?.sync?.attempts ?? 0) + 1,
      ...(ctx.trigger ? { lastManualSyncTrigger: ctx.trigger } : {}),
    },
  };
}
