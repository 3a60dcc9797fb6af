/** Controller metrics, with controller-runtime's names where one exists. */
import { Counter, Gauge, Histogram, type Registry } from 'prom-client';
import { durationMs } from '../api/duration.ts';
import type { MCPRegistryV1beta1 } from '../api/types.ts';

export interface ControllerMetrics {
  reconcileTotal: Counter<'controller' | 'result'>;
  reconcileErrors: Counter<'controller'>;
  reconcileTime: Histogram<'controller'>;
  queueDepth: Gauge<'name'>;
  syncs: Counter<'source_type' | 'result'>;
  syncDuration: Histogram<'source_type' | 'result'>;
  servers: Gauge<'namespace' | 'name'>;
  storageWrites: Counter;
  isLeader: Gauge;
  /** Per-registry health for the alerts in monitoring/ (docs/troubleshooting.md, "Alerts"). */
  registries: RegistryGauges;
}

export function createControllerMetrics(registry: Registry): ControllerMetrics {
  const registers = [registry];
  const metrics = {
    reconcileTotal: new Counter({
      name: 'controller_runtime_reconcile_total',
      help: 'Reconciliations by result',
      labelNames: ['controller', 'result'],
      registers,
    }),
    reconcileErrors: new Counter({
      name: 'controller_runtime_reconcile_errors_total',
      help: 'Reconciliations that returned an error',
      labelNames: ['controller'],
      registers,
    }),
    reconcileTime: new Histogram({
      name: 'controller_runtime_reconcile_time_seconds',
      help: 'Reconcile duration',
      labelNames: ['controller'],
      registers,
    }),
    queueDepth: new Gauge({
      name: 'workqueue_depth',
      help: 'Keys waiting in the work queue',
      labelNames: ['name'],
      registers,
    }),
    syncs: new Counter({
      name: 'mcpregistry_sync_total',
      help: 'Syncs by first source type and result (success, unchanged, failure)',
      labelNames: ['source_type', 'result'],
      registers,
    }),
    syncDuration: new Histogram({
      name: 'mcpregistry_sync_duration_seconds',
      help: 'Sync duration',
      labelNames: ['source_type', 'result'],
      buckets: [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60],
      registers,
    }),
    servers: new Gauge({
      name: 'mcpregistry_servers',
      help: 'Servers in the stored catalog',
      labelNames: ['namespace', 'name'],
      registers,
    }),
    storageWrites: new Counter({
      name: 'mcpregistry_storage_writes_total',
      help: 'Storage writes (a no-op resync writes nothing)',
      registers,
    }),
    isLeader: new Gauge({
      name: 'leader_election_master_status',
      help: '1 when this process leads',
      registers,
    }),
  };
  return { ...metrics, registries: new RegistryGauges(registry, metrics.servers) };
}

/** Counts one sync attempt (act) by source type and result, with its duration. */
export function observeSync(m: ControllerMetrics, sourceType: string, result: string, seconds: number): void {
  m.syncs.inc({ source_type: sourceType, result });
  const durationResult = result === 'failure' ? 'failure' : 'success';
  m.syncDuration.observe({ source_type: sourceType, result: durationResult }, seconds);
}

type Key = { namespace: string; name: string };

/** 0 without an interval, and for one no parser accepts (the reconcile reports that as Failed). */
function intervalSeconds(interval: string | undefined): number {
  try {
    return interval ? durationMs(interval) / 1000 : 0;
  } catch {
    return 0;
  }
}
const keyOf = (reg: MCPRegistryV1beta1): Key => ({
  namespace: reg.metadata.namespace ?? '',
  name: reg.metadata.name ?? '',
});

/**
 * The series an alert needs per registry, set from its status on every reconcile (so a new leader
 * has them after its first pass) and from each sync's outcome; removed when the registry is gone, so
 * a deleted registry never looks stale. Only the leader reconciles, so only the leader has them.
 */
export class RegistryGauges {
  private readonly servers: Gauge<'namespace' | 'name'>;
  private readonly failures: Gauge<'namespace' | 'name'>;
  private readonly lastSuccess: Gauge<'namespace' | 'name'>;
  private readonly interval: Gauge<'namespace' | 'name'>;
  private readonly apiReady: Gauge<'namespace' | 'name'>;
  private readonly fetchErrors: Counter<'namespace' | 'name' | 'source_type' | 'reason'>;
  /** The latest success per registry: an unchanged sync writes no status, so status alone lags. */
  private readonly successes = new Map<string, number>();
  /** The fetch-error label sets per registry, to remove them with it. */
  private readonly errorLabels = new Map<string, Map<string, { source_type: string; reason: string }>>();

  /** `servers` (mcpregistry_servers) is set by the sync; it goes with the registry too. */
  constructor(registry: Registry, servers: Gauge<'namespace' | 'name'>) {
    this.servers = servers;
    const registers = [registry];
    const gauge = (name: string, help: string) =>
      new Gauge({ name, help, labelNames: ['namespace', 'name'] as const, registers });
    this.failures = gauge(
      'mcpregistry_sync_consecutive_failures',
      'Failed sync attempts since the last success (status.sync.attempts)',
    );
    this.lastSuccess = gauge(
      'mcpregistry_last_sync_success_timestamp_seconds',
      'Unix time of the last sync that succeeded, storing new data or finding it unchanged',
    );
    this.interval = gauge(
      'mcpregistry_sync_interval_seconds',
      'spec.syncPolicy.interval in seconds; 0 when the registry syncs only on change',
    );
    this.apiReady = gauge(
      'mcpregistry_api_ready',
      "1 when the registry's API Deployment has a ready replica (APIReady), 0 when not",
    );
    this.fetchErrors = new Counter({
      name: 'mcpregistry_source_fetch_errors_total',
      help: "Failed fetches of a registry's sources, by source type and the SourceAvailable reason",
      labelNames: ['namespace', 'name', 'source_type', 'reason'],
      registers,
    });
  }

  /** From the registry's status and spec, on every reconcile. */
  observe(reg: MCPRegistryV1beta1): void {
    const key = keyOf(reg);
    const sync = reg.status?.sync;
    this.failures.set(key, sync?.attempts ?? 0);
    // The last attempt succeeded when attempts is 0; else lastSyncTime is the last success.
    const fromStatus =
      (sync?.attempts ? sync.lastSyncTime : (sync?.lastAttemptTime ?? sync?.lastSyncTime)) ?? '';
    this.success(key, Date.parse(fromStatus) / 1000);
    this.interval.set(key, intervalSeconds(reg.spec.syncPolicy?.interval));
    const api = reg.status?.conditions?.find((c) => c.type === 'APIReady')?.status;
    if (api === 'True' || api === 'False') this.apiReady.set(key, api === 'True' ? 1 : 0);
    else this.apiReady.remove(key);
  }

  /** After a sync attempt, with the status it wrote: a success is fresh data; a failed fetch counts. */
  synced(reg: MCPRegistryV1beta1, result: string, sourceType: string, nowMs: number): void {
    const key = keyOf(reg);
    if (result !== 'failure') this.success(key, nowMs / 1000);
    const source = reg.status?.conditions?.find((c) => c.type === 'SourceAvailable');
    if (result === 'failure' && source?.status === 'False') {
      const labels = { source_type: sourceType, reason: source.reason };
      this.fetchErrors.inc({ ...key, ...labels });
      const id = `${key.namespace}/${key.name}`;
      const sets = this.errorLabels.get(id) ?? new Map<string, typeof labels>();
      this.errorLabels.set(id, sets.set(`${labels.source_type}/${labels.reason}`, labels));
    }
    this.observe(reg);
  }

  forget(namespace: string, name: string): void {
    const key = { namespace, name };
    const id = `${namespace}/${name}`;
    this.successes.delete(id);
    for (const g of [this.failures, this.lastSuccess, this.interval, this.apiReady, this.servers])
      g.remove(key);
    // Counters of a deleted registry go too (its label sets would otherwise stay forever).
    for (const labels of this.errorLabels.get(id)?.values() ?? [])
      this.fetchErrors.remove({ ...key, ...labels });
    this.errorLabels.delete(id);
  }

  private success(key: Key, seconds: number): void {
    const id = `${key.namespace}/${key.name}`;
    const latest = Math.max(this.successes.get(id) ?? 0, Number.isFinite(seconds) ? seconds : 0);
    if (latest === 0) return;
    this.successes.set(id, latest);
    this.lastSuccess.set(key, latest);
  }
}
