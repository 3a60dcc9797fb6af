/**
 * Operator settings from flags and environment (flags win). Pure: parseOperatorConfig(argv, env)
 * is table-tested; src/bin/operator.ts only calls it. Every setting is documented in
 * docs/configuration.md.
 */
import { parseApiResources, type ApiResources } from './api-defaults.ts';
import { isLabelValue, isQualifiedName } from '../api/labels.ts';
import { DEFAULT_API_RESOURCES } from '../api/schema/api.ts';
import { parseArgs } from 'node:util';

export interface OperatorConfig {
  kubeconfig?: string;
  /** Namespaces to watch; empty = all. */
  watchNamespaces: string[];
  /** The operator's own namespace (excluded from admission, holds the Lease and self-signed Secret). */
  namespace: string;
  enableWebhooks: boolean;
  enableController: boolean;
  webhookHost: string;
  webhookPort: number;
  /** Directory with tls.crt and tls.key (the cert-manager Secret layout). */
  certDir: string;
  /** Self-signed mode: create the CA and serving cert and inject caBundle ourselves. */
  selfSigned: boolean;
  /** Service name used for the serving certificate's DNS names in self-signed mode. */
  webhookServiceName: string;
  policyFile?: string;
  healthAddress: string;
  leaderElect: boolean;
  leaseName: string;
  /** Shard Leases the registries are split over (1: one leader reconciles every registry). */
  shards: number;
  logLevel: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
  /** Image of the per-registry API Deployment. */
  registryApiImage: string;
  /** Create the per-registry API workload at all. */
  deployRegistryApi: boolean;
  /**
   * Fixed REST API addresses of MCPRegistries by `namespace/name`, used by `registryRef` sources
   * instead of the registry's Service (tests and the local stack, whose APIs run on loopback ports).
   */
  registryRefEndpoints: Record<string, string>;
  /**
   * Labels (all must match) of namespaces let into every registry API's NetworkPolicy besides the
   * consenting ones, e.g. Prometheus's namespace to scrape /metrics; empty = none.
   */
  registryApiIngressNamespaceSelector: Record<string, string>;
  /** Replicas and resources of a registry API whose spec.api leaves them out (api-defaults.ts). */
  registryApiReplicas: number;
  registryApiResources: ApiResources;
  /** IngressClass of a registry's Ingress whose spec.api.ingress.className is unset; '' = the cluster's default. */
  registryApiIngressClass: string;
  drainSeconds: number;
  /**
   * Sync worker threads (SPEC §18): undefined = every core but one, at least one; 0 = the sync's CPU
   * work on the event loop (only for a controller-only Deployment, or tests).
   */
  syncWorkers?: number;
  /** Each sync worker's heap limit in MiB; undefined = the default (pipeline-workers/). */
  syncWorkerMemoryMb?: number;
  /**
   * The controller on its own thread (SPEC §18), so its fetches, ConfigMap writes and garbage never
   * share the event loop (and heap) that answers admission; false = on the main thread (debugging).
   */
  controllerThread: boolean;
  /** Controller tuning, environment only (MCPR_*): for tests and unusual clusters. */
  tuning: ControllerTuning;
}

export interface ControllerTuning {
  /** Reconcile workers (MCPR_WORKERS). */
  workers: number;
  /** Backoff between failed syncs of one registry (MCPR_SYNC_BACKOFF_BASE_MS / _MAX_MS). */
  syncBackoffBaseMs: number;
  syncBackoffMaxMs: number;
  /** Per-key backoff after a reconcile error (MCPR_QUEUE_BASE_DELAY_MS / _MAX_DELAY_MS). */
  queueBaseDelayMs: number;
  queueMaxDelayMs: number;
  /** First delay between HTTP retries of a source (MCPR_SOURCE_RETRY_DELAY_MS); unset = the source's default. */
  sourceRetryDelayMs?: number;
  /** How often workloads are checked against enforcing registries (MCPR_COMPLIANCE_INTERVAL_MS). */
  complianceIntervalMs: number;
}

export const TUNING_ENV_VARS = {
  workers: 'MCPR_WORKERS',
  syncBackoffBaseMs: 'MCPR_SYNC_BACKOFF_BASE_MS',
  syncBackoffMaxMs: 'MCPR_SYNC_BACKOFF_MAX_MS',
  queueBaseDelayMs: 'MCPR_QUEUE_BASE_DELAY_MS',
  queueMaxDelayMs: 'MCPR_QUEUE_MAX_DELAY_MS',
  sourceRetryDelayMs: 'MCPR_SOURCE_RETRY_DELAY_MS',
  complianceIntervalMs: 'MCPR_COMPLIANCE_INTERVAL_MS',
} as const;

function positive(name: string, v: string | undefined, def: number, max: number): number {
  if (v === undefined || v === '') return def;
  const n = Number(v);
  if (!Number.isInteger(n) || n <= 0 || n > max)
    throw new Error(`${name}: invalid value "${v}": must be an integer 1-${max}`);
  return n;
}

function parseTuning(env: Record<string, string | undefined>): ControllerTuning {
  const E = TUNING_ENV_VARS;
  const DAY = 86_400_000;
  const retry = env[E.sourceRetryDelayMs];
  return {
    workers: positive(E.workers, env[E.workers], 4, 64),
    syncBackoffBaseMs: positive(E.syncBackoffBaseMs, env[E.syncBackoffBaseMs], 5000, DAY),
    syncBackoffMaxMs: positive(E.syncBackoffMaxMs, env[E.syncBackoffMaxMs], 300_000, DAY),
    queueBaseDelayMs: positive(E.queueBaseDelayMs, env[E.queueBaseDelayMs], 1000, DAY),
    queueMaxDelayMs: positive(E.queueMaxDelayMs, env[E.queueMaxDelayMs], 300_000, DAY),
    complianceIntervalMs: positive(E.complianceIntervalMs, env[E.complianceIntervalMs], 30_000, DAY),
    ...(retry ? { sourceRetryDelayMs: positive(E.sourceRetryDelayMs, retry, 500, DAY) } : {}),
  };
}

const ENV: Record<string, string> = {
  kubeconfig: 'KUBECONFIG',
  'watch-namespaces': 'WATCH_NAMESPACES',
  namespace: 'POD_NAMESPACE',
  'webhook-host': 'WEBHOOK_HOST',
  'webhook-port': 'WEBHOOK_PORT',
  'cert-dir': 'CERT_DIR',
  'self-signed': 'SELF_SIGNED',
  'webhook-service-name': 'WEBHOOK_SERVICE_NAME',
  policy: 'POLICY_FILE',
  'health-address': 'HEALTH_ADDRESS',
  'leader-elect': 'LEADER_ELECT',
  'lease-name': 'LEASE_NAME',
  shards: 'SHARDS',
  'log-level': 'LOG_LEVEL',
  'registry-api-image': 'REGISTRY_API_IMAGE',
  'deploy-registry-api': 'DEPLOY_REGISTRY_API',
  'registry-ref-endpoints': 'REGISTRY_REF_ENDPOINTS',
  'registry-api-ingress-namespace-selector': 'REGISTRY_API_INGRESS_NAMESPACE_SELECTOR',
  'registry-api-replicas': 'REGISTRY_API_REPLICAS',
  'registry-api-resources': 'REGISTRY_API_RESOURCES',
  'registry-api-ingress-class': 'REGISTRY_API_INGRESS_CLASS',
  'enable-webhooks': 'ENABLE_WEBHOOKS',
  'enable-controller': 'ENABLE_CONTROLLER',
  'drain-seconds': 'DRAIN_SECONDS',
  'sync-workers': 'SYNC_WORKERS',
  'sync-worker-memory': 'SYNC_WORKER_MEMORY_MB',
  'controller-thread': 'CONTROLLER_THREAD',
};

export const CONFIG_ENV_VARS = ENV;

function bool(v: string | boolean | undefined, def: boolean): boolean {
  if (v === undefined) return def;
  if (typeof v === 'boolean') return v;
  if (/^(1|true|yes|on)$/i.test(v)) return true;
  if (/^(0|false|no|off)$/i.test(v)) return false;
  throw new Error(`invalid boolean "${v}": use true or false`);
}

/** `ns/name=http://host:port,ns/name=...` → {`ns/name`: URL}; every entry checked. */
export function parseRefEndpoints(v: string | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const entry of (v ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)) {
    const m = /^([a-z0-9][-a-z0-9]*)\/([a-z0-9][-a-z0-9]*)=(.+)$/.exec(entry);
    let ok = false;
    try {
      ok = !!m && ['http:', 'https:'].includes(new URL(m[3] ?? '').protocol);
    } catch {
      ok = false;
    }
    if (!m || !ok)
      throw new Error(
        `--registry-ref-endpoints: invalid entry "${entry}": use namespace/name=http://host:port, comma-separated`,
      );
    out[`${m[1]}/${m[2]}`] = m[3] ?? '';
  }
  return out;
}

/** `key=value,…` → matchLabels; each key and value checked as Kubernetes labels. */
export function parseLabelSelector(flag: string, v: string | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const entry of (v ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)) {
    const [key = '', value, ...rest] = entry.split('=');
    const valueOk = value !== undefined && isLabelValue(value);
    if (!isQualifiedName(key) || !valueOk || rest.length > 0 || key in out)
      throw new Error(
        `--${flag}: invalid entry "${entry}": use label=value, comma-separated, each label once (namespaces with all of them)`,
      );
    out[key] = value;
  }
  return out;
}

function int(name: string, v: string | undefined, def: number): number {
  if (v === undefined) return def;
  const n = Number(v);
  if (!Number.isInteger(n) || n < 0 || n > 65535)
    throw new Error(`--${name}: invalid value "${v}": must be an integer 0-65535`);
  return n;
}

/** --shards: 1-256, and more than one only with leader election (the shards are Leases). */
function shardCount(v: string | undefined, leaderElect: boolean): number {
  const n = optionalInt('shards', 'n', v, 1, 256).n ?? 1;
  if (n > 1 && !leaderElect)
    throw new Error(`--shards: ${n} shards need --leader-elect=true (each shard is a Lease)`);
  return n;
}

/** An optional integer setting in [min, max], as { [key]: n } or nothing when unset. */
function optionalInt<K extends string>(
  flag: string,
  key: K,
  v: string | undefined,
  min: number,
  max: number,
): Partial<Record<K, number>> {
  if (v === undefined || v === '') return {};
  const n = Number(v);
  if (!Number.isInteger(n) || n < min || n > max)
    throw new Error(`--${flag}: invalid value "${v}": must be an integer ${min}-${max}`);
  return { [key]: n } as Partial<Record<K, number>>;
}

export function parseOperatorConfig(argv: string[], env: Record<string, string | undefined>): OperatorConfig {
  const stringOpts = Object.keys(ENV).map((k) => [k, { type: 'string' as const }]);
  const { values } = parseArgs({
    args: argv,
    options: Object.fromEntries(stringOpts),
    strict: true,
    allowPositionals: false,
  });
  const get = (k: string): string | undefined =>
    (values as Record<string, string | undefined>)[k] ?? env[ENV[k] ?? ''];
  const logLevel = get('log-level') ?? 'info';
  const levels = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'];
  if (!levels.includes(logLevel))
    throw new Error(`--log-level: unsupported value "${logLevel}": supported values: ${levels.join(', ')}`);
  return {
    kubeconfig: get('kubeconfig') || undefined,
    watchNamespaces: (get('watch-namespaces') ?? '')
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean),
    namespace: get('namespace') ?? 'toolhive-system',
    enableWebhooks: bool(get('enable-webhooks'), true),
    enableController: bool(get('enable-controller'), true),
    webhookHost: get('webhook-host') ?? '0.0.0.0',
    webhookPort: int('webhook-port', get('webhook-port'), 9443),
    certDir: get('cert-dir') ?? '/tmp/k8s-webhook-server/serving-certs',
    selfSigned: bool(get('self-signed'), false),
    webhookServiceName: get('webhook-service-name') ?? 'mcp-registry-operator-webhook',
    policyFile: get('policy') || undefined,
    healthAddress: get('health-address') ?? ':8080',
    leaderElect: bool(get('leader-elect'), true),
    leaseName: get('lease-name') ?? 'mcp-registry-operator-leader',
    shards: shardCount(get('shards'), bool(get('leader-elect'), true)),
    logLevel: logLevel as OperatorConfig['logLevel'],
    registryApiImage: get('registry-api-image') ?? 'ghcr.io/stacklok/mcp-registry-operator:0.1.0',
    deployRegistryApi: bool(get('deploy-registry-api'), true),
    registryRefEndpoints: parseRefEndpoints(get('registry-ref-endpoints')),
    registryApiIngressNamespaceSelector: parseLabelSelector(
      'registry-api-ingress-namespace-selector',
      get('registry-api-ingress-namespace-selector'),
    ),
    registryApiReplicas:
      optionalInt('registry-api-replicas', 'registryApiReplicas', get('registry-api-replicas'), 1, 50)
        .registryApiReplicas ?? 1,
    registryApiResources:
      parseApiResources('registry-api-resources', get('registry-api-resources')) ??
      structuredClone(DEFAULT_API_RESOURCES),
    registryApiIngressClass: ingressClass(get('registry-api-ingress-class')),
    drainSeconds: int('drain-seconds', get('drain-seconds'), 5),
    ...optionalInt('sync-workers', 'syncWorkers', get('sync-workers'), 0, 64),
    ...optionalInt('sync-worker-memory', 'syncWorkerMemoryMb', get('sync-worker-memory'), 64, 65536),
    controllerThread: bool(get('controller-thread'), true),
    tuning: parseTuning(env),
  };
}

const DNS_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;

/** --registry-api-ingress-class: an IngressClass name, or unset. */
function ingressClass(v: string | undefined): string {
  if (v === undefined || v === '') return '';
  if (v.length > 253 || !DNS_SUBDOMAIN.test(v))
    throw new Error(
      `--registry-api-ingress-class: invalid value "${v}": must be an IngressClass name (lower case letters, digits, '-' and '.')`,
    );
  return v;
}
