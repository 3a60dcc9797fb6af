/** Webhook metrics: controller-runtime's names where they exist, plus durations by path and verdict (SPEC §4). */
import { Counter, Gauge, Histogram, type Registry } from 'prom-client';

export interface WebhookMetrics {
  observe(path: string, verdict: string, code: number, seconds: number): void;
  inFlight: Gauge<'webhook'>;
  /** Completed TLS handshakes, by whether the session was resumed. */
  handshakes: Counter<'resumed'>;
}

export function webhookMetrics(registry: Registry): WebhookMetrics {
  const duration = new Histogram({
    name: 'mcpr_webhook_request_duration_seconds',
    help: 'Webhook request durations, by path and verdict (allowed, patched, denied, error, rejected).',
    labelNames: ['path', 'verdict'] as const,
    buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
    registers: [registry],
  });
  const requests = new Counter({
    name: 'controller_runtime_webhook_requests_total',
    help: 'Webhook requests, by path and HTTP status code.',
    labelNames: ['webhook', 'code'] as const,
    registers: [registry],
  });
  const inFlight = new Gauge({
    name: 'controller_runtime_webhook_requests_in_flight',
    help: 'Webhook requests being served.',
    labelNames: ['webhook'] as const,
    registers: [registry],
  });
  // One handshake per request means the caller (the apiserver) does not reuse its connections: the
  // costliest thing a webhook can be asked to do (docs/performance.md, "connection reuse").
  const handshakes = new Counter({
    name: 'mcpr_webhook_tls_handshakes_total',
    help: 'TLS handshakes completed on the webhook port, by whether the session was resumed.',
    labelNames: ['resumed'] as const,
    registers: [registry],
  });
  return {
    inFlight,
    handshakes,
    observe(path, verdict, code, seconds) {
      duration.observe({ path, verdict }, seconds);
      requests.inc({ webhook: path, code: String(code) });
    },
  };
}
