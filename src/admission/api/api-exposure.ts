/**
 * `spec.api.basePath`, `spec.api.ingress` and `spec.api.httpRoute` (SPEC §13) beyond the schema: host
 * names, paths and Secret names the apiserver would refuse when the controller applies the Ingress or
 * HTTPRoute (minutes later, as a condition) are refused here in its words; a route path that could never
 * reach the API under its base path is refused; the platform policy may forbid exposure. Pure.
 */
import type { FieldError } from '../../api/field-error.ts';
import { isObj, type Obj } from '../shape.ts';
import type { Finding } from '../finding.ts';
import { isQualifiedName } from '../../api/labels.ts';

const SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const IPV4 = /^\d{1,3}(\.\d{1,3}){3}$/;
const SUBDOMAIN_DETAIL =
  "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')";
const WILDCARD_DETAIL =
  "a wildcard DNS-1123 subdomain must start with '*.', followed by a valid DNS subdomain, which must consist of lower case alphanumeric characters, '-' or '.' and end with an alphanumeric character (e.g. '*.example.com', regex used for validation is '\\*\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')";
const KEY_DETAIL =
  "must be a qualified name: an optional DNS subdomain prefix and '/', then a name of at most 63 alphanumeric characters, '-', '_' or '.', starting and ending with an alphanumeric character";

/** One path segment: RFC 3986 unreserved characters, so no escaping question ever arises. */
const SEGMENT = /^[A-Za-z0-9._~-]+$/;
const PATH_GRAMMAR =
  "segments of letters, digits, '-', '.', '_' or '~', each after a '/', with no trailing '/' and no '.' or '..' segment";

/** Why `text` is not a path of segments (undefined: it is one); `/` alone only where `root` allows it. */
export function pathProblem(text: string, root: boolean): string | undefined {
  if (text === '/') return root ? undefined : "must not be '/' (leave the field out to serve at the root)";
  if (!text.startsWith('/')) return `must start with '/' (${PATH_GRAMMAR}, e.g. '/registry')`;
  const segments = text.slice(1).split('/');
  const ok = segments.every((s) => SEGMENT.test(s) && s !== '.' && s !== '..');
  return ok ? undefined : `must be ${PATH_GRAMMAR}, e.g. '/registry'`;
}

/** True when one path is the other or lies under it, segment-wise (`/a` and `/a/b`; not `/a` and `/ab`). */
export function pathsOverlap(a: string, b: string): boolean {
  const under = (x: string, y: string) => y === '/' || x === y || x.startsWith(`${y}/`);
  return under(a, b) || under(b, a);
}

function hostProblem(host: string): string | undefined {
  if (IPV4.test(host) || host.includes(':')) return 'must be a DNS name, not an IP address';
  if (host.startsWith('*.')) return SUBDOMAIN.test(host.slice(2)) ? undefined : WILDCARD_DETAIL;
  return SUBDOMAIN.test(host) ? undefined : SUBDOMAIN_DETAIL;
}

function checkAnnotations(map: unknown, field: string, out: FieldError[]): void {
  if (!isObj(map)) return;
  for (const k of Object.keys(map))
    if (!isQualifiedName(k))
      out.push({ type: 'Invalid', field: `${field}[${k}]`, value: k, detail: KEY_DETAIL });
}

/** host, path (against the base path) and annotations, which the two kinds share. */
function checkRoute(route: Obj, field: string, base: string | undefined, out: FieldError[]): void {
  if (typeof route.host === 'string') {
    const why = hostProblem(route.host);
    if (why) out.push({ type: 'Invalid', field: `${field}.host`, value: route.host, detail: why });
  }
  if (typeof route.path === 'string') {
    const why = pathProblem(route.path, true);
    if (why) out.push({ type: 'Invalid', field: `${field}.path`, value: route.path, detail: why });
    else if (base !== undefined && !pathsOverlap(route.path, base))
      out.push({
        type: 'Invalid',
        field: `${field}.path`,
        value: route.path,
        detail: `routes nothing the API serves: it serves under spec.api.basePath "${base}"; use that path (the default), a path above it or one under it`,
      });
  }
  checkAnnotations(route.annotations, `${field}.annotations`, out);
}

function checkIngress(ing: Obj, base: string | undefined, out: FieldError[]): void {
  const field = 'spec.api.ingress';
  checkRoute(ing, field, base, out);
  if (!isObj(ing.tls)) return;
  const secret = ing.tls.secretName;
  if (typeof secret === 'string' && !SUBDOMAIN.test(secret))
    out.push({ type: 'Invalid', field: `${field}.tls.secretName`, value: secret, detail: SUBDOMAIN_DETAIL });
  if (typeof ing.host !== 'string')
    out.push({
      type: 'Required',
      field: `${field}.host`,
      detail: 'a TLS certificate is served for a host name: set host with tls',
    });
}

function checkHttpRoute(route: Obj, base: string | undefined, out: FieldError[]): void {
  const field = 'spec.api.httpRoute';
  checkRoute(route, field, base, out);
  if (!Array.isArray(route.parentRefs)) return;
  // Gateway API's own rules on parentRefs (its CRD's CEL, in its words): two references to one Gateway
  // must each name a listener, and different ones.
  const refs = route.parentRefs.filter(isObj);
  const parent = (p: Obj) => `${typeof p.namespace === 'string' ? p.namespace : ''}/${String(p.name)}`;
  const section = (p: Obj) => (typeof p.sectionName === 'string' ? p.sectionName : '');
  const field2 = `${field}.parentRefs`;
  const same = (a: Obj, b: Obj) => parent(a) === parent(b);
  if (refs.some((a) => refs.some((b) => same(a, b) && (section(a) === '') !== (section(b) === ''))))
    out.push({
      type: 'Invalid',
      field: field2,
      value: 'array',
      detail:
        'sectionName must be specified when parentRefs includes 2 or more references to the same parent',
    });
  if (refs.some((a) => refs.filter((b) => same(a, b) && section(a) === section(b)).length > 1))
    out.push({
      type: 'Invalid',
      field: field2,
      value: 'array',
      detail: 'sectionName must be unique when parentRefs includes 2 or more references to the same parent',
    });
}

/** The platform policy's exposure rule (policy.ts `api.allowExposure`), marked `policy` so it ratchets. */
function checkPolicy(api: Obj, allowExposure: boolean | undefined): Finding[] {
  if (allowExposure !== false) return [];
  return (['ingress', 'httpRoute'] as const)
    .filter((k) => api[k] !== undefined)
    .map((k) => ({
      type: 'Forbidden' as const,
      field: `spec.api.${k}`,
      detail:
        'exposing the registry API outside the cluster is not allowed by the platform policy (api.allowExposure)',
      policy: true,
    }));
}

/** Every finding about how the API is exposed (the schema's own are reported by structural validation). */
export function checkApiExposure(api: Obj, allowExposure?: boolean): Finding[] {
  const out: Finding[] = checkPolicy(api, allowExposure);
  let base: string | undefined;
  if (typeof api.basePath === 'string') {
    const why = pathProblem(api.basePath, false);
    if (why) out.push({ type: 'Invalid', field: 'spec.api.basePath', value: api.basePath, detail: why });
    else base = api.basePath;
  }
  if (api.ingress !== undefined && api.httpRoute !== undefined)
    out.push({
      type: 'Forbidden',
      field: 'spec.api.httpRoute',
      detail: 'at most one of ingress or httpRoute may be set',
    });
  if (isObj(api.ingress)) checkIngress(api.ingress, base, out);
  if (isObj(api.httpRoute)) checkHttpRoute(api.httpRoute, base, out);
  return out;
}
