/**
 * reconcile(namespace/name): level-triggered and idempotent. Reads the registry and its storage,
 * decides whether to sync (sync-decision.ts), runs the sources and the pure pipeline, stores only a
 * whole successful result, and writes status and Events. A failure never touches storage.
 */
import type { Logger } from 'pino';
import type { KubeClient } from '../kube/client.ts';
import { ANNOTATION_SYNC_TRIGGER, FINALIZER } from '../api/constants.ts';
import type { MCPRegistryV1beta1 } from '../api/types.ts';
import { fetchSource, SourceError, type FetchedSource, type UrlCache } from '../sources/index.ts';
import { durationMs } from '../api/duration.ts';
import { decideSync, failureBackoffMs, type SyncReason } from './sync-decision.ts';
import { runPipeline, DataError, type PipelineResult } from './pipeline.ts';
import {
  setConditions,
  statusAfterFailure,
  statusAfterSuccess,
  type CondInput,
  type FailureOutcome,
  type StatusContext,
} from './status.ts';
import { deleteStorage, writeStorage } from '../storage/configmaps.ts';
import { storageName } from '../storage/layout.ts';
import { recordEvent } from './events.ts';
import { getRegistry, setFinalizers, updateStatus } from '../kube/mcpregistries.ts';
import type { ControllerMetrics } from './metrics.ts';

export interface ApiStatus {
  endpoint?: string;
  readyReplicas: number;
  condition: CondInput;
}

export interface ApiWorkloadHooks {
  reconcile(reg: MCPRegistryV1beta1): Promise<ApiStatus>;
  /** The workload's state from the controller's cache; undefined when its Deployment is missing. */
  observe(reg: MCPRegistryV1beta1): ApiStatus | undefined;
  cleanup(reg: MCPRegistryV1beta1): Promise<void>;
}

export interface ReconcilerDeps {
  client: KubeClient;
  log: Logger;
  metrics: ControllerMetrics;
  /** Throws when this process may not write (not the leader, or its lease may have lapsed). */
  guard: () => void;
  now: () => number;
  urlCache: UrlCache;
  /** Resource versions of the named ConfigMaps in a namespace, from the informer cache. */
  configMapVersions: (namespace: string, names: string[]) => string;
  /** Whether the informer cache holds this ConfigMap (a miss is checked against the API). */
  configMapCached: (namespace: string, name: string) => boolean;
  apiWorkload?: ApiWorkloadHooks;
  backoffBaseMs: number;
  backoffMaxMs: number;
  retryDelayMs?: number;
}

export interface ReconcileResult {
  requeueAfterMs?: number;
}

const NOT_DEPLOYED: CondInput = {
  type: 'APIReady',
  status: 'Unknown',
  reason: 'NotDeployed',
  message: 'the registry API workload is disabled',
};

export class Reconciler {
  private readonly deps: ReconcilerDeps;
  /** When each registry's sources were last checked, and the ConfigMap fingerprint then. */
  private readonly lastChecked = new Map<string, { at: number; cmVersions: string }>();

  constructor(deps: ReconcilerDeps) {
    this.deps = deps;
  }

  async reconcile(key: string): Promise<ReconcileResult> {
    const [namespace = '', name = ''] = key.split('/');
    const { client, log: rootLog } = this.deps;
    const log = rootLog.child({ namespace, name });
    let reg = await getRegistry(client, namespace, name);
    if (!reg) {
      this.lastChecked.delete(key);
      return {};
    }
    const finalizers = reg.metadata.finalizers ?? [];
    if (reg.metadata.deletionTimestamp) {
      if (finalizers.includes(FINALIZER)) {
        this.deps.guard();
        await deleteStorage(client, namespace, name);
        await this.deps.apiWorkload?.cleanup(reg);
        await setFinalizers(
          client,
          reg,
          finalizers.filter((f) => f !== FINALIZER),
        );
        log.info('cleaned up storage and API workload; finalizer removed');
      }
      this.lastChecked.delete(key);
      return {};
    }
    if (!finalizers.includes(FINALIZER)) {
      this.deps.guard();
      reg = await setFinalizers(client, reg, [...finalizers, FINALIZER]);
    }

    const storagePresent = await this.storageExists(namespace, name);
    const cmNames = reg.spec.sources.flatMap((s) =>
      s.type === 'configmap' && s.configMapRef ? [s.configMapRef.name] : [],
    );
    const cmVersions = this.deps.configMapVersions(namespace, cmNames);
    const intervalMs = reg.spec.syncPolicy?.interval ? durationMs(reg.spec.syncPolicy.interval) : undefined;
    const mem = this.lastChecked.get(key);
    const lastAttempt = reg.status?.sync?.lastAttemptTime
      ? Date.parse(reg.status.sync.lastAttemptTime)
      : undefined;
    const trigger = reg.metadata.annotations?.[ANNOTATION_SYNC_TRIGGER];
    const now = this.deps.now();
    const decision = decideSync({
      now,
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
    return this.sync(reg, decision.reason, trigger, storagePresent, cmVersions, intervalMs, log);
  }

  /**
   * Keeps status.api / APIReady current between syncs from the cached Deployment, and re-applies the
   * workload only when its Deployment is gone: every sync applies it anyway, and applying five objects
   * on every event (our own status writes included) would be pure overhead.
   */
  private async refreshApiStatus(reg: MCPRegistryV1beta1): Promise<void> {
    if (!this.deps.apiWorkload || reg.status?.phase === undefined) return;
    const api = this.deps.apiWorkload.observe(reg) ?? (await this.deps.apiWorkload.reconcile(reg));
    const cur = reg.status.conditions?.find((c) => c.type === 'APIReady');
    const same =
      reg.status.api?.endpoint === api.endpoint &&
      (reg.status.api?.readyReplicas ?? 0) === api.readyReplicas &&
      cur?.status === api.condition.status &&
      cur?.reason === api.condition.reason;
    if (same) return;
    const now = new Date(this.deps.now()).toISOString();
    await updateStatus(
      this.deps.client,
      reg,
      (fresh) => ({
        ...fresh.status,
        api: { ...(api.endpoint ? { endpoint: api.endpoint } : {}), readyReplicas: api.readyReplicas },
        conditions: setConditions(
          fresh.status?.conditions,
          [{ ...api.condition, type: 'APIReady' }],
          fresh.metadata.generation ?? 0,
          now,
        ),
      }),
      this.deps.guard,
    );
  }

  private async storageExists(namespace: string, name: string): Promise<boolean> {
    if (this.deps.configMapCached(namespace, storageName(name))) return true;
    // A miss may be a write the watch has not delivered yet: ask the API rather than resync.
    const cm = await this.deps.client.find({
      group: '',
      version: 'v1',
      plural: 'configmaps',
      namespace,
      name: storageName(name),
    });
    return cm !== undefined;
  }

  private async sync(
    reg: MCPRegistryV1beta1,
    reason: SyncReason,
    trigger: string | undefined,
    storagePresent: boolean,
    cmVersions: string,
    intervalMs: number | undefined,
    log: Logger,
  ): Promise<ReconcileResult> {
    const { client, metrics } = this.deps;
    const namespace = reg.metadata.namespace ?? '';
    const name = reg.metadata.name ?? '';
    const key = `${namespace}/${name}`;
    const started = this.deps.now();
    const sourceType = reg.spec.sources.length === 1 ? (reg.spec.sources[0]?.type ?? 'none') : 'multiple';
    if (!reg.status?.phase || reg.status.phase === 'Pending') {
      reg =
        (await updateStatus(
          client,
          reg,
          (fresh) => ({ ...fresh.status, phase: 'Syncing', message: 'first sync in progress' }),
          this.deps.guard,
        )) ?? reg;
    }
    let failure: FailureOutcome | undefined;
    let result: PipelineResult | undefined;
    try {
      const fetched: FetchedSource[] = [];
      for (const s of reg.spec.sources)
        fetched.push(
          await fetchSource(
            { client, namespace, urlCache: this.deps.urlCache, retryDelayMs: this.deps.retryDelayMs },
            s,
          ),
        );
      result = runPipeline(reg.spec, fetched);
    } catch (e) {
      if (e instanceof SourceError)
        failure = { kind: 'failure', stage: 'fetch', reason: e.reason, message: e.message };
      else if (e instanceof DataError)
        failure = { kind: 'failure', stage: 'data', reason: 'InvalidData', message: e.message };
      else throw e;
    }
    this.lastChecked.set(key, { at: this.deps.now(), cmVersions });

    const unchanged =
      !!result &&
      storagePresent &&
      reg.status?.phase === 'Ready' &&
      reg.status.sync?.hash === result.hash &&
      reg.status.sync?.filterHash === result.filterHash;
    const prevStorage = reg.status?.storage;
    let storage = {
      configMaps: prevStorage?.configMaps ?? [],
      bytes: prevStorage?.bytes ?? 0,
      compressed: prevStorage?.compressed ?? false,
    };
    if (result && !unchanged) {
      try {
        storage = await writeStorage(
          client,
          { namespace, name, uid: reg.metadata.uid ?? '' },
          result.text,
          this.deps.guard,
        );
        metrics.storageWrites.inc();
      } catch (e) {
        if (e instanceof Error && e.name === 'NotLeaderError') throw e;
        failure = {
          kind: 'failure',
          stage: 'store',
          reason: 'StorageWriteFailed',
          message: `cannot write storage: ${(e as Error).message}`,
        };
      }
    }
    const api = this.deps.apiWorkload
      ? await this.deps.apiWorkload.reconcile(reg)
      : { readyReplicas: 0, condition: NOT_DEPLOYED };
    const ctx: StatusContext = {
      generation: reg.metadata.generation ?? 0,
      now: new Date(this.deps.now()).toISOString(),
      trigger: reason === 'ManualTrigger' ? trigger : undefined,
      api,
    };
    const elapsed = (this.deps.now() - started) / 1000;

    if (failure) {
      metrics.syncs.inc({ source_type: sourceType, result: 'failure' });
      metrics.syncDuration.observe({ source_type: sourceType, result: 'failure' }, elapsed);
      const f = failure;
      const updated = await updateStatus(
        client,
        reg,
        (fresh) => statusAfterFailure(fresh.status, f, ctx),
        this.deps.guard,
      );
      this.deps.guard();
      await recordEvent(
        client,
        { namespace, name, uid: reg.metadata.uid ?? '' },
        'Warning',
        'SyncFailed',
        f.message,
      ).catch((e: unknown) => log.warn({ err: e }, 'cannot record event'));
      log.warn({ reason: f.reason, stage: f.stage }, f.message);
      const attempts = updated?.status?.sync?.attempts ?? 1;
      return { requeueAfterMs: failureBackoffMs(attempts, this.deps.backoffBaseMs, this.deps.backoffMaxMs) };
    }
    const r = result as PipelineResult;
    metrics.syncs.inc({ source_type: sourceType, result: unchanged ? 'unchanged' : 'success' });
    metrics.syncDuration.observe({ source_type: sourceType, result: 'success' }, elapsed);
    metrics.servers.set({ namespace, name }, r.serverCount);
    const noop =
      unchanged &&
      (reason === 'SourceChanged' || reason === 'IntervalElapsed' || reason === 'StorageMissing');
    if (!noop) {
      await updateStatus(
        client,
        reg,
        (fresh) =>
          statusAfterSuccess(
            fresh.status,
            {
              kind: 'success',
              hash: r.hash,
              filterHash: r.filterHash,
              serverCount: r.serverCount,
              invalidCount: r.invalid.length,
              conflicts: r.conflicts,
              storage,
              stored: !unchanged,
              sourceNames: reg.spec.sources.map((s) => s.name),
            },
            ctx,
          ),
        this.deps.guard,
      );
    }
    if (!unchanged) {
      this.deps.guard();
      const msg = `synced ${r.serverCount} servers from ${reg.spec.sources.map((s) => s.name).join(', ')}${
        r.invalid.length
          ? ` (${r.invalid.length} invalid entries skipped: ${r.invalid
              .slice(0, 3)
              .map((i) => `${i.entry}: ${i.field}: ${i.reason}`)
              .join('; ')}${r.invalid.length > 3 ? '; …' : ''})`
          : ''
      }`;
      await recordEvent(
        client,
        { namespace, name, uid: reg.metadata.uid ?? '' },
        'Normal',
        'Synced',
        msg,
      ).catch((e: unknown) => log.warn({ err: e }, 'cannot record event'));
      log.info(
        { servers: r.serverCount, invalid: r.invalid.length, conflicts: r.conflicts, reason },
        'synced',
      );
    }
    return { requeueAfterMs: intervalMs };
  }
}
