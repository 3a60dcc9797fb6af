/**
 * Applies the registry API workload of one MCPRegistry (the objects api-objects.ts builds): all owned
 * by the registry, replaced when they differ from what it builds, and the kinds its spec no longer
 * wants (`spec.api.enabled: false`, fewer than 2 replicas for the PodDisruptionBudget) deleted. An
 * object of one of those names the registry does not control is a NameConflictError.
 */
import { isStatus, KubeApiError, type KubeClient, type ResourceRef } from '../../kube/client.ts';
import { MANAGED_BY } from '../../api/constants.ts';
import type { MCPRegistryV1beta1 } from '../../api/types.ts';
import { controlledBy, NameConflictError } from '../../storage/ownership.ts';
import type { CondInput } from '../conditions.ts';
import { forgetApplied, rememberApplied } from './network-policy.ts';
import { forgetRegistry, knownAbsent, markAbsent, markApplying } from './known-absent.ts';
import { reconcileReviewBinding } from './review-binding.ts';
import { sourcePolicy } from '../../sources/destinations/destinations.ts';
import { destinationPolicyJson } from './api-auth.ts';
import {
  EXPOSURE_KINDS,
  exposureCondition,
  exposureFailure,
  forgetExposure,
  GATEWAY_GROUP,
  rememberExposure,
} from './exposure.ts';
import {
  API_PORT,
  apiEnabled,
  apiName,
  desiredApiObjects,
  NOT_DEPLOYED,
  unwantedKinds,
  WORKLOAD_KINDS,
  type Obj,
  type WorkloadOptions,
} from './api-objects.ts';

export {
  API_NODE_OPTIONS,
  API_PORT,
  apiName,
  desiredApiObjects,
  type WorkloadOptions,
} from './api-objects.ts';

const KIND_REFS: Record<string, { group: string; version: string; plural: string }> = {
  ServiceAccount: { group: '', version: 'v1', plural: 'serviceaccounts' },
  Role: { group: 'rbac.authorization.k8s.io', version: 'v1', plural: 'roles' },
  RoleBinding: { group: 'rbac.authorization.k8s.io', version: 'v1', plural: 'rolebindings' },
  Deployment: { group: 'apps', version: 'v1', plural: 'deployments' },
  Service: { group: '', version: 'v1', plural: 'services' },
  NetworkPolicy: { group: 'networking.k8s.io', version: 'v1', plural: 'networkpolicies' },
  PodDisruptionBudget: { group: 'policy', version: 'v1', plural: 'poddisruptionbudgets' },
  Ingress: { group: 'networking.k8s.io', version: 'v1', plural: 'ingresses' },
  HTTPRoute: { group: GATEWAY_GROUP, version: 'v1', plural: 'httproutes' },
};
const isExposure = (kind: string) => (EXPOSURE_KINDS as readonly string[]).includes(kind);

function refOfKind(kind: string, reg: MCPRegistryV1beta1): ResourceRef {
  const k = KIND_REFS[kind] ?? { group: '', version: 'v1', plural: '' };
  return { ...k, namespace: reg.metadata.namespace ?? '', name: apiName(reg.metadata.name ?? '') };
}

function refOf(o: Obj): ResourceRef {
  const k = KIND_REFS[o.kind] ?? { group: '', version: 'v1', plural: '' };
  return { ...k, namespace: String(o.metadata.namespace), name: String(o.metadata.name) };
}

/** Server-side apply with our field manager: idempotent, and only our fields are ours. */
async function apply(
  client: KubeClient,
  reg: MCPRegistryV1beta1,
  o: Obj,
  guard: () => void,
  strict = false,
): Promise<unknown> {
  guard();
  markApplying(reg.metadata.uid, o.kind);
  const query = { fieldManager: MANAGED_BY, force: true, ...(strict ? { fieldValidation: 'Strict' } : {}) };
  const r = await client.patch(refOf(o), 'apply', o, query);
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
    const found = DNS_1123_LABEL.test(ref.name ?? '') ? await findKind(client, o.kind, ref) : undefined;
    if (found && !controlledBy(found, uid))
      throw new NameConflictError(o.kind, ref.namespace ?? '', ref.name ?? '', reg.metadata.name ?? '');
    out.push(found);
  }
  return out;
}
const DNS_1123_LABEL = /^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/;

/**
 * A lookup that, for the exposure kinds, takes a kind the cluster does not serve (no Gateway API) or
 * the operator may not read (a platform that withholds ingresses) as none there: the apply says why.
 */
async function findKind(client: KubeClient, kind: string, ref: ResourceRef): Promise<Existing | undefined> {
  try {
    return await client.find<Existing>(ref);
  } catch (e) {
    if (isExposure(kind) && isStatus(e, 403)) return undefined;
    throw e;
  }
}

export async function reconcileApiWorkload(
  client: KubeClient,
  reg: MCPRegistryV1beta1,
  opts: { image: string; enabled: boolean; guard?: () => void } & WorkloadOptions,
): Promise<{ endpoint?: string; readyReplicas: number; condition: CondInput }> {
  if (!opts.enabled) return NOT_DEPLOYED;
  const guard = opts.guard ?? (() => {});
  let deployment: DeploymentStatusView = {};
  // The policy in force now (policy-file.ts keeps it current): an oidc API fetches under the same rules.
  const destinationPolicy =
    reg.spec.api?.auth?.mode === 'oidc' ? destinationPolicyJson(sourcePolicy()) : undefined;
  const objects = desiredApiObjects(reg, opts.image, { ...opts, destinationPolicy });
  // All are checked before any is applied, so a conflict leaves nothing half-done.
  const existing = await existingOwned(client, reg, objects);
  for (const [i, o] of objects.entries()) {
    // The observed uid rides along as a precondition: an object swapped in since the check is refused.
    const uid = existing[i]?.metadata.uid;
    const body = uid ? { ...o, metadata: { ...o.metadata, uid } } : o;
    if (isExposure(o.kind)) {
      await applyExposure(client, reg, body, guard);
      continue;
    }
    const out = await apply(client, reg, body, guard);
    if (o.kind === 'Deployment') deployment = out as typeof deployment;
  }
  await deleteOwned(client, reg, unwantedKinds(reg, opts), guard);
  await reconcileReviewBinding(client, reg, guard);
  if (!apiEnabled(reg))
    return {
      readyReplicas: 0,
      condition: {
        type: 'APIReady',
        status: 'False',
        reason: 'Disabled',
        message: 'spec.api.enabled is false: the registry API is not deployed',
      },
    };
  rememberApplied(reg);
  return apiStatusFrom(reg, deployment);
}

/**
 * The Ingress or HTTPRoute: a refusal (no Gateway API, no permission, an Ingress the apiserver or an
 * ingress controller's webhook refuses) is remembered as the APIReady condition instead of failing
 * the sync: the catalog and the in-cluster API do not depend on it.
 */
async function applyExposure(client: KubeClient, reg: MCPRegistryV1beta1, o: Obj, guard: () => void) {
  try {
    // Strict: a field the cluster's Ingress or HTTPRoute version does not know is an error, not dropped.
    await apply(client, reg, o, guard, true);
    rememberExposure(reg, o.kind);
  } catch (e) {
    if (!(e instanceof KubeApiError) || e.status >= 500 || e.status === 409) throw e;
    rememberExposure(reg, o.kind, exposureCondition(o.kind, e.status, e.message));
  }
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
    await apply(client, reg, uid ? { ...o, metadata: { ...o.metadata, uid } } : o, opts.guard ?? (() => {}));
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
  const endpoint = `http://${apiName(name)}.${reg.metadata.namespace}.svc:${API_PORT}${reg.spec.api?.basePath ?? ''}`;
  const ready = deployment.status?.readyReplicas ?? 0;
  // Not where it was asked to be: said before readiness, which the user can see on the Deployment.
  const failed = exposureFailure(reg);
  if (failed) return { endpoint, readyReplicas: ready, condition: failed };
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
  forgetApplied(reg);
  forgetExposure(reg);
  await reconcileReviewBinding(client, reg, guard, false);
  await deleteOwned(client, reg, [...WORKLOAD_KINDS].reverse(), guard);
  forgetRegistry(reg.metadata.uid);
}

/**
 * Deletes the objects of these kinds that this registry controls; someone else's of the same name
 * stay. A kind this process already knows is not there is not looked up again (known-absent.ts).
 */
async function deleteOwned(
  client: KubeClient,
  reg: MCPRegistryV1beta1,
  kinds: readonly string[],
  guard: () => void,
): Promise<void> {
  const uid = reg.metadata.uid ?? '';
  if (kinds.length === 0 || !DNS_1123_LABEL.test(apiName(reg.metadata.name ?? ''))) return;
  for (const kind of kinds) {
    if (knownAbsent(uid, kind)) continue;
    const ref = refOfKind(kind, reg);
    const found = await findKind(client, kind, ref);
    if (found && controlledBy(found, uid)) {
      guard();
      await client
        .delete(ref, undefined, { preconditions: { uid: found.metadata.uid } })
        .catch((e: unknown) => {
          if (!isStatus(e, 404) && !isStatus(e, 409)) throw e;
        });
    }
    markAbsent(uid, kind);
  }
}
