/**
 * Starts everything the webhook side of the operator serves: the HTTPS webhook server (admission and
 * conversion), certificate and policy reloading, and the plain-HTTP health/metrics server. Returns a
 * stop function that drains (readiness goes 503, requests are still served) before closing.
 */
import type { Server } from 'node:net';
import type { Logger } from 'pino';
import type { Registry } from 'prom-client';
import type { OperatorConfig } from '../config/operator-config.ts';
import { HealthServer } from '../observability/health.ts';
import { webhookMetrics } from './metrics.ts';
import { loadPolicyStore } from './policy-store.ts';
import { createWebhookServer } from './server.ts';
import { readCertPair, reloadCerts } from './tls.ts';
import { AccessReviewer, kubeAccessApi } from './access-review.ts';
import { PolicyConfigMapReviewer, kubePolicyApi } from './policy-configmap-review.ts';
import { CedarChecker } from './cedar-check.ts';

/** The first call's promise for every call; a failed load is tried again by the next caller. */
function once<T>(f: () => Promise<T>): () => Promise<T> {
  let p: Promise<T> | undefined;
  return () => {
    p ??= f().catch((e: unknown) => {
      p = undefined;
      throw e;
    });
    return p;
  };
}
import { startWorkloads } from './workloads/start.ts';

function listen(server: Server, port: number, host: string | undefined): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
}

function close(server: Server): Promise<void> {
  return new Promise((resolve) => server.close(() => resolve()));
}

export async function runWebhooks(
  config: OperatorConfig,
  log: Logger,
  metrics: Registry,
  /** The process's health server; without one, the webhooks serve their own on config.healthAddress. */
  sharedHealth?: HealthServer,
): Promise<() => Promise<void>> {
  // Imported only in self-signed mode: it needs the Kubernetes client and the X.509 library, which a
  // webhook-only replica serving a mounted certificate never loads (docs/performance.md, memory).
  const selfSigned = config.selfSigned
    ? await (await import('./self-signed.ts')).startSelfSigned(config, log)
    : undefined;
  const policy = loadPolicyStore(config.policyFile, log, metrics);
  let pair: { cert: Buffer; key: Buffer };
  try {
    pair = readCertPair(config.certDir);
  } catch (e) {
    throw new Error(
      `no serving certificate in ${config.certDir} (tls.crt, tls.key): ${(e as Error).message}`,
      {
        cause: e,
      },
    );
  }
  let draining = false;
  const cedar = new CedarChecker();
  const workloads = startWorkloads(config.kubeconfig, log.child({ component: 'workloads' }), () => ({
    registries: policy.current().workloads?.registries ?? [],
  }));
  const server = createWebhookServer({
    ...('admission' in workloads && { workloads: workloads.admission }),
    ...pair,
    policy: () => policy.current(),
    log,
    metrics: webhookMetrics(metrics),
    draining: () => draining,
    // The Kubernetes client is loaded on the first spec that names a Secret or another registry's API.
    access: new AccessReviewer({ api: once(() => kubeAccessApi(config.kubeconfig)) }),
    // Cedar runs on its own thread (cedar-check.ts), started on the first spec that names policies.
    policies: new PolicyConfigMapReviewer({
      api: once(() => kubePolicyApi(config.kubeconfig)),
      checker: cedar,
    }),
  });
  server.on('tlsClientError', (err) => log.debug({ err: err.message }, 'TLS handshake failed'));
  await listen(server, config.webhookPort, config.webhookHost);
  const certs = reloadCerts(server, config.certDir, pair, log, metrics);

  const health =
    sharedHealth ??
    new HealthServer(metrics, (err, path) => log.error({ err, path }, 'health request failed'));
  health.addCheck('webhook', () =>
    draining ? { ok: false, detail: 'shutting down' } : { ok: true, detail: 'serving' },
  );
  health.addCheck('policy', () => {
    const p = policy.problem();
    return {
      ok: true,
      detail: p ?? (config.policyFile ? `loaded from ${config.policyFile}` : 'built-in defaults'),
    };
  });
  health.addCheck('workloads', () =>
    'admission' in workloads ? workloads.readiness() : { ok: true, detail: workloads.off },
  );
  health.addCheck('tls', () => ({
    ok: true,
    detail: `certificate loaded ${certs.loads()} time(s) from ${config.certDir}`,
  }));
  if (!sharedHealth) await health.listen(config.healthAddress);
  log.info(
    {
      port: config.webhookPort,
      host: config.webhookHost,
      health: config.healthAddress,
      policy: config.policyFile,
    },
    'webhook server listening',
  );

  let stopped: Promise<void> | undefined;
  return () =>
    (stopped ??= (async () => {
      draining = true;
      log.info({ drainSeconds: config.drainSeconds }, 'draining webhook server');
      await new Promise((r) => setTimeout(r, config.drainSeconds * 1000));
      certs.close();
      cedar.close();
      policy.close();
      selfSigned?.stop();
      if ('stop' in workloads) await workloads.stop();
      const closing = close(server);
      server.closeIdleConnections();
      const force = setTimeout(() => server.closeAllConnections(), 5000);
      await closing;
      clearTimeout(force);
      if (!sharedHealth) await health.close();
      log.info('webhook server stopped');
    })());
}
