/** prom-client metrics of the registry API process. */
import { Counter, Gauge, Histogram, type Registry } from 'prom-client';

export interface ApiMetrics {
  requests: Counter<'route' | 'method' | 'code'>;
  duration: Histogram<'route'>;
  servers: Gauge;
  reloads: Counter<'result'>;
  lastReload: Gauge;
}

export function createApiMetrics(registry: Registry): ApiMetrics {
  return {
    requests: new Counter({
      name: 'registry_api_http_requests_total',
      help: 'HTTP requests by route template, method and status code.',
      labelNames: ['route', 'method', 'code'],
      registers: [registry],
    }),
    duration: new Histogram({
      name: 'registry_api_http_request_duration_seconds',
      help: 'HTTP request latency by route template.',
      labelNames: ['route'],
      buckets: [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
      registers: [registry],
    }),
    servers: new Gauge({
      name: 'registry_api_catalog_servers',
      help: 'Servers in the catalog being served.',
      registers: [registry],
    }),
    reloads: new Counter({
      name: 'registry_api_catalog_reloads_total',
      help: 'Catalog loads by result (success, unchanged, failure).',
      labelNames: ['result'],
      registers: [registry],
    }),
    lastReload: new Gauge({
      name: 'registry_api_catalog_last_reload_timestamp_seconds',
      help: 'Unix time of the last successful catalog load.',
      registers: [registry],
    }),
  };
}
