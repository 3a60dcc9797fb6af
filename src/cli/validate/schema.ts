/**
 * The apiserver's own validation of a custom resource, after the mutating webhooks and before the
 * validating ones (apiextensions-apiserver's customResourceStrategy.Validate): object metadata, the
 * CRD's structural schema (kube-openapi's wording, mapped to field errors), list-type map keys, then
 * the CEL rules, which are skipped when a blocking error (Required, Unsupported, Too long, Too many,
 * a wrong type) makes them unsafe. The schema runs through the project's ajv setup (createAjv) on the
 * CRD's structural schema of the version; only the wording differs from the webhook's own messages,
 * because these are the apiserver's. Pure.
 */
import type { ErrorObject, ValidateFunction } from 'ajv';
import { buildCrd, type JSONSchemaProps } from '../../api/crd.ts';
import { pointerToFieldPath } from '../../api/field-error.ts';
import { createAjv } from '../../api/validator.ts';
import type { ApiError } from './api-error.ts';
import { celErrors } from './cel.ts';

export type { ApiError };

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

const crd = buildCrd() as {
  spec: { versions: { name: string; schema: { openAPIV3Schema: JSONSchemaProps } }[] };
};

export function structuralSchema(version: string): JSONSchemaProps | undefined {
  return crd.spec.versions.find((v) => v.name === version)?.schema.openAPIV3Schema;
}

const ajv = createAjv();
const compiled = new Map<string, ValidateFunction>();
function validatorFor(version: string, schema: JSONSchemaProps): ValidateFunction {
  let fn = compiled.get(version);
  if (!fn) compiled.set(version, (fn = ajv.compile(schema)));
  return fn;
}

/** Go's %v / %q / json.Marshal rendering of a bad value, as field.Error.ErrorBody does. */
export function goValue(v: unknown): string {
  if (typeof v === 'string') return JSON.stringify(v);
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  return JSON.stringify(sortKeys(v));
}

function sortKeys(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(sortKeys);
  if (!isObj(v)) return v;
  return Object.fromEntries(
    Object.keys(v)
      .sort()
      .map((k) => [k, sortKeys(v[k])]),
  );
}

function jsonType(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'array';
  if (typeof v === 'number') return Number.isInteger(v) ? 'integer' : 'number';
  return typeof v;
}

function valueAt(root: unknown, pointer: string): unknown {
  let cur = root;
  for (const seg of pointer.split('/').slice(1)) {
    if (cur === null || typeof cur !== 'object') return undefined;
    cur = (cur as Obj)[seg.replace(/~1/g, '/').replace(/~0/g, '~')];
  }
  return cur;
}

const plural = (n: number, one: string, many: string) => (n === 1 ? one : many);

/** kube-openapi's error for one ajv failure, as apiextensions maps it to a field error. */
function schemaError(e: ErrorObject, root: unknown): ApiError | undefined {
  const field = pointerToFieldPath(e.instancePath);
  const value = valueAt(root, e.instancePath);
  const p = e.params as Record<string, unknown>;
  const inBody = (detail: string) => `${field} in body ${detail}`;
  // A wrong type (and a failed format) is field.TypeInvalid: printed as "Invalid value", but its own
  // reason, and one of the errors that make the apiserver skip CEL.
  const invalid = (shown: unknown, detail: string, reason = 'FieldValueInvalid'): ApiError => ({
    field,
    reason,
    message: `Invalid value: ${goValue(shown)}: ${inBody(detail)}`,
  });
  switch (e.keyword) {
    case 'required':
      return {
        field: field ? `${field}.${String(p.missingProperty)}` : String(p.missingProperty),
        reason: 'FieldValueRequired',
        message: 'Required value',
      };
    case 'enum':
      return {
        field,
        reason: 'FieldValueNotSupported',
        message: `Unsupported value: ${goValue(value)}: supported values: ${(p.allowedValues as unknown[])
          .map((v) => JSON.stringify(typeof v === 'string' ? v : JSON.stringify(v)))
          .join(', ')}`,
      };
    case 'maxLength': {
      const n = Number(p.limit);
      return {
        field,
        reason: 'FieldValueTooLong',
        message: `Too long: may not be more than ${n} ${plural(n, 'byte', 'bytes')}`,
      };
    }
    case 'maxItems': {
      const n = Number(p.limit);
      const actual = Array.isArray(value) ? value.length : -1;
      return {
        field,
        reason: 'FieldValueTooMany',
        message: `Too many: ${actual}: must have at most ${n} ${plural(n, 'item', 'items')}`,
      };
    }
    case 'type': {
      const actual = jsonType(value);
      return invalid(
        actual,
        `must be of type ${String(p.type)}: ${JSON.stringify(actual)}`,
        'FieldValueTypeInvalid',
      );
    }
    case 'pattern':
      return invalid(value, `should match '${String(p.pattern)}'`);
    case 'minLength':
      return invalid(value, `should be at least ${String(p.limit)} chars long`);
    case 'minItems':
      return invalid(
        Array.isArray(value) ? value.length : value,
        `should have at least ${String(p.limit)} items`,
      );
    case 'minimum':
      return invalid(value, `should be greater than or equal to ${String(p.limit)}`);
    case 'maximum':
      return invalid(value, `should be less than or equal to ${String(p.limit)}`);
    case 'format':
      return invalid(
        value,
        `must be of type ${String(p.format)}: ${JSON.stringify(value)}`,
        'FieldValueTypeInvalid',
      );
    default:
      return invalid(value, e.message ?? e.keyword);
  }
}

/**
 * kube-openapi's string and number validators stop at their first failure (maxLength, then minLength,
 * then pattern; multipleOf, then maximum, then minimum), where ajv reports them all.
 */
const FIRST_OF = [
  ['maxLength', 'minLength', 'pattern'],
  ['multipleOf', 'maximum', 'minimum'],
];
function firstPerValidator(errors: ErrorObject[]): ErrorObject[] {
  return errors.filter((e) => {
    const chain = FIRST_OF.find((c) => c.includes(e.keyword));
    if (!chain) return true;
    const earlier = chain.slice(0, chain.indexOf(e.keyword));
    return !errors.some((o) => o.instancePath === e.instancePath && earlier.includes(o.keyword));
  });
}

const BLOCKING = new Set([
  'FieldValueNotSupported',
  'FieldValueRequired',
  'FieldValueTooLong',
  'FieldValueTooMany',
  'FieldValueTypeInvalid',
]);

const DNS_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const DNS_SUBDOMAIN_MESSAGE =
  "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')";

/** metadata.name as ValidateObjectMetaAccessor checks it for a custom resource (a DNS subdomain). */
function metadataErrors(meta: unknown): ApiError[] {
  const m = isObj(meta) ? meta : {};
  const name = m.name;
  if (typeof name !== 'string' || name === '') {
    if (typeof m.generateName === 'string' && m.generateName !== '') return [];
    return [
      {
        field: 'metadata.name',
        reason: 'FieldValueRequired',
        message: 'Required value: name or generateName is required',
      },
    ];
  }
  const out: ApiError[] = [];
  const invalid = (detail: string) =>
    out.push({
      field: 'metadata.name',
      reason: 'FieldValueInvalid',
      message: `Invalid value: ${goValue(name)}: ${detail}`,
    });
  if (name.length > 253) invalid('must be no more than 253 characters');
  if (!DNS_SUBDOMAIN.test(name)) invalid(DNS_SUBDOMAIN_MESSAGE);
  return out;
}

/** `x-kubernetes-list-type: map` keys are unique (structurallisttype.ValidateListSetsAndMaps). */
function listMapErrors(
  value: unknown,
  schema: JSONSchemaProps | undefined,
  path: string,
  out: ApiError[],
): void {
  if (!schema) return;
  if (Array.isArray(value) && schema.type === 'array') {
    const keys = (schema['x-kubernetes-list-map-keys'] ?? []) as string[];
    if (schema['x-kubernetes-list-type'] === 'map' && keys.length) {
      const seen = new Set<string>();
      value.forEach((item, i) => {
        if (!isObj(item)) return;
        const key = Object.fromEntries(keys.filter((k) => item[k] !== undefined).map((k) => [k, item[k]]));
        const text = goValue(key);
        if (seen.has(text))
          out.push({
            field: `${path}[${i}]`,
            reason: 'FieldValueDuplicate',
            message: `Duplicate value: ${text}`,
          });
        seen.add(text);
      });
    }
    value.forEach((v, i) => listMapErrors(v, schema.items as JSONSchemaProps, `${path}[${i}]`, out));
  } else if (isObj(value) && schema.type === 'object') {
    const props = (schema.properties ?? {}) as Record<string, JSONSchemaProps>;
    for (const [k, sub] of Object.entries(props))
      listMapErrors(value[k], sub, path ? `${path}.${k}` : k, out);
  }
}

export const CEL_SKIPPED: ApiError = {
  field: '<nil>',
  reason: 'FieldValueInvalid',
  message:
    'Invalid value: null: some validation rules were not checked because the object was invalid; correct the existing errors to complete validation',
};

/**
 * The apiserver's errors for a (decoded, mutated, status-less) object of a served version, in its
 * order: metadata, schema (by field), list maps, then CEL or the note that CEL was skipped.
 */
export function apiserverErrors(version: string, object: Obj): ApiError[] {
  const schema = structuralSchema(version);
  if (!schema) return [];
  const fn = validatorFor(version, schema);
  const errs = metadataErrors(object.metadata);
  if (!fn(object)) {
    const seen = new Set<string>();
    const schemaErrs: ApiError[] = [];
    for (const e of firstPerValidator(fn.errors ?? [])) {
      const fe = schemaError(e, object);
      const key = fe && `${fe.field}|${fe.message}`;
      if (!fe || !key || seen.has(key)) continue;
      seen.add(key);
      schemaErrs.push(fe);
    }
    for (const e of schemaErrs.sort((a, b) => (a.field < b.field ? -1 : a.field > b.field ? 1 : 0)))
      errs.push(e);
  }
  listMapErrors(object, schema, '', errs);
  if (errs.some((e) => BLOCKING.has(e.reason))) return [...errs, CEL_SKIPPED];
  return [...errs, ...celErrors(object, schema)];
}
