/**
 * The CRD's CEL rules (`x-kubernetes-validations`), evaluated offline with a CEL interpreter the way
 * the apiserver applies them: each rule at the node that declares it, with `self` bound to that
 * node's value, the error at the node's path plus the rule's `fieldPath`, typed by its `reason`, and
 * worded by `message` or `messageExpression`. Our rules use only standard CEL (has, filter, size), so
 * an interpreter without the Kubernetes libraries evaluates them exactly. Pure.
 */
import { isCelError, run } from '@bufbuild/cel';
import type { JSONSchemaProps } from '../../api/crd.ts';
import type { ApiError } from './api-error.ts';

interface Rule {
  rule: string;
  message?: string;
  messageExpression?: string;
  fieldPath?: string;
  reason?: string;
}

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

/** `.url` or `.a.b` relative to the node (the only fieldPath forms our CRD uses). */
function at(path: string, fieldPath: string | undefined): string {
  if (!fieldPath) return path;
  return path + fieldPath;
}

/** The apiserver's rendering per reason; Invalid and Duplicate omit the value for CEL errors. */
function error(reason: string | undefined, field: string, detail: string): ApiError {
  switch (reason) {
    case 'FieldValueRequired':
      return { field, reason, message: `Required value: ${detail}` };
    case 'FieldValueForbidden':
      return { field, reason, message: `Forbidden: ${detail}` };
    case 'FieldValueDuplicate':
      return { field, reason, message: `Duplicate value: ${detail}` };
    default:
      return { field, reason: 'FieldValueInvalid', message: `Invalid value: ${detail}` };
  }
}

function evaluate(rule: Rule, self: unknown, path: string, out: ApiError[]): void {
  const result = run(rule.rule, { self: self as never });
  if (isCelError(result)) {
    out.push({ field: path, reason: 'FieldValueInvalid', message: `Invalid value: ${result.message}` });
    return;
  }
  if (result === true) return;
  let detail = rule.message ?? `failed rule: ${rule.rule}`;
  if (rule.messageExpression) {
    const m = run(rule.messageExpression, { self: self as never });
    if (typeof m === 'string' && m !== '') detail = m;
  }
  out.push(error(rule.reason, at(path, rule.fieldPath), detail));
}

function walk(value: unknown, schema: JSONSchemaProps | undefined, path: string, out: ApiError[]): void {
  if (!schema || value === undefined) return;
  // A node's own rules first, then its children's, as the apiserver's validator walks.
  for (const rule of (schema['x-kubernetes-validations'] ?? []) as Rule[]) evaluate(rule, value, path, out);
  if (schema.type === 'array' && Array.isArray(value)) {
    const items = schema.items as JSONSchemaProps | undefined;
    value.forEach((v, i) => walk(v, items, `${path}[${i}]`, out));
  } else if (schema.type === 'object' && isObj(value)) {
    const props = (schema.properties ?? {}) as Record<string, JSONSchemaProps>;
    for (const [k, sub] of Object.entries(props)) walk(value[k], sub, path ? `${path}.${k}` : k, out);
  }
}

/** Every CEL rule of the schema applied to the object, errors in schema order (as the apiserver). */
export function celErrors(object: Obj, schema: JSONSchemaProps): ApiError[] {
  const out: ApiError[] = [];
  walk(object, schema, '', out);
  return out;
}
