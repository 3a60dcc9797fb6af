/**
 * reconcile(namespace/name): level-triggered and idempotent, in three steps.
 *   gather — read the registry, its storage and source fingerprints; decide whether to sync
 *            (sync-decision.ts); fetch the sources and run the pure pipeline (pipeline.ts);
 *   decide — turn what was observed into status, Event, metric and requeue (decide.ts, pure);
 *   act    — write storage (only a whole successful result), apply the API workload, write status,
 *            record the Event, count metrics, log.
 * All I/O goes through ReconcilerIO. An exception nothing expected still ends as a `Failed` status
 * with a `ReconcileError` condition and a Warning Event saying why, never as a silent retry loop.
 */
import type { Logger } from 'pino';
import { ANNOTATION_SYNC_TRIGGER, FINALIZER } from '../api/constants.ts';
import type { MCPRegistryV1beta1 } from '../api/types.ts';
import { durationMs } from '../api/duration.ts';
import { isStatus } from '../kube/client.ts';
import { decideSync, failureBackoffMs, type SyncReason } from './sync-decision.ts';
import { runPipeline, type PipelineResult } from './pipeline.ts';
import { setConditions, statusSyncing } from './status.ts';
import {
  classifyFailure,
  decideInternalFailure,
  decideOutcome,
  isUnchanged,
  type ApiView,
  type RegistryView,
  type StoredState,
  type SyncPlan,
} from './decide.ts';
import type { FailureOutcome } from './status.ts';
import type { ReconcilerIO } from './reconcile-io.ts';
import type { ControllerMetrics } from './metrics.ts';

export interface ReconcilerDeps {
  io: ReconcilerIO;
  log: Logger;
  metrics: ControllerMetrics;
  now: () => number;
  backoffBaseMs: number;
  backoffMaxMs: number;
}

export interface ReconcileResult {
  requeueAfterMs?: number;
}

const NOT_DEPLOYED: ApiView = {
  readyReplicas: 0,
  condition: {
    type: 'APIReady',
    status: 'Unknown',
    reason: 'NotDeployed',
    message: 'the registry API workload is disabled',
  },
};

function view(reg: MCPRegistryV1beta1): RegistryView {
  return {
    generation: reg.metadata.generation ?? 0,
    sourceNames: reg.spec.sources.map((s) => s.name),
    status: reg.status,
  };
}

export class Reconciler {
  private readonly deps: ReconcilerDeps;
  /** When each registry's sources were last checked, and the ConfigMap fingerprint then. */
  private readonly lastChecked = new Map<string, { at: number; cmVersions: string }>();

  constructor(deps: ReconcilerDeps) {
    this.deps = deps;
  }

  async reconcile(key: string): Promise<ReconcileResult> {
    const [namespace = '', name = ''] = key.split('/');
    const { io } = this.deps;
    const log = this.deps.log.child({ namespace, name });
    const reg = await io.getRegistry(namespace, name);
    if (!reg) {
      this.lastChecked.delete(key);
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
      await io.deleteStorage(reg.metadata.namespace ?? '', reg.metadata.name ?? '');
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
    const namespace = reg.metadata.namespace ?? '';
    const finalizers = reg.metadata.finalizers ?? [];
    if (!finalizers.includes(FINALIZER)) reg = await io.setFinalizers(reg, [...finalizers, FINALIZER]);
    const storagePresent = await io.storagePresent(namespace, reg.metadata.name ?? '');
    const cmNames = reg.spec.sources.flatMap((s) =>
      s.type === 'configmap' && s.configMapRef ? [s.configMapRef.name] : [],
    );
    const cmVersions = io.configMapVersions(namespace, cmNames);
    const intervalMs = reg.spec.syncPolicy?.interval ? durationMs(reg.spec.syncPolicy.interval) : undefined;
    const mem = this.lastChecked.get(key);
    const lastAttempt = reg.status?.sync?.lastAttemptTime
      ? Date.parse(reg.status.sync.lastAttemptTime)
      : undefined;
    const trigger = reg.metadata.annotations?.[ANNOTATION_SYNC_TRIGGER];
    const decision = decideSync({
      now: this.deps.now(),
      generation: reg.metadata.generation ?? 0,
      observedGeneration: reg.status?.observedGeneration,
      phase: reg.status?.phase,
      trigger,
      lastTrigger: reg.status?.sync?.lastManualSyncTrigger,
      intervalMs,
      lastCheckedAt: mem?.at ?? lastAttempt,
      attempts: reg.status?.sync?.attempts ?? 0,
      storagePresent,
      configMapVersions: cmVersions,
      lastConfigMapVersions: mem?.cmVersions ?? (cmNames.length === 0 ? cmVersions : undefined),
      backoffBaseMs: this.deps.backoffBaseMs,
      backoffMaxMs: this.deps.backoffMaxMs,
    });
    if (!decision.sync) {
      await this.refreshApiStatus(reg);
      return { requeueAfterMs: decision.requeueAfterMs };
    }
    log.debug({ reason: decision.reason }, 'syncing');
    return this.sync(
      key,
      reg,
      { reason: decision.reason, trigger, storagePresent, cmVersions, intervalMs },
      log,
    );
  }

  /**
   * Keeps status.api / APIReady current between syncs from the cached Deployment, and re-applies the
   * workload only when its Deployment is gone: every sync applies it anyway, and applying five objects
   * on every event (our own status writes included) would be pure overhead.
   */
  private async refreshApiStatus(reg: MCPRegistryV1beta1): Promise<void> {
    const { io } = this.deps;
    if (!io.apiWorkload || reg.status?.phase === undefined) return;
    const api = io.apiWorkload.observe(reg) ?? (await io.apiWorkload.reconcile(reg));
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
    s: {
      reason: SyncReason;
      trigger?: string;
      storagePresent: boolean;
      cmVersions: string;
      intervalMs?: number;
    },
    log: Logger,
  ): Promise<ReconcileResult> {
    const { io } = this.deps;
    const started = this.deps.now();
    if (!reg.status?.phase || reg.status.phase === 'Pending')
      reg =
        (await io.updateStatus(reg, (fresh) =>
          statusSyncing(fresh.status, { generation: fresh.metadata.generation ?? 0, now: this.isoNow() }),
        )) ?? reg;
    let failure: FailureOutcome | undefined;
    let result: PipelineResult | undefined;
    try {
      result = runPipeline(reg.spec, await io.fetchSources(reg));
    } catch (e) {
      failure = classifyFailure(e);
      if (!failure) throw e;
    }
    this.lastChecked.set(key, { at: this.deps.now(), cmVersions: s.cmVersions });

    const unchanged = !!result && isUnchanged(result, reg.status, s.storagePresent);
    const prev = reg.status?.storage;
    let storage: StoredState = {
      configMaps: prev?.configMaps ?? [],
      bytes: prev?.bytes ?? 0,
      compressed: prev?.compressed ?? false,
    };
    if (result && !unchanged) {
      try {
        storage = await io.writeStorage(reg, result.text);
        this.deps.metrics.storageWrites.inc();
      } catch (e) {
        if (e instanceof Error && e.name === 'NotLeaderError') throw e;
        const message = `cannot write storage: ${(e as Error).message}`;
        failure = { kind: 'failure', stage: 'store', reason: 'StorageWriteFailed', message };
      }
    }
    const api = io.apiWorkload ? await io.apiWorkload.reconcile(reg) : NOT_DEPLOYED;
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
    });
    if (plan.result !== 'failure' && result)
      this.deps.metrics.servers.set(
        { namespace: reg.metadata.namespace ?? '', name: reg.metadata.name ?? '' },
        result.serverCount,
      );
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
    const elapsed = (this.deps.now() - started) / 1000;
    metrics.syncs.inc({ source_type: sourceType, result: plan.result });
    const durationResult = plan.result === 'failure' ? 'failure' : 'success';
    metrics.syncDuration.observe({ source_type: sourceType, result: durationResult }, elapsed);
    const compute = plan.status;
    const updated = compute ? await io.updateStatus(reg, (fresh) => compute(fresh.status)) : reg;
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

function sourceTypeOf(reg: MCPRegistryV1beta1): string {
  return reg.spec.sources.length === 1 ? (reg.spec.sources[0]?.type ?? 'none') : 'multiple';
}
