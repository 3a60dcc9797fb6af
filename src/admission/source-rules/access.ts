/**
 * What admission must ask the cluster before a spec is stored (SPEC §18), the pure part: which
 * credential Secrets the spec names (its author must be allowed to `get` each: the operator reads them
 * and sends them to a host the spec picks, so naming a Secret is reading it), and which URLs reach
 * another namespace's registry API (that registry must consent, as for a `registryRef`). Both only
 * for sources a write adds or changes: a source left as it was was judged when it was written, and an
 * unrelated edit (a label, the sync trigger) by someone else must not fail because of it. The
 * webhook asks the questions (src/webhook/access-review.ts) and turns the answers into field errors
 * with the words below. `caBundleRef` names public certificates: no question.
 */
import { API_VERSION_V1ALPHA1 } from '../../api/constants.ts';
import type { FieldError } from '../../api/field-error.ts';
import { foreignRegistryApi, foreignRegistryRefusal, type RegistryApiTarget } from './registry-api-host.ts';
import { isObj, type Obj } from '../shape.ts';
import { userPath } from '../stash.ts';
import { hubSpec } from '../hub-spec.ts';

export interface SecretQuestion {
  /** The field naming the Secret, as the user wrote the object. */
  field: string;
  namespace: string;
  name: string;
  /** What the operator does with it: reads it for a source (the default) or mounts it into the API pods. */
  use?: 'source' | 'api-keys';
}

export interface RegistryQuestion {
  field: string;
  /** The reader's namespace. */
  reader: string;
  target: RegistryApiTarget;
}

export interface AccessQuestions {
  secrets: SecretQuestion[];
  registries: RegistryQuestion[];
  /** Refusals that need no question: credentials named for a plain-http URL. */
  errors: FieldError[];
}

/** The requesting user as the AdmissionReview names them (request.userInfo). */
export interface UserInfo {
  username?: string;
  uid?: string;
  groups?: string[];
  extra?: Record<string, string[]>;
}

function hubSources(obj: unknown): Obj[] {
  const spec = hubSpec(obj);
  return Array.isArray(spec.sources) ? spec.sources.filter(isObj) : [];
}

/** The `spec.api.auth.oidc.issuer`, if any: the registry API fetches it, like a source's URL. */
function oidcIssuer(obj: unknown): string | undefined {
  const api = hubSpec(obj).api;
  const oidc = isObj(api) && isObj(api.auth) ? api.auth.oidc : undefined;
  return isObj(oidc) && typeof oidc.issuer === 'string' ? oidc.issuer : undefined;
}

/** The Secret `spec.api.auth.apiKeysSecretRef` names, if any. */
function apiKeysSecret(obj: unknown): string | undefined {
  const api = hubSpec(obj).api;
  const ref = isObj(api) && isObj(api.auth) ? api.auth.apiKeysSecretRef : undefined;
  return isObj(ref) && typeof ref.name === 'string' && ref.name !== '' ? ref.name : undefined;
}

/** A field of the converted object as the user wrote it (a v1alpha1 object: spec.source or the stash). */
function fieldOf(obj: Obj, hubField: string): string {
  return obj.apiVersion === API_VERSION_V1ALPHA1 ? userPath(hubField) : hubField;
}

const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);

export function accessQuestions(obj: unknown, oldObj: unknown, clusterDomain: string): AccessQuestions {
  const out: AccessQuestions = { secrets: [], registries: [], errors: [] };
  if (!isObj(obj)) return out;
  const meta = isObj(obj.metadata) ? obj.metadata : {};
  const namespace = typeof meta.namespace === 'string' ? meta.namespace : '';
  const before = new Map(hubSources(oldObj).map((s) => [s.name, s]));
  hubSources(obj).forEach((s, i) => {
    if (typeof s.type !== 'string' || same(before.get(s.name), s)) return;
    const block = s[s.type];
    if (!isObj(block)) return;
    const path = `spec.sources[${i}].${s.type}`;
    const named: SecretQuestion[] = [];
    for (const [k, v] of Object.entries(block))
      if (k.endsWith('SecretRef') && isObj(v) && typeof v.name === 'string' && v.name !== '')
        named.push({ field: fieldOf(obj, `${path}.${k}.name`), namespace, name: v.name });
    out.secrets.push(...named);
    const url =
      s.type === 'url'
        ? block.href
        : s.type === 'registry'
          ? block.baseURL
          : s.type === 'git'
            ? block.repository
            : undefined;
    const key = s.type === 'url' ? 'href' : s.type === 'git' ? 'repository' : 'baseURL';
    if (typeof url === 'string' && /^http:/i.test(url.trim()))
      for (const q of named)
        out.errors.push({
          type: 'Forbidden',
          field: q.field,
          detail: `credentials are never sent over plain http: ${fieldOf(obj, `${path}.${key}`)} must use https`,
        });
    const target = typeof url === 'string' ? foreignRegistryApi(url, namespace, clusterDomain) : undefined;
    if (target) out.registries.push({ field: fieldOf(obj, `${path}.${key}`), reader: namespace, target });
  });
  // An issuer naming another namespace's registry API would be a way to reach it without consent.
  const issuer = oidcIssuer(obj);
  const issuerTarget =
    issuer !== undefined && issuer !== oidcIssuer(oldObj)
      ? foreignRegistryApi(issuer, namespace, clusterDomain)
      : undefined;
  if (issuerTarget)
    out.registries.push({
      field: fieldOf(obj, 'spec.api.auth.oidc.issuer'),
      reader: namespace,
      target: issuerTarget,
    });
  const keys = apiKeysSecret(obj);
  if (keys !== undefined && keys !== apiKeysSecret(oldObj))
    out.secrets.push({
      field: fieldOf(obj, 'spec.api.auth.apiKeysSecretRef.name'),
      namespace,
      name: keys,
      use: 'api-keys',
    });
  return out;
}

/** Who the user is, in messages: `user "alice"`, or the ServiceAccount as Kubernetes names it. */
export function describeUser(user: UserInfo): string {
  return `user "${user.username ?? ''}"`;
}

export function secretForbidden(q: SecretQuestion, user: UserInfo): FieldError {
  return {
    type: 'Forbidden',
    field: q.field,
    detail: `${describeUser(user)} cannot get Secret "${q.name}" in namespace "${q.namespace}" (missing permission: get secrets): a spec may name only Secrets its author may read, because ${q.use === 'api-keys' ? 'the operator mounts it into the registry API’s pods' : 'the operator reads them and sends them to the source'}`,
  };
}

export function secretUnchecked(q: SecretQuestion, why: string): FieldError {
  return {
    type: 'Forbidden',
    field: q.field,
    detail: `cannot check whether the author may get Secret "${q.name}" in namespace "${q.namespace}" (${why}); try again`,
  };
}

export function registryForbidden(q: RegistryQuestion, annotation: string): FieldError {
  return {
    type: 'Forbidden',
    field: q.field,
    detail: foreignRegistryRefusal(q.target, q.reader, annotation),
  };
}

export function registryUnchecked(q: RegistryQuestion, why: string): FieldError {
  return {
    type: 'Forbidden',
    field: q.field,
    detail: `cannot check whether MCPRegistry ${q.target.namespace}/${q.target.name} allows this namespace to read it (${why}); try again`,
  };
}
