/**
 * reconcile(namespace/name): level-triggered and idempotent, in three steps.
 *   gather — read the registry, its storage and source fingerprints; decide whether to sync
 *            (sync-decision.ts); fetch the sources and run the pipeline on a sync worker (sync-work.ts);
 *   decide — turn what was observed into status, Event, metric and requeue (decide.ts, pure);
 *   act    — write storage (only a whole successful result), apply the API workload, write status,
 *            record the Event, count metrics, log.
 * All I/O goes through ReconcilerIO. An exception nothing expected still ends as a `Failed` status
 * with a `ReconcileError` condition and a Warning Event saying why, never as a silent retry loop.
 */
import type { Logger } from 'pino';
import { FINALIZER } from '../../api/constants.ts';
import type { MCPRegistryV1beta1 } from '../../api/types.ts';
import { isStatus } from '../../kube/client.ts';
import { NameConflictError } from '../../storage/ownership.ts';
import { failureBackoffMs, type SyncReason } from './sync-decision.ts';
import { gatherSync, type Checked, type Gathered } from './gather.ts';
import { HostSlots } from './host-slots.ts';
import { sourceHosts } from './source-refs.ts';
import { decideUnusableName, unusableName } from './unusable-name.ts';
import { fetchAndWork, type SyncWork, type SyncWorkResult } from './sync-work.ts';
import { setConditions } from './status.ts';
import { SYNCING_AFTER_MS, syncingLater, writeSyncing } from './syncing.ts';
import {
  classifyFailure,
  decideFailure,
  decideInternalFailure,
  decideOutcome,
  isUnchanged,
  type StoredState,
  type SyncPlan,
} from './decide.ts';
import type { FailureOutcome } from './status.ts';
import type { ReconcilerIO } from './reconcile-io.ts';
import { conflictApi, conflictFailure, NOT_DEPLOYED, skippedWorkloads, sourceTypeOf, view } from './views.ts';
import { observeSync, type ControllerMetrics } from '../metrics.ts';

export interface ReconcilerDeps {
  io: ReconcilerIO;
  log: Logger;
  metrics: ControllerMetrics;
  now: () => number;
  backoffBaseMs: number;
  backoffMaxMs: number;
  /** Fetch slots per source host and namespace (default: one per host, no namespace cap). */
  slots?: HostSlots;
  /** A first sync still running after this long writes the Syncing status (default SYNCING_AFTER_MS; 0: at once). */
  syncingAfterMs?: number;
  /** Where the sync's CPU work runs (sync-work.ts); unset: in process. */
  work?: SyncWork;
}

/** Latest re-check of a registry whose source host is busy (the slot's release normally wakes it). */
export const SLOT_RETRY_MS = 10_000;

export interface ReconcileResult {
  requeueAfterMs?: number;
}

export class Reconciler {
  private readonly deps: ReconcilerDeps;
  /** When each registry's sources were last checked, and the ConfigMap and Secret fingerprints then. */
  private readonly lastChecked = new Map<string, Checked>();
  private readonly slots: HostSlots;

  constructor(deps: ReconcilerDeps) {
    this.deps = deps;
    this.slots = deps.slots ?? new HostSlots(Number.POSITIVE_INFINITY);
  }

  async reconcile(key: string): Promise<ReconcileResult> {
    const [namespace = '', name = ''] = key.split('/');
    const { io } = this.deps;
    const log = this.deps.log.child({ namespace, name });
    const reg = await io.getRegistry(namespace, name);
    if (!reg) {
      this.deps.metrics.registries.forget(namespace, name);
      this.lastChecked.delete(key);
      this.slots.forget(key);
      return {};
    }
    if (reg.metadata.deletionTimestamp) return this.finalize(key, reg, log);
    try {
      return await this.reconcileLive(key, reg, log);
    } catch (e) {
      // Not ours to report: a lost lease (another replica acts) or a conflict (retried at once with fresh data).
      if ((e instanceof Error && e.name === 'NotLeaderError') || isStatus(e, 409)) throw e;
      log.error({ err: e }, 'reconcile failed unexpectedly');
      return this.act(reg, decideInternalFailure(view(reg), e, this.isoNow()), log, 'none').catch(() => {
        throw e;
      });
    }
  }

  private async finalize(key: string, reg: MCPRegistryV1beta1, log: Logger): Promise<ReconcileResult> {
    const { io } = this.deps;
    const finalizers = reg.metadata.finalizers ?? [];
    if (finalizers.includes(FINALIZER)) {
      // Only what this registry controls (owner uid) is deleted: never a user's object of the same name.
      await io.deleteStorage(reg);
      await io.apiWorkload?.cleanup(reg);
      await io.setFinalizers(
        reg,
        finalizers.filter((f) => f !== FINALIZER),
      );
      log.info('cleaned up storage and API workload; finalizer removed');
    }
    this.lastChecked.delete(key);
    return {};
  }

  /** gather: whether to sync now, from the object, its storage, the source fingerprints and the clock. */
  private async reconcileLive(key: string, reg: MCPRegistryV1beta1, log: Logger): Promise<ReconcileResult> {
    const { io } = this.deps;
    this.deps.metrics.registries.observe(reg);
    const unusable = unusableName(reg);
    if (unusable) {
      const plan = decideUnusableName(reg, unusable, this.isoNow());
      return plan ? this.act(reg, plan, log, 'none') : {};
    }
    const finalizers = reg.metadata.finalizers ?? [];
    if (!finalizers.includes(FINALIZER)) reg = await io.setFinalizers(reg, [...finalizers, FINALIZER]);
    const g = await gatherSync(io, reg, this.lastChecked.get(key), {
      now: this.deps.now(),
      backoffBaseMs: this.deps.backoffBaseMs,
      backoffMaxMs: this.deps.backoffMaxMs,
    });
    if (!g.decision.sync)
      return (await this.refreshApiStatus(reg, log)) ?? { requeueAfterMs: g.decision.requeueAfterMs };
    const hosts = sourceHosts(reg.spec);
    if (!this.slots.tryAcquire(key, reg.metadata.namespace ?? '', hosts)) {
      log.debug({ reason: g.decision.reason, hosts }, 'a source host or the namespace is busy; requeued');
      return { requeueAfterMs: SLOT_RETRY_MS };
    }
    log.debug({ reason: g.decision.reason }, 'syncing');
    try {
      return await this.sync(key, reg, { ...g, reason: g.decision.reason }, log);
    } finally {
      this.slots.release(key);
    }
  }

  /**
   * Keeps status.api / APIReady current between syncs from the cached Deployment, and re-applies the
   * workload only when its Deployment is gone: every sync applies it anyway, and applying five objects
   * on every event (our own status writes included) would be pure overhead.
   */
  private async refreshApiStatus(reg: MCPRegistryV1beta1, log: Logger): Promise<ReconcileResult | void> {
    const { io } = this.deps;
    if (!io.apiWorkload || reg.status?.phase === undefined) return;
    // A taken name keeps the workload away until a sync finds the name free (see sync()).
    if (reg.status.conditions?.some((c) => c.type === 'SyncSuccessful' && c.reason === 'NameConflict'))
      return;
    let api = io.apiWorkload.observe(reg);
    try {
      api ??= await io.apiWorkload.reconcile(reg);
    } catch (e) {
      if (!(e instanceof NameConflictError)) throw e;
      // Someone else's object took a workload name: say so once; the failure backoff retries.
      if (reg.status.conditions?.some((c) => c.type === 'SyncSuccessful' && c.message === e.message)) return;
      return this.act(reg, decideFailure(view(reg), conflictFailure(e), this.isoNow()), log, 'none');
    }
    const cur = reg.status.conditions?.find((c) => c.type === 'APIReady');
    const same =
      reg.status.api?.endpoint === api.endpoint &&
      (reg.status.api?.readyReplicas ?? 0) === api.readyReplicas &&
      cur?.status === api.condition.status &&
      cur?.reason === api.condition.reason;
    if (same) return;
    const now = this.isoNow();
    await io.updateStatus(reg, (fresh) => ({
      ...fresh.status,
      api: { ...(api.endpoint ? { endpoint: api.endpoint } : {}), readyReplicas: api.readyReplicas },
      conditions: setConditions(
        fresh.status?.conditions,
        [{ ...api.condition, type: 'APIReady' }],
        fresh.metadata.generation ?? 0,
        now,
      ),
    }));
  }

  /** gather (fetch + pipeline) → act on storage and the API workload → decide → act on status. */
  private async sync(
    key: string,
    reg: MCPRegistryV1beta1,
    s: Omit<Gathered, 'decision'> & { reason: SyncReason },
    log: Logger,
  ): Promise<ReconcileResult> {
    const { io } = this.deps;
    const started = this.deps.now();
    const [first, now] = [!reg.status?.phase || reg.status.phase === 'Pending', () => this.isoNow()];
    const ms = this.deps.syncingAfterMs ?? SYNCING_AFTER_MS;
    if (first && ms <= 0) reg = (await writeSyncing(io, reg, now)) ?? reg;
    const syncing = first && ms > 0 ? syncingLater(io, reg, { ms, now, log }) : undefined;
    let [failure, result, unchanged, wholeReads]: [FailureOutcome?, SyncWorkResult?, boolean?, string?] = [];
    const prev = reg.status?.storage;
    let storage: StoredState = {
      configMaps: prev?.configMaps ?? [],
      bytes: prev?.bytes ?? 0,
      compressed: prev?.compressed ?? false,
    };
    let api = NOT_DEPLOYED;
    try {
      try {
        ({ result, wholeReads } = await fetchAndWork(io, reg, s, this.deps.work));
        for (const { reason, ...w } of skippedWorkloads(reg, result.invalid))
          log.warn(w, `exported workload skipped: ${reason}`);
      } catch (e) {
        failure = classifyFailure(e);
        if (!failure) throw e;
      }
      this.lastChecked.set(key, {
        at: this.deps.now(),
        cmVersions: s.cmVersions,
        secretVersions: s.secretVersions,
        storageVersion: s.storageVersion,
      });
      // Drifted storage is rewritten even when the data is unchanged (SPEC §8 "Storage integrity").
      unchanged = !!result && isUnchanged(result, reg.status, s.storagePresent && !s.drift);
      if (result && !unchanged) {
        try {
          storage = await io.writeStorage(reg, result.content());
          this.deps.metrics.storageWrites.inc();
        } catch (e) {
          if (e instanceof Error && e.name === 'NotLeaderError') throw e;
          failure =
            e instanceof NameConflictError
              ? conflictFailure(e)
              : {
                  kind: 'failure',
                  stage: 'store',
                  reason: 'StorageWriteFailed',
                  message: `cannot write storage: ${(e as Error).message}`,
                };
        }
      }
      // No workload while a name is taken: its Role would grant the API pod a user's ConfigMap.
      if (io.apiWorkload && failure?.reason === 'NameConflict') api = conflictApi(failure.message);
      else if (io.apiWorkload)
        try {
          api = await io.apiWorkload.reconcile(reg, storage.configMaps); // the Role: what storage holds now
        } catch (e) {
          if (!(e instanceof NameConflictError)) throw e;
          failure = conflictFailure(e);
          api = conflictApi(e.message);
        }
    } finally {
      syncing?.cancel();
    }
    // A Syncing status written meanwhile comes first; the outcome is written over it.
    reg = (await syncing?.settle()) ?? reg;
    const plan = decideOutcome({
      reg: view(reg),
      reason: s.reason,
      trigger: s.trigger,
      now: this.isoNow(),
      intervalMs: s.intervalMs,
      ...(failure ? { failure } : { result }),
      unchanged,
      storage,
      api,
      drift: s.drift,
      ...(wholeReads !== undefined && { wholeReads }),
    });
    const series = { namespace: reg.metadata.namespace ?? '', name: reg.metadata.name ?? '' };
    if (plan.result !== 'failure' && result) this.deps.metrics.servers.set(series, result.serverCount);
    return this.act(reg, plan, log, sourceTypeOf(reg), started);
  }

  /** act: status, Event, metrics and log of a plan; returns when to look again. */
  private async act(
    reg: MCPRegistryV1beta1,
    plan: SyncPlan,
    log: Logger,
    sourceType: string,
    started = this.deps.now(),
  ): Promise<ReconcileResult> {
    const { io, metrics } = this.deps;
    observeSync(metrics, sourceType, plan.result, (this.deps.now() - started) / 1000);
    const compute = plan.status;
    const updated = compute ? await io.updateStatus(reg, (fresh) => compute(fresh.status)) : reg;
    metrics.registries.synced(updated ?? reg, plan.result, sourceType, this.deps.now());
    if (plan.event) {
      const { type, reason, message } = plan.event;
      io.guard();
      await io
        .recordEvent(reg, type, reason, message)
        .catch((e: unknown) => log.warn({ err: e }, 'cannot record event'));
    }
    log[plan.log.level](plan.log.fields, plan.log.message);
    if (plan.requeue !== 'backoff') return { requeueAfterMs: plan.requeue.afterMs };
    const attempts = updated?.status?.sync?.attempts ?? 1;
    return { requeueAfterMs: failureBackoffMs(attempts, this.deps.backoffBaseMs, this.deps.backoffMaxMs) };
  }

  private isoNow(): string {
    return new Date(this.deps.now()).toISOString();
  }
}
