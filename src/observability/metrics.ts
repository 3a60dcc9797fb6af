/**
 * One prom-client registry per process. Metric names follow controller-runtime's where one exists,
 * so existing dashboards and alerts transfer.
 */
import { Registry, collectDefaultMetrics } from 'prom-client';

export function createMetricsRegistry(): Registry {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  return registry;
}
