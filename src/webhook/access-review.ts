/**
 * The questions admission asks the cluster (SPEC §18; the pure part is src/admission/access.ts):
 *   - may the requesting user `get` each credential Secret the spec names? A SubjectAccessReview for
 *     exactly the AdmissionReview's userInfo (user, uid, groups, extra);
 *   - does another namespace's registry whose API a URL names let this namespace read it? A GET of
 *     that MCPRegistry (a missing one is refused in the same words as a refusing one);
 *   - may the requesting user `create` the Ingress or HTTPRoute spec.api asks the operator for?
 *     (src/admission/api/exposure-access.ts).
 * Every call has a deadline (a slow apiserver refuses this request with a message saying so; it never
 * holds other requests: each review awaits only its own calls). Answers are cached briefly, in a
 * bounded map, so `kubectl apply` loops and retries do not ask again; identical concurrent questions
 * share one call. The Kubernetes client is loaded on the first question: most specs name no Secret.
 */
import { ANNOTATION_ALLOWED_READERS } from '../api/constants.ts';
import type { FieldError } from '../api/field-error.ts';
import {
  accessQuestions,
  registryForbidden,
  registryUnchecked,
  secretForbidden,
  secretUnchecked,
  type UserInfo,
} from '../admission/source-rules/access.ts';
import { readerAllowed } from '../admission/source-rules/registry-api-host.ts';
import {
  exposureForbidden,
  exposureQuestion,
  exposureUnchecked,
  type ExposureQuestion,
} from '../admission/api/exposure-access.ts';
import { BoundedCache } from '../registry/bounded-cache.ts';

/** The two calls, over whatever client the process has (a KubeClient in the operator). */
export interface AccessApi {
  /** status.allowed of a SubjectAccessReview for `user` getting Secret namespace/name. */
  canGetSecret(user: UserInfo, namespace: string, name: string, timeoutMs: number): Promise<boolean>;
  /** status.allowed of a SubjectAccessReview for `user` creating `resource`.`group` in namespace. */
  canCreate(user: UserInfo, q: Omit<ExposureQuestion, 'field'>, timeoutMs: number): Promise<boolean>;
  /** The MCPRegistry's annotations, or undefined when there is none. */
  registryAnnotations(
    namespace: string,
    name: string,
    timeoutMs: number,
  ): Promise<Record<string, string> | undefined>;
}

export interface AccessReviewOptions {
  api: () => Promise<AccessApi>;
  /** Deadline of one call; the webhook's own timeout (default 10 s, ours 5 s in the manifests) must exceed it. */
  timeoutMs?: number;
  /** How long an answer is reused. */
  ttlMs?: number;
  /** Most answers kept (and at most 1 KiB of key each on average: a user's groups and extra are in it). */
  maxEntries?: number;
  now?: () => number;
}

export const ACCESS_TIMEOUT_MS = 2_000;
export const ACCESS_TTL_MS = 10_000;
export const ACCESS_MAX_ENTRIES = 4_096;

class Timeout extends Error {}

export class AccessReviewer {
  private readonly cache: BoundedCache<string, { at: number; value: Promise<unknown> }>;
  private readonly o: Required<Omit<AccessReviewOptions, 'api'>> & Pick<AccessReviewOptions, 'api'>;

  constructor(o: AccessReviewOptions) {
    this.o = {
      timeoutMs: ACCESS_TIMEOUT_MS,
      ttlMs: ACCESS_TTL_MS,
      maxEntries: ACCESS_MAX_ENTRIES,
      now: Date.now,
      ...o,
    };
    this.cache = new BoundedCache({ maxEntries: this.o.maxEntries, maxBytes: this.o.maxEntries * 1024 });
  }

  /** The field errors for what the user may not name; empty when nothing needs asking. */
  async review(obj: unknown, oldObj: unknown, user: UserInfo, clusterDomain: string): Promise<FieldError[]> {
    const q = accessQuestions(obj, oldObj, clusterDomain);
    if (q.errors.length) return q.errors;
    const exposure = exposureQuestion(obj, oldObj);
    if (q.secrets.length === 0 && q.registries.length === 0 && !exposure) return [];
    let api: AccessApi;
    try {
      // Loading the client (first question only) counts against the same deadline; it goes on loading
      // for the next request when this one gives up.
      api = await withDeadline(this.o.api(), this.o.timeoutMs);
    } catch (e) {
      const reason =
        e instanceof Timeout
          ? 'the Kubernetes client was still loading'
          : `the Kubernetes client could not be loaded: ${(e as Error).message}`;
      return [
        ...q.secrets.map((s) => secretUnchecked(s, reason)),
        ...q.registries.map((r) => registryUnchecked(r, reason)),
        ...(exposure ? [exposureUnchecked(exposure, reason)] : []),
      ];
    }
    const secrets = q.secrets.map(async (s): Promise<FieldError | undefined> => {
      const key = JSON.stringify([
        'secret',
        user.username,
        user.uid,
        user.groups,
        user.extra,
        s.namespace,
        s.name,
      ]);
      try {
        const ok = await this.cached(key, () =>
          api.canGetSecret(user, s.namespace, s.name, this.o.timeoutMs),
        );
        return ok ? undefined : secretForbidden(s, user);
      } catch (e) {
        return secretUnchecked(s, why(e, this.o.timeoutMs));
      }
    });
    const registries = q.registries.map(async (r): Promise<FieldError | undefined> => {
      const key = JSON.stringify(['registry', r.target.namespace, r.target.name]);
      try {
        const annotations = await this.cached(key, () =>
          api.registryAnnotations(r.target.namespace, r.target.name, this.o.timeoutMs),
        );
        const exists = annotations !== undefined;
        const target = { namespace: r.target.namespace, annotations };
        return exists && readerAllowed(target, r.reader, ANNOTATION_ALLOWED_READERS)
          ? undefined
          : registryForbidden(r, ANNOTATION_ALLOWED_READERS);
      } catch (e) {
        return registryUnchecked(r, why(e, this.o.timeoutMs));
      }
    });
    const exposed = exposure ? [this.exposure(api, exposure, user)] : [];
    return (await Promise.all([...secrets, ...registries, ...exposed])).filter((e): e is FieldError => !!e);
  }

  private async exposure(
    api: AccessApi,
    q: ExposureQuestion,
    user: UserInfo,
  ): Promise<FieldError | undefined> {
    const key = JSON.stringify([
      'create',
      user.username,
      user.uid,
      user.groups,
      user.extra,
      q.namespace,
      q.resource,
    ]);
    try {
      const ok = await this.cached(key, () => api.canCreate(user, q, this.o.timeoutMs));
      return ok ? undefined : exposureForbidden(q, user.username);
    } catch (e) {
      return exposureUnchecked(q, why(e, this.o.timeoutMs));
    }
  }

  /** One call per key per TTL (concurrent askers share it); failures are not kept. */
  private cached<T>(key: string, ask: () => Promise<T>): Promise<T> {
    const now = this.o.now();
    const hit = this.cache.get(key);
    if (hit && now - hit.at < this.o.ttlMs) return hit.value as Promise<T>;
    const value = withDeadline(ask(), this.o.timeoutMs);
    this.cache.set(key, { at: now, value }, key.length);
    value.catch(() => {
      if (this.cache.peek(key)?.value === value) this.cache.delete(key);
    });
    return value;
  }
}

function withDeadline<T>(p: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Timeout()), ms);
  });
  return Promise.race([p, deadline]).finally(() => clearTimeout(timer));
}

function why(e: unknown, timeoutMs: number): string {
  if (e instanceof Timeout) return `the Kubernetes API did not answer within ${timeoutMs / 1000} s`;
  const status = (e as { status?: unknown }).status;
  return typeof status === 'number'
    ? `the Kubernetes API answered HTTP ${status}`
    : 'the Kubernetes API could not be reached';
}

/** The AccessApi over the operator's Kubernetes client, loaded when first needed. */
export async function kubeAccessApi(kubeconfig: string | undefined): Promise<AccessApi> {
  const { KubeClient, resourcePath } = await import('../kube/client.ts');
  const { REGISTRIES } = await import('../kube/mcpregistries.ts');
  const client = KubeClient.load({ kubeconfig, userAgent: 'mcp-registry-operator/webhook' });
  // One SubjectAccessReview for exactly the AdmissionReview's user.
  const allowed = async (user: UserInfo, attributes: Record<string, string>, timeoutMs: number) => {
    const review = {
      apiVersion: 'authorization.k8s.io/v1',
      kind: 'SubjectAccessReview',
      spec: {
        user: user.username,
        uid: user.uid,
        groups: user.groups,
        extra: user.extra,
        resourceAttributes: attributes,
      },
    };
    const r = await client.request<{ status?: { allowed?: boolean } }>(
      '/apis/authorization.k8s.io/v1/subjectaccessreviews',
      { method: 'POST', body: review, timeoutMs },
    );
    return r.body.status?.allowed === true;
  };
  return {
    canGetSecret: (user, namespace, name, timeoutMs) =>
      allowed(user, { namespace, verb: 'get', group: '', resource: 'secrets', name }, timeoutMs),
    canCreate: (user, q, timeoutMs) =>
      allowed(
        user,
        { namespace: q.namespace, verb: 'create', group: q.group, resource: q.resource },
        timeoutMs,
      ),
    async registryAnnotations(namespace, name, timeoutMs) {
      try {
        const r = await client.request<{ metadata?: { annotations?: Record<string, string> } }>(
          resourcePath({ ...REGISTRIES, namespace, name }),
          { timeoutMs },
        );
        return r.body.metadata?.annotations ?? {};
      } catch (e) {
        if ((e as { status?: unknown }).status === 404) return undefined;
        throw e;
      }
    },
  };
}
