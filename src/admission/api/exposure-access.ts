/**
 * Who may have the operator expose a registry's API (SPEC §13, §18): the operator creates the Ingress
 * or HTTPRoute with its own rights, on a host and path the spec picks, so asking for one is creating
 * one. Its author must be allowed to `create` that kind in the registry's namespace (the webhook asks
 * with a SubjectAccessReview, src/webhook/access-review.ts); a tenant who could not route a host of a
 * shared ingress controller or Gateway themselves cannot do it through an MCPRegistry either. Asked only
 * when a write adds or changes the exposure, as for Secrets. Pure.
 */
import { API_VERSION_V1ALPHA1 } from '../../api/constants.ts';
import type { FieldError } from '../../api/field-error.ts';
import { isObj } from '../shape.ts';
import { userPath } from '../stash.ts';
import { hubSpec } from '../hub-spec.ts';

export interface ExposureQuestion {
  /** The field asking for it, as the user wrote the object. */
  field: string;
  namespace: string;
  group: string;
  resource: string;
}

const KINDS = [
  { key: 'ingress', group: 'networking.k8s.io', resource: 'ingresses' },
  { key: 'httpRoute', group: 'gateway.networking.k8s.io', resource: 'httproutes' },
] as const;

function hubApi(obj: unknown): Record<string, unknown> {
  const api = hubSpec(obj).api;
  return isObj(api) ? api : {};
}

/** The question a write raises, if it adds or changes an ingress or httpRoute. */
export function exposureQuestion(obj: unknown, oldObj: unknown): ExposureQuestion | undefined {
  if (!isObj(obj)) return undefined;
  const now = hubApi(obj);
  const before = hubApi(oldObj);
  const meta = isObj(obj.metadata) ? obj.metadata : {};
  for (const k of KINDS) {
    if (now[k.key] === undefined || JSON.stringify(now[k.key]) === JSON.stringify(before[k.key])) continue;
    const field = `spec.api.${k.key}`;
    return {
      field: obj.apiVersion === API_VERSION_V1ALPHA1 ? userPath(field) : field,
      namespace: typeof meta.namespace === 'string' ? meta.namespace : '',
      group: k.group,
      resource: k.resource,
    };
  }
  return undefined;
}

export function exposureForbidden(q: ExposureQuestion, username: string | undefined): FieldError {
  return {
    type: 'Forbidden',
    field: q.field,
    detail: `user "${username ?? ''}" cannot create ${q.resource}.${q.group} in namespace "${q.namespace}" (missing permission: create ${q.resource}): a registry may ask the operator for an exposure only its author could create`,
  };
}

export function exposureUnchecked(q: ExposureQuestion, why: string): FieldError {
  return {
    type: 'Forbidden',
    field: q.field,
    detail: `cannot check whether the author may create ${q.resource}.${q.group} in namespace "${q.namespace}" (${why}); try again`,
  };
}
