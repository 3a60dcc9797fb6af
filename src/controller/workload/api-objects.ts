/**
 * The desired objects of one registry's API (pure): ServiceAccount, Role and RoleBinding reading only
 * its storage ConfigMaps, a Deployment running `thv-registry-api serve --from-configmap`, Service
 * `<name>-api` on 8080, NetworkPolicy, and from 2 replicas a PodDisruptionBudget; shaped by
 * `spec.api` (SPEC §13). api-workload.ts applies them.
 */
import { GROUP, KIND, LABEL_MANAGED_BY, LABEL_REGISTRY, MANAGED_BY } from '../../api/constants.ts';
import type { MCPRegistryV1beta1 } from '../../api/types.ts';
import { DEFAULT_API_RESOURCES, type ApiSpec } from '../../api/schema/api.ts';
import { storageName } from '../../storage/layout.ts';
import type { CondInput } from '../conditions.ts';
import { networkPolicySpec, type IngressOptions } from './network-policy.ts';
import { authArgs, authVolumes } from './api-auth.ts';
import { authorizationArgs, withAuthorization } from './api-authorization.ts';
import { exposureObject, unwantedExposure, type ExposureOptions } from './exposure.ts';

export const API_PORT = 8080;
export const apiName = (registry: string) => `${registry}-api`;

export type Obj = {
  apiVersion: string;
  kind: string;
  metadata: Record<string, unknown>;
  [k: string]: unknown;
};

/**
 * V8 grows its young generation under load and keeps it; with 2 MiB semi-spaces a reload's new snapshot
 * is promoted as it is built instead of being copied by the first scavenge after the swap, which fell
 * on the first requests (docs/performance.md), and the pod stays further below its memory limit. */
export const API_NODE_OPTIONS = '--max-semi-space-size=2';

/** Besides the storage, who the NetworkPolicy lets in (network-policy.ts). */
export interface WorkloadOptions extends IngressOptions, ExposureOptions {
  /** The storage ConfigMaps the Role grants (default: what status records, else the main one). */
  storage?: readonly string[];
  /** The operator's defaults for what spec.api leaves out (--registry-api-replicas, --registry-api-resources). */
  apiDefaults?: { replicas?: number; resources?: ApiSpec['resources'] };
  /** The platform policy's destination rules, for `oidc` (api-auth.ts destinationPolicyJson). */
  destinationPolicy?: string;
}

/** Every kind the workload may own, in apply order (cleanup runs it backwards). */
export const WORKLOAD_KINDS = [
  'ServiceAccount',
  'Role',
  'RoleBinding',
  'Deployment',
  'Service',
  'NetworkPolicy',
  'PodDisruptionBudget',
  'Ingress',
  'HTTPRoute',
] as const;
/** The kinds that exist only while the API runs (`spec.api.enabled: false` removes them). */
const SERVING_KINDS = new Set([
  'Deployment',
  'Service',
  'NetworkPolicy',
  'PodDisruptionBudget',
  'Ingress',
  'HTTPRoute',
]);

/** The workload's view when the operator deploys no API (--deploy-registry-api=false). */
export const NOT_DEPLOYED: { readonly readyReplicas: number; readonly condition: CondInput } = {
  readyReplicas: 0,
  condition: {
    type: 'APIReady',
    status: 'Unknown',
    reason: 'NotDeployed',
    message: 'the registry API workload is disabled',
  },
};

export const apiEnabled = (reg: MCPRegistryV1beta1): boolean => reg.spec.api?.enabled !== false;
export const apiReplicas = (reg: MCPRegistryV1beta1, o: WorkloadOptions = {}): number =>
  reg.spec.api?.replicas ?? o.apiDefaults?.replicas ?? 1;

/** The kinds this registry's spec does not want (they are deleted when we own one). */
export function unwantedKinds(reg: MCPRegistryV1beta1, o: WorkloadOptions = {}): string[] {
  if (!apiEnabled(reg)) return [...SERVING_KINDS];
  const exposure = unwantedExposure(reg.spec.api ?? {});
  return apiReplicas(reg, o) >= 2 ? exposure : ['PodDisruptionBudget', ...exposure];
}

function labels(reg: string) {
  return {
    [LABEL_MANAGED_BY]: MANAGED_BY,
    [LABEL_REGISTRY]: reg,
    'app.kubernetes.io/name': 'thv-registry-api',
    'app.kubernetes.io/instance': apiName(reg),
  };
}

/** The API's command line: spec.api reaches the process as flags it already has. */
function apiArgs(reg: MCPRegistryV1beta1, api: ApiSpec, o: WorkloadOptions): string[] {
  const name = reg.metadata.name ?? '';
  const origins = api.cors?.origins ?? [];
  return [
    'dist/src/bin/thv-registry-api.js',
    'serve',
    '--from-configmap',
    storageName(name),
    '--registry-name',
    name,
    ...(reg.spec.displayName ? ['--display-name', reg.spec.displayName] : []),
    ...(origins.length > 0 ? ['--cors-origins', origins.join(',')] : []),
    ...authArgs(api, o.destinationPolicy),
    ...authorizationArgs(api),
    ...(api.basePath ? ['--base-path', api.basePath] : []),
    '--address',
    `:${API_PORT}`,
  ];
}

/** The Pod spec's scheduling fields, present only when spec.api sets them (absent means the default). */
function scheduling(api: ApiSpec): Record<string, unknown> {
  return {
    ...(api.imagePullSecrets?.length
      ? { imagePullSecrets: api.imagePullSecrets.map((s) => ({ name: s.name })) }
      : {}),
    ...(api.nodeSelector && Object.keys(api.nodeSelector).length ? { nodeSelector: api.nodeSelector } : {}),
    ...(api.tolerations?.length ? { tolerations: api.tolerations } : {}),
    ...(api.affinity && Object.keys(api.affinity).length ? { affinity: api.affinity } : {}),
    ...(api.priorityClassName ? { priorityClassName: api.priorityClassName } : {}),
  };
}

/**
 * The Role names the storage ConfigMaps by resourceNames, since RBAC cannot glob: exactly the ConfigMaps
 * the registry wrote (status.storage.configMaps, or `storage` for a write in progress), never a name it
 * merely may write one day, so a user's ConfigMap named like a future shard is never readable by the
 * API (SPEC §18). A sync that adds shards widens the Role before the main ConfigMap names them
 * (reconcile-io.ts) and narrows it after. list/watch are authorized by name only with a metadata.name
 * field selector, which is how the API watches the main ConfigMap.
 */
export function desiredApiObjects(reg: MCPRegistryV1beta1, image: string, o: WorkloadOptions = {}): Obj[] {
  const name = reg.metadata.name ?? '';
  const namespace = reg.metadata.namespace ?? '';
  const api: ApiSpec = reg.spec.api ?? {};
  const owner = [
    {
      apiVersion: `${GROUP}/v1beta1`,
      kind: KIND,
      name,
      uid: reg.metadata.uid ?? '',
      controller: true,
      blockOwnerDeletion: true,
    },
  ];
  const meta = (n: string) => ({ name: n, namespace, labels: labels(name), ownerReferences: owner });
  const svc = apiName(name);
  const written = o.storage ?? reg.status?.storage?.configMaps ?? [];
  const storage = [...new Set([storageName(name), ...written])].sort();
  const selector = { 'app.kubernetes.io/instance': svc };
  const auth = withAuthorization(api, authVolumes(api));
  const all: Obj[] = [
    { apiVersion: 'v1', kind: 'ServiceAccount', metadata: meta(svc), automountServiceAccountToken: true },
    {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'Role',
      metadata: meta(svc),
      rules: [
        {
          apiGroups: [''],
          resources: ['configmaps'],
          resourceNames: storage,
          verbs: ['get', 'list', 'watch'],
        },
      ],
    },
    {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'RoleBinding',
      metadata: meta(svc),
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: svc },
      subjects: [{ kind: 'ServiceAccount', name: svc, namespace }],
    },
    {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: meta(svc),
      spec: {
        replicas: apiReplicas(reg, o),
        selector: { matchLabels: selector },
        template: {
          metadata: { labels: { ...labels(name), ...selector } },
          spec: {
            serviceAccountName: svc,
            securityContext: {
              runAsNonRoot: true,
              runAsUser: 65532,
              runAsGroup: 65532,
              seccompProfile: { type: 'RuntimeDefault' },
            },
            ...scheduling(api),
            ...(auth.volumes.length ? { volumes: auth.volumes } : {}),
            containers: [
              {
                name: 'registry-api',
                image,
                // The image's entrypoint is node; the first argument picks the program (one image).
                args: apiArgs(reg, api, o),
                env: [{ name: 'NODE_OPTIONS', value: API_NODE_OPTIONS }],
                ...(auth.mounts.length ? { volumeMounts: auth.mounts } : {}),
                ports: [{ name: 'http', containerPort: API_PORT }],
                readinessProbe: { httpGet: { path: '/readyz', port: 'http' }, periodSeconds: 5 },
                livenessProbe: { httpGet: { path: '/healthz', port: 'http' }, periodSeconds: 10 },
                resources: structuredClone(
                  api.resources ?? o.apiDefaults?.resources ?? DEFAULT_API_RESOURCES,
                ),
                securityContext: {
                  allowPrivilegeEscalation: false,
                  readOnlyRootFilesystem: true,
                  capabilities: { drop: ['ALL'] },
                },
              },
            ],
          },
        },
      },
    },
    {
      apiVersion: 'v1',
      kind: 'Service',
      metadata: {
        ...meta(svc),
        ...(api.service?.annotations && Object.keys(api.service.annotations).length
          ? { annotations: api.service.annotations }
          : {}),
      },
      spec: {
        type: api.service?.type ?? 'ClusterIP',
        selector,
        ports: [{ name: 'http', port: API_PORT, targetPort: 'http', protocol: 'TCP' }],
      },
    },
    {
      apiVersion: 'networking.k8s.io/v1',
      kind: 'NetworkPolicy',
      metadata: meta(svc),
      spec: networkPolicySpec(reg, selector, API_PORT, o),
    },
    {
      apiVersion: 'policy/v1',
      kind: 'PodDisruptionBudget',
      metadata: meta(svc),
      spec: { minAvailable: 1, selector: { matchLabels: selector } },
    },
  ];
  const exposed = exposureObject(api, meta(svc), { name: svc, port: API_PORT }, o);
  if (exposed) all.push(exposed);
  const unwanted = new Set(unwantedKinds(reg, o));
  return all.filter((x) => !unwanted.has(x.kind));
}
