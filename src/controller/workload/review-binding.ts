/**
 * `spec.api.auth.mode: kubernetes` needs the API's ServiceAccount to create TokenReviews and
 * SubjectAccessReviews, which are cluster-scoped: a RoleBinding cannot grant them. The least privilege
 * that works is one ClusterRoleBinding per such registry, binding the shipped ClusterRole
 * `mcp-registry-operator-api-reviewer` (create on those two, nothing else) to that registry's API
 * ServiceAccount only; anonymous registries get none. A group binding (all ServiceAccounts) would hand
 * every workload in the cluster the power to ask the apiserver about anyone's permissions.
 *
 * A cluster-scoped object cannot have a namespaced owner, so ours is recognised by the registry's uid
 * in an annotation, and deleted by the finalizer (cleanupApiWorkload), never by garbage collection.
 * Tenants cannot create ClusterRoleBindings, so a name taken by someone else is an administrator's.
 */
import { isStatus, type KubeClient } from '../../kube/client.ts';
import { GROUP, LABEL_MANAGED_BY, LABEL_REGISTRY, MANAGED_BY } from '../../api/constants.ts';
import type { MCPRegistryV1beta1 } from '../../api/types.ts';
import { NameConflictError } from '../../storage/ownership.ts';
import { apiEnabled, apiName } from './api-objects.ts';
import { knownAbsent, markAbsent, markApplying } from './known-absent.ts';

export const API_REVIEWER_ROLE = 'mcp-registry-operator-api-reviewer';
const ANNOTATION_OWNER_UID = `${GROUP}/registry-uid`;
const KIND = 'ClusterRoleBinding';
const CRB = { group: 'rbac.authorization.k8s.io', version: 'v1', plural: 'clusterrolebindings' };

export const reviewBindingName = (reg: MCPRegistryV1beta1) =>
  `mcp-registry-api:${reg.metadata.namespace ?? ''}:${reg.metadata.name ?? ''}`;

export const needsReviews = (reg: MCPRegistryV1beta1) =>
  apiEnabled(reg) && reg.spec.api?.auth?.mode === 'kubernetes';

type Existing = { metadata: { uid?: string; annotations?: Record<string, string> } };

export function desiredReviewBinding(reg: MCPRegistryV1beta1): Record<string, unknown> {
  const namespace = reg.metadata.namespace ?? '';
  return {
    apiVersion: 'rbac.authorization.k8s.io/v1',
    kind: 'ClusterRoleBinding',
    metadata: {
      name: reviewBindingName(reg),
      labels: { [LABEL_MANAGED_BY]: MANAGED_BY, [LABEL_REGISTRY]: reg.metadata.name ?? '' },
      annotations: { [ANNOTATION_OWNER_UID]: reg.metadata.uid ?? '' },
    },
    roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: API_REVIEWER_ROLE },
    subjects: [{ kind: 'ServiceAccount', name: apiName(reg.metadata.name ?? ''), namespace }],
  };
}

const ours = (found: Existing, reg: MCPRegistryV1beta1) =>
  Boolean(reg.metadata.uid) && found.metadata.annotations?.[ANNOTATION_OWNER_UID] === reg.metadata.uid;

/**
 * Applies the binding when the registry authenticates with `kubernetes`, deletes ours otherwise; an
 * anonymous registry's binding this process knows is not there is not looked up again (known-absent.ts).
 */
export async function reconcileReviewBinding(
  client: KubeClient,
  reg: MCPRegistryV1beta1,
  guard: () => void,
  wanted = needsReviews(reg),
): Promise<void> {
  const owner = reg.metadata.uid;
  if (!wanted && knownAbsent(owner, KIND)) return;
  const name = reviewBindingName(reg);
  let found: Existing | undefined;
  try {
    found = await client.find<Existing>({ ...CRB, name });
  } catch (e) {
    // An install without this permission cannot have made one: nothing to remove, and an anonymous
    // registry must not fail on RBAC it does not use.
    if (!wanted && isStatus(e, 403)) return markAbsent(owner, KIND);
    throw e;
  }
  if (found && !ours(found, reg)) {
    if (!wanted) return markAbsent(owner, KIND);
    throw new NameConflictError(KIND, '', name, reg.metadata.name ?? '');
  }
  guard();
  if (wanted) {
    markApplying(owner, KIND);
    const uid = found?.metadata.uid;
    const body = desiredReviewBinding(reg);
    const meta = body.metadata as Record<string, unknown>;
    await client.patch({ ...CRB, name }, 'apply', uid ? { ...body, metadata: { ...meta, uid } } : body, {
      fieldManager: MANAGED_BY,
      force: true,
    });
    return;
  }
  if (found)
    await client
      .delete({ ...CRB, name }, undefined, { preconditions: { uid: found.metadata.uid } })
      .catch((e: unknown) => {
        if (!isStatus(e, 404) && !isStatus(e, 409)) throw e;
      });
  markAbsent(owner, KIND);
}
