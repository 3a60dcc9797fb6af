/**
 * The controller: informers on MCPRegistries and ConfigMaps feed a de-duplicating, rate-limited
 * work queue; workers run reconcile(namespace/name). With leader election, only the leader starts
 * informers and workers, and every write is guarded by the lease.
 */
import { hostname } from 'node:os';
import { randomBytes } from 'node:crypto';
import type { Logger } from 'pino';
import type { Registry } from 'prom-client';
import { KubeClient } from '../kube/client.ts';
import type { OperatorConfig } from '../config/operator-config.ts';
import type { MCPRegistryV1beta1 } from '../api/types.ts';
import { LABEL_MANAGED_BY, LABEL_REGISTRY, MANAGED_BY } from '../api/constants.ts';
import { UrlCache } from '../sources/index.ts';
import type { ConfigMapObject } from '../kube/configmaps.ts';
import { WorkQueue } from './queue.ts';
import { Informer, type KubeObject } from './informer.ts';

type DeploymentObject = KubeObject & DeploymentStatusView;
import { LeaderElector, NotLeaderError } from './leader-election.ts';
import { Reconciler } from './reconciler.ts';
import { REGISTRIES } from '../kube/mcpregistries.ts';
import { createControllerMetrics } from './metrics.ts';
import {
  apiName,
  apiStatusFrom,
  cleanupApiWorkload,
  reconcileApiWorkload,
  type DeploymentStatusView,
} from './api-workload.ts';

const WORKERS = 4;

function envMs(name: string, def: number): number {
  const v = Number(process.env[name]);
  return Number.isFinite(v) && v > 0 ? v : def;
}

export async function runController(
  config: OperatorConfig,
  log: Logger,
  registry: Registry,
): Promise<() => Promise<void>> {
  const client = KubeClient.load({
    kubeconfig: config.kubeconfig,
    userAgent: 'mcp-registry-operator/controller',
  });
  const metrics = createControllerMetrics(registry);
  const queue = new WorkQueue({
    now: Date.now,
    baseDelayMs: envMs('MCPR_QUEUE_BASE_DELAY_MS', 1000),
    maxDelayMs: envMs('MCPR_QUEUE_MAX_DELAY_MS', 300_000),
  });
  const identity = `${process.env.HOSTNAME || hostname()}_${randomBytes(4).toString('hex')}`;
  const elector = config.leaderElect
    ? new LeaderElector(
        client,
        config.namespace,
        config.leaseName,
        identity,
        log.child({ component: 'leader-election' }),
      )
    : undefined;
  const guard = elector ? elector.guard : () => {};
  const namespaces = config.watchNamespaces.length ? config.watchNamespaces : [undefined];

  const registryInformers: Informer<MCPRegistryV1beta1>[] = [];
  const configMapInformers: Informer<ConfigMapObject>[] = [];
  let wake: (() => void) | undefined;
  const enqueue = (key: string) => {
    queue.add(key);
    wake?.();
  };
  for (const ns of namespaces) {
    registryInformers.push(
      new Informer<MCPRegistryV1beta1>(
        client,
        { ...REGISTRIES, namespace: ns },
        (_t, o) => enqueue(Informer.key(o)),
        log.child({ informer: 'mcpregistries', namespace: ns }),
      ),
    );
    configMapInformers.push(
      new Informer<ConfigMapObject>(
        client,
        { group: '', version: 'v1', plural: 'configmaps', namespace: ns },
        (_t, cm) => {
          const ns2 = cm.metadata.namespace ?? '';
          const owner = cm.metadata.labels?.[LABEL_REGISTRY];
          if (owner && cm.metadata.labels?.[LABEL_MANAGED_BY] === MANAGED_BY) enqueue(`${ns2}/${owner}`);
          for (const inf of registryInformers)
            for (const reg of inf.list())
              if (
                reg.metadata.namespace === ns2 &&
                reg.spec.sources.some(
                  (s) => s.type === 'configmap' && s.configMapRef?.name === cm.metadata.name,
                )
              )
                enqueue(Informer.key(reg));
        },
        log.child({ informer: 'configmaps', namespace: ns }),
      ),
    );
  }
  const ownedInformers: Informer<DeploymentObject>[] = [];
  if (config.deployRegistryApi)
    for (const ns of namespaces)
      ownedInformers.push(
        new Informer<DeploymentObject>(
          client,
          { group: 'apps', version: 'v1', plural: 'deployments', namespace: ns },
          (_t, d) => {
            const owner = d.metadata.labels?.[LABEL_REGISTRY];
            if (owner) enqueue(`${d.metadata.namespace ?? ''}/${owner}`);
          },
          log.child({ informer: 'deployments', namespace: ns }),
          `${LABEL_MANAGED_BY}=${MANAGED_BY}`,
        ),
      );
  const cached = <T extends KubeObject>(informers: Informer<T>[], namespace: string, name: string) =>
    informers.map((inf) => inf.get(namespace, name)).find((o) => o !== undefined);
  const configMapVersions = (namespace: string, names: string[]) =>
    names
      .map((n) => `${n}@${cached(configMapInformers, namespace, n)?.metadata.resourceVersion ?? 'absent'}`)
      .join(',');

  const reconciler = new Reconciler({
    client,
    log,
    metrics,
    guard,
    now: Date.now,
    urlCache: new UrlCache(),
    configMapVersions,
    configMapCached: (namespace, name) => cached(configMapInformers, namespace, name) !== undefined,
    backoffBaseMs: envMs('MCPR_SYNC_BACKOFF_BASE_MS', 5000),
    backoffMaxMs: envMs('MCPR_SYNC_BACKOFF_MAX_MS', 300_000),
    retryDelayMs: process.env.MCPR_SOURCE_RETRY_DELAY_MS
      ? envMs('MCPR_SOURCE_RETRY_DELAY_MS', 500)
      : undefined,
    apiWorkload: config.deployRegistryApi
      ? {
          reconcile: (reg) =>
            reconcileApiWorkload(client, reg, { image: config.registryApiImage, enabled: true, guard }),
          observe: (reg) => {
            const d = cached(ownedInformers, reg.metadata.namespace ?? '', apiName(reg.metadata.name ?? ''));
            return d && apiStatusFrom(reg, d);
          },
          cleanup: (reg) => cleanupApiWorkload(client, reg),
        }
      : undefined,
  });

  let running = false;
  const workers: Promise<void>[] = [];
  const worker = async () => {
    while (running) {
      const key = queue.get();
      if (key === undefined) {
        const delay = queue.nextDelay();
        await new Promise<void>((r) => {
          const t = setTimeout(r, delay === undefined ? 1000 : Math.min(delay, 1000));
          wake = () => {
            clearTimeout(t);
            r();
          };
        });
        continue;
      }
      metrics.queueDepth.set({ name: 'mcpregistry' }, queue.depth());
      const end = metrics.reconcileTime.startTimer({ controller: 'mcpregistry' });
      try {
        const res = await reconciler.reconcile(key);
        queue.forget(key);
        if (res.requeueAfterMs !== undefined) queue.addAfter(key, res.requeueAfterMs);
        metrics.reconcileTotal.inc({
          controller: 'mcpregistry',
          result: res.requeueAfterMs !== undefined ? 'requeue_after' : 'success',
        });
      } catch (e) {
        if (e instanceof NotLeaderError) {
          log.warn({ key }, 'dropped a write: not the leader');
        } else {
          metrics.reconcileErrors.inc({ controller: 'mcpregistry' });
          metrics.reconcileTotal.inc({ controller: 'mcpregistry', result: 'error' });
          const delay = queue.addRateLimited(key);
          log.error({ key, err: (e as Error).message, retryInMs: delay }, 'reconcile failed');
        }
      } finally {
        end();
        queue.done(key);
      }
    }
  };

  const start = () => {
    running = true;
    metrics.isLeader.set(1);
    for (const inf of [...registryInformers, ...configMapInformers, ...ownedInformers]) inf.start();
    for (let i = 0; i < WORKERS; i++) workers.push(worker());
    log.info(
      { namespaces: config.watchNamespaces.length ? config.watchNamespaces : 'all' },
      'controller started',
    );
  };
  const stopWork = () => {
    running = false;
    metrics.isLeader.set(0);
    for (const inf of [...registryInformers, ...configMapInformers, ...ownedInformers]) inf.stop();
    wake?.();
  };

  if (elector) {
    elector.run(start, () => {
      stopWork();
      // Like controller-runtime: a replica that lost the lease exits and starts over as a candidate.
      process.exitCode = 1;
      setTimeout(() => process.exit(1), 100);
    });
  } else start();

  return async () => {
    stopWork();
    await Promise.race([Promise.all(workers), new Promise((r) => setTimeout(r, 5000))]);
    await elector?.stop();
    client.close();
  };
}
