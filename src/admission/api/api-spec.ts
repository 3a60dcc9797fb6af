/**
 * `spec.api` (SPEC §13) beyond what the schema says: values the apiserver would only refuse when the
 * controller applies the Deployment or Service, minutes later and as a condition, are refused here with
 * the apiserver's own wording. Pure.
 */
import type { FieldError } from '../../api/field-error.ts';
import { isObj, type Obj } from '../shape.ts';
import type { Finding } from '../finding.ts';
import { isQualifiedName, labelValueProblems } from '../../api/labels.ts';
import { checkApiExposure } from './api-exposure.ts';
import { quantityValue } from '../../api/quantity.ts';

/** The platform policy's caps (policy.ts `api`), as this file needs them. */
export interface ApiCaps {
  maxReplicas?: number;
  maxResources?: { cpu?: string; memory?: string };
  allowAnonymous?: boolean;
  allowExposure?: boolean;
}

const QUANTITY_DETAIL =
  "quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'";

const KEY_DETAIL =
  "must be a qualified name: an optional DNS subdomain prefix and '/', then a name of at most 63 alphanumeric characters, '-', '_' or '.', starting and ending with an alphanumeric character";

const AFFINITY_KEYS = ['nodeAffinity', 'podAffinity', 'podAntiAffinity'];

/** apimachinery's TotalAnnotationSizeLimitB: keys and values of one object's annotations together. */
const ANNOTATIONS_MAX_BYTES = 256 * 1024;

function checkKeys(map: unknown, field: string, out: FieldError[]): void {
  if (!isObj(map)) return;
  for (const k of Object.keys(map))
    if (!isQualifiedName(k))
      out.push({ type: 'Invalid', field: `${field}[${k}]`, value: k, detail: KEY_DETAIL });
}

/** Values the Deployment's Pod template cannot carry as its nodeSelector (refused when applied). */
function checkLabelValues(map: unknown, field: string, out: FieldError[]): void {
  if (!isObj(map)) return;
  for (const [k, v] of Object.entries(map))
    if (typeof v === 'string')
      for (const detail of labelValueProblems(v))
        out.push({ type: 'Invalid', field: `${field}[${k}]`, value: v, detail });
}

/** Annotations the Service cannot carry: over the apiserver's total size. */
function checkAnnotationsSize(map: unknown, field: string, out: FieldError[]): void {
  if (!isObj(map)) return;
  let bytes = 0;
  for (const [k, v] of Object.entries(map))
    bytes += Buffer.byteLength(k) + (typeof v === 'string' ? Buffer.byteLength(v) : 0);
  if (bytes > ANNOTATIONS_MAX_BYTES)
    out.push({ type: 'TooLong', field, detail: `must have at most ${ANNOTATIONS_MAX_BYTES} bytes` });
}

function checkResources(res: unknown, out: FieldError[]): void {
  if (!isObj(res)) return;
  const values: Record<string, Record<string, number>> = { requests: {}, limits: {} };
  for (const part of ['requests', 'limits'] as const) {
    const list = res[part];
    if (!isObj(list)) continue;
    for (const r of ['cpu', 'memory']) {
      const q = list[r];
      if (typeof q !== 'string') continue;
      const v = quantityValue(q);
      const field = `spec.api.resources.${part}.${r}`;
      if (v === undefined) out.push({ type: 'Invalid', field, value: q, detail: QUANTITY_DETAIL });
      else if (v <= 0) out.push({ type: 'Invalid', field, value: q, detail: 'must be greater than 0' });
      else values[part]![r] = v;
    }
  }
  for (const r of ['cpu', 'memory']) {
    const req = values.requests![r];
    const lim = values.limits![r];
    if (req !== undefined && lim !== undefined && req > lim) {
      const limText = String((res.limits as Obj)[r]);
      out.push({
        type: 'Invalid',
        field: `spec.api.resources.requests.${r}`,
        value: (res.requests as Obj)[r],
        detail: `must be less than or equal to ${r} limit of ${limText}`,
      });
    }
  }
}

function checkTolerations(list: unknown, out: FieldError[]): void {
  if (!Array.isArray(list)) return;
  list.forEach((t: unknown, i) => {
    if (!isObj(t)) return;
    const field = `spec.api.tolerations[${i}]`;
    const exists = t.operator === 'Exists';
    if ((t.key === undefined || t.key === '') && !exists)
      out.push({
        type: 'Invalid',
        field: `${field}.operator`,
        value: t.operator ?? '',
        detail: 'operator must be Exists when `key` is empty, which means "match all values and all keys"',
      });
    if (exists && typeof t.value === 'string' && t.value !== '')
      out.push({
        type: 'Invalid',
        field: `${field}.operator`,
        value: t.value,
        detail: "value must be empty when `operator` is 'Exists'",
      });
    if (t.tolerationSeconds !== undefined && t.effect !== 'NoExecute')
      out.push({
        type: 'Invalid',
        field: `${field}.effect`,
        value: t.effect ?? '',
        detail: "effect must be 'NoExecute' when `tolerationSeconds` is set",
      });
  });
}

/** The origin rule of `thv-registry-api --cors-origins` (registry-api/cors.ts), said about the field. */
function checkCors(api: Obj, out: FieldError[]): void {
  const origins = isObj(api.cors) ? api.cors.origins : undefined;
  if (!Array.isArray(origins)) return;
  const field = 'spec.api.cors.origins';
  const anonymous = !isObj(api.auth) || api.auth.mode === undefined || api.auth.mode === 'anonymous';
  origins.forEach((o: unknown, i) => {
    if (typeof o !== 'string') return;
    if (o === '*') {
      if (origins.length > 1)
        out.push({
          type: 'Invalid',
          field: `${field}[${i}]`,
          value: o,
          detail: '"*" cannot be combined with other origins',
        });
      else if (!anonymous)
        out.push({
          type: 'Invalid',
          field: `${field}[${i}]`,
          value: o,
          detail: '"*" cannot be used with authentication: list the origins that may send credentials',
        });
      return;
    }
    const why = originProblem(o);
    if (why)
      out.push({
        type: 'Invalid',
        field: `${field}[${i}]`,
        value: o,
        detail: `not an origin (${why}); use scheme://host[:port], e.g. https://app.example.com`,
      });
  });
}

function originProblem(text: string): string | undefined {
  let u: URL;
  try {
    u = new URL(text);
  } catch {
    return 'not a URL';
  }
  if (u.protocol !== 'http:' && u.protocol !== 'https:') return 'only http and https';
  if (u.username || u.password) return 'no user information';
  if ((u.pathname !== '/' && u.pathname !== '') || u.search || u.hash || text.endsWith('/'))
    return 'no path, query or fragment';
  return undefined;
}

/**
 * What the platform policy refuses: marked `policy` so an update that leaves the value as it was is
 * accepted with a warning (validate.ts), as for every policy rule.
 */
function checkCaps(api: Obj, caps: ApiCaps | undefined): Finding[] {
  const out: Finding[] = [];
  if (!caps) return out;
  const max = caps.maxReplicas;
  if (max !== undefined && typeof api.replicas === 'number' && api.replicas > max)
    out.push({
      type: 'Forbidden',
      field: 'spec.api.replicas',
      detail: `at most ${max} replicas are allowed by the platform policy (api.maxReplicas)`,
      policy: true,
    });
  const res = isObj(api.resources) ? api.resources : {};
  for (const part of ['requests', 'limits'])
    for (const r of ['cpu', 'memory'] as const) {
      const cap = caps.maxResources?.[r];
      const list = res[part];
      const q = isObj(list) ? list[r] : undefined;
      if (cap === undefined || typeof q !== 'string') continue;
      const v = quantityValue(q);
      if (v !== undefined && v > (quantityValue(cap) ?? Infinity))
        out.push({
          type: 'Forbidden',
          field: `spec.api.resources.${part}.${r}`,
          detail: `more than ${cap} is not allowed by the platform policy (api.maxResources.${r})`,
          policy: true,
        });
    }
  return out;
}

/**
 * `api.allowAnonymous: false`: every registry must authenticate its API. Judged on the whole spec
 * (scope `spec`), so a registry created before the policy changed keeps being updatable (labels,
 * finalizers) until its spec changes, like every other policy rule.
 */
function checkAnonymous(spec: Obj, caps: ApiCaps | undefined): Finding[] {
  if (caps?.allowAnonymous !== false) return [];
  const api = isObj(spec.api) ? spec.api : {};
  if (api.enabled === false) return [];
  const mode = isObj(api.auth) ? api.auth.mode : undefined;
  if (mode !== undefined && mode !== 'anonymous') return [];
  return [
    {
      type: 'Forbidden',
      field: 'spec.api.auth.mode',
      detail:
        'anonymous access is not allowed by the platform policy (api.allowAnonymous); use kubernetes, oidc or api-keys',
      policy: true,
      scope: 'spec',
    },
  ];
}

/** Every finding about `spec.api` (the schema's own are reported by the structural validation). */
export function checkApiSpec(spec: Obj, caps?: ApiCaps): Finding[] {
  const anonymous = checkAnonymous(spec, caps);
  const api = spec.api;
  if (!isObj(api)) return anonymous;
  const out: Finding[] = [...anonymous, ...checkCaps(api, caps)];
  checkResources(api.resources, out);
  checkKeys(api.nodeSelector, 'spec.api.nodeSelector', out);
  checkLabelValues(api.nodeSelector, 'spec.api.nodeSelector', out);
  if (isObj(api.service)) {
    checkKeys(api.service.annotations, 'spec.api.service.annotations', out);
    checkAnnotationsSize(api.service.annotations, 'spec.api.service.annotations', out);
  }
  checkTolerations(api.tolerations, out);
  if (isObj(api.affinity))
    for (const [k, v] of Object.entries(api.affinity)) {
      if (!AFFINITY_KEYS.includes(k))
        out.push({
          type: 'Unsupported',
          field: `spec.api.affinity.${k}`,
          value: k,
          detail: `supported values: ${AFFINITY_KEYS.map((a) => `"${a}"`).join(', ')}`,
        });
      else if (!isObj(v))
        out.push({
          type: 'Invalid',
          field: `spec.api.affinity.${k}`,
          value: v,
          detail: 'must be of type object',
        });
    }
  checkCors(api, out);
  out.push(...checkApiExposure(api, caps?.allowExposure));
  return out;
}
