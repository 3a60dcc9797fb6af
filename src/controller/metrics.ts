/** Controller metrics, with controller-runtime's names where one exists. */
import { Counter, Gauge, Histogram, type Registry } from 'prom-client';

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
}

export function createControllerMetrics(registry: Registry): ControllerMetrics {
  const registers = [registry];
  return {
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
}
