/** Reading Prometheus text: the sums the benchmarks take of our /metrics and the apiserver's. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { metricSum } from '../../../bench/lib/scrape.ts';

const TEXT = `# HELP mcpr_webhook_tls_handshakes_total TLS handshakes
# TYPE mcpr_webhook_tls_handshakes_total counter
mcpr_webhook_tls_handshakes_total{resumed="false"} 12
mcpr_webhook_tls_handshakes_total{resumed="true"} 3
mcpr_webhook_tls_handshakes_total_extra 100
controller_runtime_webhook_requests_total{webhook="/validate",code="200"} 40
controller_runtime_webhook_requests_total{webhook="/mutate",code="200"} 41
workqueue_depth{name="mcpregistry"} 0
plain_metric 7
`;

test('sums every sample of exactly that name, optionally filtered by labels', () => {
  assert.equal(metricSum(TEXT, 'mcpr_webhook_tls_handshakes_total'), 15);
  assert.equal(metricSum(TEXT, 'mcpr_webhook_tls_handshakes_total', { resumed: 'false' }), 12);
  assert.equal(metricSum(TEXT, 'controller_runtime_webhook_requests_total'), 81);
  assert.equal(metricSum(TEXT, 'controller_runtime_webhook_requests_total', { webhook: '/mutate' }), 41);
  assert.equal(metricSum(TEXT, 'plain_metric'), 7);
  assert.equal(metricSum(TEXT, 'workqueue_depth'), 0);
  assert.equal(metricSum(TEXT, 'absent_total'), 0);
  assert.equal(metricSum('', 'plain_metric'), 0);
});
