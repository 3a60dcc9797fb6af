/**
 * The cluster questions about `spec.api.authorization.policiesConfigMapRef` (the pure part and the
 * messages: src/admission/policy-configmap.ts): may the author get the ConfigMap (SubjectAccessReview
 * for exactly the AdmissionReview's userInfo), what does it hold, and does Cedar accept it (on a worker
 * thread, cedar-check.ts). Every call has a deadline; an apiserver that does not answer makes a warning,
 * not a refusal (the API still checks the policies and fails closed). Only the registry's own namespace
 * is ever read: the question takes the object's namespace.
 */
import type { FieldError } from '../api/field-error.ts';
import type { UserInfo } from '../admission/source-rules/access.ts';
import {
  policiesForbidden,
  policiesInvalid,
  policiesMissing,
  policiesUnchecked,
  policyQuestion,
} from '../admission/policy-configmap.ts';
import type { CedarChecker } from './cedar-check.ts';

export interface PolicyConfigMapApi {
  canGetConfigMap(user: UserInfo, namespace: string, name: string, timeoutMs: number): Promise<boolean>;
  /** The ConfigMap's data, or undefined when there is none. */
  configMapData(
    namespace: string,
    name: string,
    timeoutMs: number,
  ): Promise<Record<string, string> | undefined>;
}

export const POLICY_REVIEW_TIMEOUT_MS = 2_000;

export class PolicyConfigMapReviewer {
  private readonly api: () => Promise<PolicyConfigMapApi>;
  private readonly checker: CedarChecker;
  private readonly timeoutMs: number;

  constructor(o: { api: () => Promise<PolicyConfigMapApi>; checker: CedarChecker; timeoutMs?: number }) {
    this.api = o.api;
    this.checker = o.checker;
    this.timeoutMs = o.timeoutMs ?? POLICY_REVIEW_TIMEOUT_MS;
  }

  async review(
    obj: unknown,
    oldObj: unknown,
    user: UserInfo,
  ): Promise<{ errors: FieldError[]; warnings: string[] }> {
    const q = policyQuestion(obj, oldObj);
    if (!q) return { errors: [], warnings: [] };
    let data: Record<string, string> | undefined;
    try {
      const api = await deadline(this.api(), this.timeoutMs);
      if (!(await deadline(api.canGetConfigMap(user, q.namespace, q.name, this.timeoutMs), this.timeoutMs)))
        return { errors: [policiesForbidden(q, user)], warnings: [] };
      data = await deadline(api.configMapData(q.namespace, q.name, this.timeoutMs), this.timeoutMs);
    } catch (e) {
      return { errors: [], warnings: [policiesUnchecked(q, reason(e, this.timeoutMs))] };
    }
    const text = data?.[q.key];
    if (text === undefined) return { errors: [], warnings: [policiesMissing(q, data !== undefined)] };
    const c = await this.checker.check(text);
    if (c.unchecked !== undefined) return { errors: [], warnings: [policiesUnchecked(q, c.unchecked)] };
    return { errors: c.invalid === undefined ? [] : [policiesInvalid(q, c.invalid)], warnings: [] };
  }
}

class Timeout extends Error {}

function deadline<T>(p: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Timeout()), ms);
  });
  return Promise.race([p, late]).finally(() => clearTimeout(timer));
}

function reason(e: unknown, ms: number): string {
  if (e instanceof Timeout) return `the Kubernetes API did not answer within ${ms / 1000} s`;
  const status = (e as { status?: unknown }).status;
  return typeof status === 'number'
    ? `the Kubernetes API answered HTTP ${status}`
    : 'the Kubernetes API could not be reached';
}

/** The API over the operator's Kubernetes client, loaded when first needed. */
export async function kubePolicyApi(kubeconfig: string | undefined): Promise<PolicyConfigMapApi> {
  const { KubeClient } = await import('../kube/client.ts');
  const client = KubeClient.load({ kubeconfig, userAgent: 'mcp-registry-operator/webhook' });
  return {
    async canGetConfigMap(user, namespace, name, timeoutMs) {
      const review = {
        apiVersion: 'authorization.k8s.io/v1',
        kind: 'SubjectAccessReview',
        spec: {
          user: user.username,
          uid: user.uid,
          groups: user.groups,
          extra: user.extra,
          resourceAttributes: { namespace, verb: 'get', group: '', resource: 'configmaps', name },
        },
      };
      const r = await client.request<{ status?: { allowed?: boolean } }>(
        '/apis/authorization.k8s.io/v1/subjectaccessreviews',
        { method: 'POST', body: review, timeoutMs },
      );
      return r.body.status?.allowed === true;
    },
    async configMapData(namespace, name, timeoutMs) {
      try {
        const path = `/api/v1/namespaces/${encodeURIComponent(namespace)}/configmaps/${encodeURIComponent(name)}`;
        const r = await client.request<{ data?: Record<string, string> }>(path, { timeoutMs });
        return r.body.data ?? {};
      } catch (e) {
        if ((e as { status?: unknown }).status === 404) return undefined;
        throw e;
      }
    },
  };
}
