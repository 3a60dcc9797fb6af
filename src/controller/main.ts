/**
 * The controller, composed: informers on MCPRegistries, ConfigMaps and (with the API workload) our
 * Deployments feed the manager's work queue; the manager's workers run reconcile(namespace/name).
 * With leader election, only the leader starts informers and workers, and every write is guarded by
 * the lease; with --shards > 1 every replica runs them and reconciles its shards' registries only.
 * Every setting comes from OperatorConfig (src/config/operator-config.ts).
 */
import type { Logger } from 'pino';
import type { Registry } from 'prom-client';
import { KubeClient } from '../kube/client.ts';
import type { OperatorConfig } from '../config/operator-config.ts';
import type { MCPRegistryV1beta1 } from '../api/types.ts';
import { LABEL_MANAGED_BY, LABEL_REGISTRY, MANAGED_BY } from '../api/constants.ts';
import { UrlCache } from '../sources/index.ts';
import { REGISTRIES, getRegistry } from '../kube/mcpregistries.ts';
import type { ReadinessCheck } from '../observability/health.ts';
import { WorkQueue } from './watch/queue.ts';
import { Informer, type KubeObject } from './watch/informer.ts';
import { ConfigMapInformers } from './watch/configmap-informers.ts';
import { replicaRole } from './leadership/replica-role.ts';
import { Reconciler } from './sync/reconciler.ts';
import { HostSlots } from './sync/host-slots.ts';
import { kubeReconcilerIO } from './sync/reconcile-io.ts';
import { Manager, registriesForConfigMap } from './manager.ts';
import { readersOf } from './federation/registry-refs.ts';
import { federationHooks, REF_SETTLE_MS } from './federation/registry-ref-resolver.ts';
import { createControllerMetrics } from './metrics.ts';
import { Discovery } from './discovery/discovery.ts';
import { GatewayApiWatch } from './gateway-api-watch.ts';
import { exposureStale } from './workload/exposure.ts';
import { Compliance } from './compliance/compliance.ts';
import { sourcePolicy } from '../sources/destinations/destinations.ts';
import { apiAddressesListed, watchApiAddresses } from './api-address-watch.ts';
import { startSyncWorkers, workerSyncWork } from './pipeline-workers/index.ts';
import { setPreReading } from '../registry/pre-read.ts';
import {
  apiName,
  apiStatusFrom,
  cleanupApiWorkload,
  grantStorage,
  reconcileApiWorkload,
  type DeploymentStatusView,
} from './workload/api-workload.ts';
import { networkPolicyStale } from './workload/network-policy.ts';

type DeploymentObject = KubeObject & DeploymentStatusView;

export interface RunningController {
  stop: () => Promise<void>;
  /** Ready when this replica works or stands by for the lease (both are healthy states). */
  readiness: ReadinessCheck;
}

export async function runController(
  config: OperatorConfig,
  log: Logger,
  registry: Registry,
): Promise<RunningController> {
  const t = config.tuning;
  const client = KubeClient.load({
    kubeconfig: config.kubeconfig,
    userAgent: 'mcp-registry-operator/controller',
  });
  const metrics = createControllerMetrics(registry);
  // The sync's CPU work never runs on this event loop, which also answers admission (SPEC §18).
  const pool =
    config.syncWorkers === 0
      ? undefined
      : startSyncWorkers({
          size: config.syncWorkers,
          memoryMb: config.syncWorkerMemoryMb,
          onReplaced: (why) => log.warn({ reason: why }, 'sync worker replaced'),
        });
  // Registry pages are still parsed here as they arrive (their cursors lead the fetch); validating
  // and converting them ahead is for an in-process pipeline only.
  if (pool) setPreReading(false);
  const queue = new WorkQueue({
    now: Date.now,
    baseDelayMs: t.queueBaseDelayMs,
    maxDelayMs: t.queueMaxDelayMs,
  });
  // One leader, or shard Leases (--shards): which registries this replica reconciles (replica-role.ts).
  const role = replicaRole({ client, ...config, log });
  const guard = role.guard;
  const namespaces = config.watchNamespaces.length ? config.watchNamespaces : [undefined];

  const manager = new Manager({
    queue,
    // Called only after start(), when reconciler (below) exists.
    reconcile: (key) => role.reconcileAs(key, () => reconciler.reconcile(key), {}),
    workers: t.workers,
    metrics,
    log,
  });
  const registryInformers: Informer<MCPRegistryV1beta1>[] = [];
  const configMapInformers: ConfigMapInformers[] = [];
  const ownedInformers: Informer<DeploymentObject>[] = [];
  // The registry APIs' addresses, so a fetch never reaches one by address instead of by name (SPEC §18).
  const apiAddresses = watchApiAddresses(client, namespaces, log);
  const allRegistries = function* () {
    for (const inf of registryInformers) yield* inf.list();
  };
  // kubernetes sources (SPEC §12): workload informers opened where registries read, watch-driven.
  const discovery = new Discovery({
    client,
    log: log.child({ component: 'discovery' }),
    registries: allRegistries,
    enqueue: (key, afterMs) => queue.addAfter(key, afterMs),
    crossNamespace: () => sourcePolicy().allowCrossNamespaceDiscovery,
  });
  // spec.api.httpRoute (SPEC §13): routes wait for the Gateway API and are created when it appears.
  const gatewayApi = new GatewayApiWatch(client, log.child({ component: 'gateway-api' }), () => {
    for (const r of allRegistries()) if (r.spec.api?.httpRoute) manager.enqueue(Informer.key(r));
  });
  for (const ns of namespaces) {
    registryInformers.push(
      new Informer<MCPRegistryV1beta1>(
        client,
        { ...REGISTRIES, namespace: ns },
        (_t, o) => {
          manager.enqueue(Informer.key(o));
          discovery.scheduleRefresh();
          // Registries reading this one by registryRef look again once its API has the new data.
          for (const key of readersOf(o, allRegistries())) queue.addAfter(key, REF_SETTLE_MS);
        },
        log.child({ informer: 'mcpregistries', namespace: ns }),
      ),
    );
    // Storage ConfigMaps as metadata only, every other ConfigMap whole (configmap-informers.ts).
    configMapInformers.push(
      new ConfigMapInformers(
        client,
        ns,
        (_t, cm) => {
          for (const key of registriesForConfigMap(cm, allRegistries())) manager.enqueue(key);
        },
        log.child({ informer: 'configmaps', namespace: ns }),
      ),
    );
    if (config.deployRegistryApi)
      ownedInformers.push(
        new Informer<DeploymentObject>(
          client,
          { group: 'apps', version: 'v1', plural: 'deployments', namespace: ns },
          (_t, d) => {
            const owner = d.metadata.labels?.[LABEL_REGISTRY];
            if (owner) manager.enqueue(`${d.metadata.namespace ?? ''}/${owner}`);
          },
          log.child({ informer: 'deployments', namespace: ns }),
          { labelSelector: `${LABEL_MANAGED_BY}=${MANAGED_BY}` },
        ),
      );
  }
  const cached = <T extends KubeObject>(
    informers: { get(namespace: string, name: string): T | undefined }[],
    namespace: string,
    name: string,
  ) => informers.map((inf) => inf.get(namespace, name)).find((o) => o !== undefined);

  const reconciler = new Reconciler({
    io: kubeReconcilerIO({
      client,
      guard,
      urlCache: new UrlCache(),
      retryDelayMs: t.sourceRetryDelayMs,
      configMapVersions: (namespace, names) =>
        names
          .map(
            (n) => `${n}@${cached(configMapInformers, namespace, n)?.metadata.resourceVersion ?? 'absent'}`,
          )
          .join(','),
      configMapCached: (namespace, name) => cached(configMapInformers, namespace, name) !== undefined,
      configMapObject: (namespace, name) => cached(configMapInformers, namespace, name),
      registryCached: (namespace, name) => cached(registryInformers, namespace, name),
      configMapsOf: (namespace) => {
        const inf = configMapInformers.find(
          (_i, n) => namespaces[n] === undefined || namespaces[n] === namespace,
        );
        return inf?.hasSynced() ? inf.list() : undefined;
      },
      ...discovery.around(
        federationHooks({
          cached: (namespace, name) => cached(registryInformers, namespace, name),
          get: (namespace, name) => getRegistry(client, namespace, name),
          endpoints: config.registryRefEndpoints,
          apiDeployed: config.deployRegistryApi,
        }),
      ),
      apiWorkload: config.deployRegistryApi
        ? {
            reconcile: (reg, storage) =>
              reconcileApiWorkload(client, reg, {
                image: config.registryApiImage,
                enabled: true,
                guard,
                storage,
                operatorNamespace: config.namespace,
                ingressNamespaceSelector: config.registryApiIngressNamespaceSelector,
                ingressClass: config.registryApiIngressClass,
                apiDefaults: { replicas: config.registryApiReplicas, resources: config.registryApiResources },
              }),
            grant: (reg, storage) =>
              grantStorage(client, reg, storage, { guard, operatorNamespace: config.namespace }),
            observe: (reg) => {
              // Consent changed since the NetworkPolicy was applied, or the exposure is not applied as
              // this process knows it: re-apply the workload now.
              if (networkPolicyStale(reg) || exposureStale(reg, gatewayApi.served())) return undefined;
              const d = cached(
                ownedInformers,
                reg.metadata.namespace ?? '',
                apiName(reg.metadata.name ?? ''),
              );
              return d && apiStatusFrom(reg, d);
            },
            cleanup: (reg) => cleanupApiWorkload(client, reg, guard),
          }
        : undefined,
    }),
    log,
    metrics,
    now: Date.now,
    backoffBaseMs: t.syncBackoffBaseMs,
    backoffMaxMs: t.syncBackoffMaxMs,
    ...(pool && { work: workerSyncWork(pool) }),
    // One fetch per source host; one namespace may hold all workers but one (SPEC §8 "Bounded work").
    slots: new HostSlots(t.workers - 1, (keys) => keys.forEach((k) => manager.enqueue(k))),
  });

  const informers = () => [...registryInformers, ...configMapInformers, ...ownedInformers, ...apiAddresses];
  // Workloads that predate enforcement, counted on each enforcing registry (SPEC §11).
  const compliance = new Compliance({
    client,
    log: log.child({ component: 'compliance' }),
    guard: role.guardFor,
    // Every cache whole, or an enforcing registry's storage would look missing. Ours only, with shards.
    registries: () =>
      informers().every((i) => i.hasSynced())
        ? [...allRegistries()].filter((r) => role.owns(r.metadata.namespace ?? ''))
        : undefined,
    storageMeta: (namespace, name) => cached(configMapInformers, namespace, name),
    intervalMs: t.complianceIntervalMs,
  });
  const start = () => {
    if (!role.sharded) metrics.isLeader.set(1);
    for (const inf of informers()) inf.start();
    discovery.start();
    if (config.deployRegistryApi) gatewayApi.start();
    compliance.start();
    // Fetches judge addresses against every registry API's (SPEC §18): workers start once listed.
    void apiAddressesListed(apiAddresses, () => !stopped, log).then((ok) => ok && manager.start());
    log.info(
      {
        namespaces: config.watchNamespaces.length ? config.watchNamespaces : 'all',
        workers: t.workers,
        syncWorkers: pool?.size ?? 0,
      },
      'controller started',
    );
  };
  let stopped = false;
  const stopWork = async () => {
    metrics.isLeader.set(0);
    for (const inf of informers()) inf.stop();
    discovery.stop();
    gatewayApi.stop();
    await compliance.stop();
    await manager.stop();
  };

  role.run({
    start,
    lost: () => {
      void stopWork();
      // Like controller-runtime: a replica that lost the lease exits and starts over as a candidate.
      process.exitCode = 1;
      setTimeout(() => process.exit(1), 100);
    },
    acquired: (inShard) => {
      for (const r of allRegistries())
        if (inShard(r.metadata.namespace ?? '')) manager.enqueue(Informer.key(r));
    },
    holding: (yes) => metrics.isLeader.set(yes ? 1 : 0),
  });

  return {
    readiness: () =>
      stopped
        ? { ok: false, detail: 'shutting down' }
        : manager.started
          ? { ok: true, detail: `reconciling with ${t.workers} workers${role.detail()}` }
          : { ok: true, detail: 'standing by for the leader lease' },
    stop: async () => {
      stopped = true;
      await stopWork();
      await role.stop();
      await pool?.close();
      client.close();
    },
  };
}
