/**
 * Admission of `spec.api.authorization.policiesConfigMapRef` (SPEC §13), pure: when the webhook asks
 * about the ConfigMap, and what it says. The webhook (src/webhook/policy-configmap-review.ts) asks the
 * cluster and runs Cedar on a worker thread.
 *
 * Asked on create and whenever the reference changes (not on an unrelated update: a ConfigMap broken
 * later must not block editing the registry; the API keeps its last valid policies and logs Cedar's
 * message). The author must be allowed to `get` the ConfigMap (SubjectAccessReview): Cedar's messages
 * quote the text, so a refusal would otherwise show a ConfigMap its author may not read. A ConfigMap or
 * key that does not exist yet is a warning, not a refusal (GitOps tools apply objects in any order); the
 * API refuses every read until valid policies exist.
 */
import type { FieldError } from '../api/field-error.ts';
import { isObj } from './shape.ts';
import type { UserInfo } from './source-rules/access.ts';
import { describeUser } from './source-rules/access.ts';

export const POLICIES_FIELD = 'spec.api.authorization.policiesConfigMapRef';
export const DEFAULT_POLICIES_KEY = 'policies.cedar';

export interface PolicyQuestion {
  namespace: string;
  name: string;
  key: string;
}

function refOf(obj: unknown): { name: string; key: string } | undefined {
  if (!isObj(obj) || !isObj(obj.spec) || !isObj(obj.spec.api) || !isObj(obj.spec.api.authorization))
    return undefined;
  const ref = obj.spec.api.authorization.policiesConfigMapRef;
  if (!isObj(ref) || typeof ref.name !== 'string') return undefined;
  return { name: ref.name, key: typeof ref.key === 'string' ? ref.key : DEFAULT_POLICIES_KEY };
}

/** The ConfigMap to check, when this create or update names a new one (v1beta1: spec.api exists there only). */
export function policyQuestion(obj: unknown, oldObj: unknown): PolicyQuestion | undefined {
  const ref = refOf(obj);
  if (!ref) return undefined;
  const old = refOf(oldObj);
  if (old && old.name === ref.name && old.key === ref.key) return undefined;
  const meta = isObj(obj) && isObj(obj.metadata) ? obj.metadata : {};
  return { namespace: typeof meta.namespace === 'string' ? meta.namespace : '', ...ref };
}

export function policiesForbidden(q: PolicyQuestion, user: UserInfo): FieldError {
  return {
    type: 'Forbidden',
    field: `${POLICIES_FIELD}.name`,
    detail: `${describeUser(user)} cannot get ConfigMap "${q.name}" in namespace "${q.namespace}" (missing permission: get configmaps): a spec may name only policies its author may read`,
  };
}

export function policiesInvalid(q: PolicyQuestion, message: string): FieldError {
  return {
    type: 'Invalid',
    field: POLICIES_FIELD,
    value: `${q.name}/${q.key}`,
    detail: `invalid Cedar policies in ConfigMap "${q.name}" key "${q.key}": ${message}`,
  };
}

export function policiesMissing(q: PolicyQuestion, configMapExists: boolean): string {
  const what = configMapExists
    ? `ConfigMap "${q.name}" has no key "${q.key}"`
    : `ConfigMap "${q.name}" does not exist in namespace "${q.namespace}"`;
  return `${POLICIES_FIELD}: ${what}; the registry API refuses every read until it holds valid Cedar policies`;
}

export function policiesUnchecked(q: PolicyQuestion, why: string): string {
  return `${POLICIES_FIELD}: the policies in ConfigMap "${q.name}" were not checked (${why}); the registry API checks them when it loads them and refuses every read while none are valid`;
}
