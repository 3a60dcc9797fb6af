/**
 * The registry API workload of one MCPRegistry: ServiceAccount, Role and RoleBinding reading only its
 * storage ConfigMaps, a Deployment running `thv-registry-api serve --from-configmap` (passing on the
 * spec's displayName), Service `<name>-api` on 8080; all owned by the registry, replaced when they differ
 * from what this builds. An object of that name the registry does not control is a NameConflictError.
 */
import { isStatus, type KubeClient, type ResourceRef } from '../../kube/client.ts';
import { GROUP, KIND, LABEL_MANAGED_BY, LABEL_REGISTRY, MANAGED_BY } from '../../api/constants.ts';
import type { MCPRegistryV1beta1 } from '../../api/types.ts';
import { storageName } from '../../storage/layout.ts';
import { controlledBy, NameConflictError } from '../../storage/ownership.ts';
import type { CondInput } from '../conditions.ts';
import { forgetApplied, networkPolicySpec, rememberApplied, type IngressOptions } from './network-policy.ts';

export const API_PORT = 8080;
export const apiName = (registry: string) => `${registry}-api`;

type Obj = { apiVersion: string; kind: string; metadata: Record<string, unknown>; [k: string]: unknown };

function labels(reg: string) {
  return {
    [LABEL_MANAGED_BY]: MANAGED_BY,
    [LABEL_REGISTRY]: reg,
    'app.kubernetes.io/name': 'thv-registry-api',
    'app.kubernetes.io/instance': apiName(reg),
  };
}

/**
 * The desired objects (pure). The Role names the storage ConfigMaps by resourceNames, since RBAC
 * cannot glob: exactly the ConfigMaps the registry wrote (status.storage.configMaps, or `storage` for
 * a write in progress), never a name it merely may write one day, so a user's ConfigMap named like a
 * future shard is never readable by the API (SPEC §18). A sync that adds shards widens the Role before
 * the main ConfigMap names them (reconcile-io.ts) and narrows it after. list/watch are authorized by
 * name only with a metadata.name field selector, which is how the API watches the main ConfigMap.
 */
/**
 * V8 grows its young generation under load and keeps it; with 2 MiB semi-spaces a reload's new snapshot
 * is promoted as it is built instead of being copied by the first scavenge after the swap, which fell
 * on the first requests (docs/performance.md), and the pod stays further below its memory limit. */
export const API_NODE_OPTIONS = '--max-semi-space-size=2';

/** Besides the storage, who the NetworkPolicy lets in (network-policy.ts). */
export interface WorkloadOptions extends IngressOptions {
  /** The storage ConfigMaps the Role grants (default: what status records, else the main one). */
  storage?: readonly string[];
}

export function desiredApiObjects(reg: MCPRegistryV1beta1, image: string, o: WorkloadOptions = {}): Obj[] {
  const name = reg.metadata.name ?? '';
  const namespace = reg.metadata.namespace ?? '';
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
  const api = apiName(name);
  const written = o.storage ?? reg.status?.storage?.configMaps ?? [];
  const storage = [...new Set([storageName(name), ...written])].sort();
  const selector = { 'app.kubernetes.io/instance': api };
  return [
    { apiVersion: 'v1', kind: 'ServiceAccount', metadata: meta(api), automountServiceAccountToken: true },
    {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'Role',
      metadata: meta(api),
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
      metadata: meta(api),
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: api },
      subjects: [{ kind: 'ServiceAccount', name: api, namespace }],
    },
    {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: meta(api),
      spec: {
        replicas: 1,
        selector: { matchLabels: selector },
        template: {
          metadata: { labels: { ...labels(name), ...selector } },
          spec: {
            serviceAccountName: api,
            securityContext: {
              runAsNonRoot: true,
              runAsUser: 65532,
              runAsGroup: 65532,
              seccompProfile: { type: 'RuntimeDefault' },
            },
            containers: [
              {
                name: 'registry-api',
                image,
                // The image's entrypoint is node; the first argument picks the program (one image).
                args: [
                  'dist/src/bin/thv-registry-api.js',
                  'serve',
                  '--from-configmap',
                  storageName(name),
                  '--registry-name',
                  name,
                  ...(reg.spec.displayName ? ['--display-name', reg.spec.displayName] : []),
                  '--address',
                  `:${API_PORT}`,
                ],
                env: [{ name: 'NODE_OPTIONS', value: API_NODE_OPTIONS }],
                ports: [{ name: 'http', containerPort: API_PORT }],
                readinessProbe: { httpGet: { path: '/readyz', port: 'http' }, periodSeconds: 5 },
                livenessProbe: { httpGet: { path: '/healthz', port: 'http' }, periodSeconds: 10 },
                resources: { requests: { cpu: '50m', memory: '64Mi' }, limits: { memory: '256Mi' } },
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
      metadata: meta(api),
      spec: { selector, ports: [{ name: 'http', port: API_PORT, targetPort: 'http', protocol: 'TCP' }] },
    },
    {
      apiVersion: 'networking.k8s.io/v1',
      kind: 'NetworkPolicy',
      metadata: meta(api),
      spec: networkPolicySpec(reg, selector, API_PORT, o),
    },
  ];
}

function refOf(o: Obj): ResourceRef {
  const [group, version] = o.apiVersion.includes('/')
    ? (o.apiVersion.split('/') as [string, string])
    : ['', o.apiVersion];
  const plural =
    {
      ServiceAccount: 'serviceaccounts',
      Role: 'roles',
      RoleBinding: 'rolebindings',
      Deployment: 'deployments',
      Service: 'services',
      NetworkPolicy: 'networkpolicies',
    }[o.kind] ?? '';
  return { group, version, plural, namespace: String(o.metadata.namespace), name: String(o.metadata.name) };
}

/** Server-side apply with our field manager: idempotent, and only our fields are ours. */
async function apply(client: KubeClient, o: Obj, guard: () => void): Promise<unknown> {
  guard();
  const r = await client.patch(refOf(o), 'apply', o, { fieldManager: MANAGED_BY, force: true });
  return r.body;
}

type Existing = { metadata: { uid?: string; ownerReferences?: unknown[] } };

/**
 * Each desired object as it exists now (undefined when absent), refusing any that this registry does
 * not control: a forced apply would take a user's Service or Role over, and the finalizer would then
 * delete it (SPEC §8 "Ownership"). Names that no object can have (a registry stored before admission
 * refused such names) are absent by definition.
 */
async function existingOwned(
  client: KubeClient,
  reg: MCPRegistryV1beta1,
  objects: Obj[],
): Promise<(Existing | undefined)[]> {
  const uid = reg.metadata.uid ?? '';
  const out: (Existing | undefined)[] = [];
  for (const o of objects) {
    const ref = refOf(o);
    const found = DNS_1123_LABEL.test(ref.name ?? '') ? await client.find<Existing>(ref) : undefined;
    if (found && !controlledBy(found, uid))
      throw new NameConflictError(o.kind, ref.namespace ?? '', ref.name ?? '', reg.metadata.name ?? '');
    out.push(found);
  }
  return out;
}
const DNS_1123_LABEL = /^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/;

export async function reconcileApiWorkload(
  client: KubeClient,
  reg: MCPRegistryV1beta1,
  opts: { image: string; enabled: boolean; guard?: () => void } & WorkloadOptions,
): Promise<{ endpoint?: string; readyReplicas: number; condition: CondInput }> {
  if (!opts.enabled)
    return {
      readyReplicas: 0,
      condition: {
        type: 'APIReady',
        status: 'Unknown',
        reason: 'NotDeployed',
        message: 'the registry API workload is disabled',
      },
    };
  const guard = opts.guard ?? (() => {});
  let deployment: DeploymentStatusView = {};
  const objects = desiredApiObjects(reg, opts.image, opts);
  // All are checked before any is applied, so a conflict leaves nothing half-done.
  const existing = await existingOwned(client, reg, objects);
  for (const [i, o] of objects.entries()) {
    // The observed uid rides along as a precondition: an object swapped in since the check is refused.
    const uid = existing[i]?.metadata.uid;
    const out = await apply(client, uid ? { ...o, metadata: { ...o.metadata, uid } } : o, guard);
    if (o.kind === 'Deployment') deployment = out as typeof deployment;
  }
  rememberApplied(reg);
  return apiStatusFrom(reg, deployment);
}

/** Applies only the Role, granting `storage` (reconcile-io.ts widens it before a write adds shards). */
export async function grantStorage(
  client: KubeClient,
  reg: MCPRegistryV1beta1,
  storage: readonly string[],
  opts: { guard?: () => void } & WorkloadOptions = {},
): Promise<void> {
  const role = desiredApiObjects(reg, 'unused', { ...opts, storage }).filter((o) => o.kind === 'Role');
  const [existing] = await existingOwned(client, reg, role);
  const uid = existing?.metadata.uid;
  for (const o of role)
    await apply(client, uid ? { ...o, metadata: { ...o.metadata, uid } } : o, opts.guard ?? (() => {}));
}

export interface DeploymentStatusView {
  status?: { readyReplicas?: number };
}

/** status.api and APIReady from the registry's Deployment (pure; the controller feeds it from its cache). */
export function apiStatusFrom(
  reg: MCPRegistryV1beta1,
  deployment: DeploymentStatusView,
): { endpoint: string; readyReplicas: number; condition: CondInput } {
  const name = reg.metadata.name ?? '';
  const endpoint = `http://${apiName(name)}.${reg.metadata.namespace}.svc:${API_PORT}`;
  const ready = deployment.status?.readyReplicas ?? 0;
  return {
    endpoint,
    readyReplicas: ready,
    condition:
      ready > 0
        ? {
            type: 'APIReady',
            status: 'True',
            reason: 'Available',
            message: `${ready} ready replica(s) at ${endpoint}`,
          }
        : {
            type: 'APIReady',
            status: 'False',
            reason: 'Deploying',
            message: `Deployment ${apiName(name)} has no ready replica yet`,
          },
  };
}

/** Deletes the workload objects this registry controls (by owner uid), never an object of the same name it does not. */
export async function cleanupApiWorkload(
  client: KubeClient,
  reg: MCPRegistryV1beta1,
  guard: () => void = () => {},
): Promise<void> {
  const uid = reg.metadata.uid ?? '';
  forgetApplied(reg);
  for (const o of desiredApiObjects(reg, 'unused').reverse()) {
    const ref = refOf(o);
    if (!DNS_1123_LABEL.test(ref.name ?? '')) continue;
    const found = await client.find<Existing>(ref);
    if (!found || !controlledBy(found, uid)) continue;
    guard();
    await client
      .delete(ref, undefined, { preconditions: { uid: found.metadata.uid } })
      .catch((e: unknown) => {
        if (!isStatus(e, 404) && !isStatus(e, 409)) throw e;
      });
  }
}
