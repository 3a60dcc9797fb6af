/**
 * Runtime structural validation from the same schema source as the CRD, with errors phrased like the
 * apiserver's. CEL rules (x-kubernetes-validations) are not evaluated here; the admission rules cover
 * the same ground with precise messages, and the apiserver evaluates the CEL itself.
 */
import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import addFormatsModule from 'ajv-formats';
import ucs2lengthModule from 'ajv/dist/runtime/ucs2length.js';
import type { TSchema } from '@sinclair/typebox';
import { V1ALPHA1, V1BETA1, type ApiVersionName } from './constants.ts';
import { pointerToFieldPath, type FieldError } from './field-error.ts';
import { mcpRegistryV1alpha1 } from './schema/v1alpha1.ts';
import { mcpRegistryV1beta1 } from './schema/v1beta1.ts';
import {
  CONFIGMAP_KEY_PATTERN,
  COMMIT_PATTERN,
  DNS_LABEL_PATTERN,
  DNS_SUBDOMAIN_PATTERN,
} from './schema/common.ts';

// ajv-formats is CommonJS with a default export; under NodeNext the callable sits on `.default`.
const addFormats = addFormatsModule as unknown as { default: (ajv: Ajv) => Ajv };

/** Human explanations for the patterns, in apimachinery's wording. */
const PATTERN_DETAILS: Record<string, string> = {
  [DNS_SUBDOMAIN_PATTERN]:
    "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character",
  [DNS_LABEL_PATTERN]:
    "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character",
  [CONFIGMAP_KEY_PATTERN]: "a valid config key must consist of alphanumeric characters, '-', '_' or '.'",
  [COMMIT_PATTERN]: 'must be 7 to 40 hexadecimal characters',
};

/**
 * maxLength/minLength count code points, as the apiserver does (so they must not become `.length`),
 * but ajv's counter walks every string a character at a time: for an object with a few hundred long
 * filter patterns that was a seventh of validating it. Same count, one native scan in the usual case
 * of no surrogates at all; pairs are counted as ajv counts them (a lone half counts as one).
 */
const SURROGATE = /[\uD800-\uDFFF]/;
const SURROGATE_PAIR = /[\uD800-\uDBFF][\uDC00-\uDFFF]/g;
function codePointLength(str: string): number {
  if (!SURROGATE.test(str)) return str.length;
  return str.length - (str.match(SURROGATE_PAIR)?.length ?? 0);
}
// ajv reads this export when it generates a length check; replaced before anything is compiled.
const ucs2 = ucs2lengthModule as unknown as { default: ((s: string) => number) & { code?: string } };
if (ucs2.default !== codePointLength)
  ucs2.default = Object.assign(codePointLength, { code: ucs2.default.code });

export function createAjv(): Ajv {
  const ajv = new Ajv({ allErrors: true, strict: true, strictTypes: false });
  addFormats.default(ajv);
  for (const keyword of [
    'x-kubernetes-validations',
    'x-kubernetes-list-type',
    'x-kubernetes-list-map-keys',
    'x-kubernetes-map-type',
    'x-kubernetes-preserve-unknown-fields',
    'x-kubernetes-int-or-string',
  ]) {
    ajv.addKeyword({ keyword });
  }
  return ajv;
}

const ajv = createAjv();
const compiled = new Map<ApiVersionName, ValidateFunction>();

function validatorFor(version: ApiVersionName): ValidateFunction {
  let fn = compiled.get(version);
  if (!fn) {
    const schema: TSchema = version === V1ALPHA1 ? mcpRegistryV1alpha1 : mcpRegistryV1beta1;
    fn = ajv.compile(schema);
    compiled.set(version, fn);
  }
  return fn;
}

function valueAt(root: unknown, pointer: string): unknown {
  let cur: unknown = root;
  for (const seg of pointer.split('/').slice(1)) {
    if (cur === null || typeof cur !== 'object') return undefined;
    cur = (cur as Record<string, unknown>)[seg.replace(/~1/g, '/').replace(/~0/g, '~')];
  }
  return cur;
}

function join(base: string, child: string): string {
  return base ? `${base}.${child}` : child;
}

export function ajvErrorToFieldError(err: ErrorObject, root: unknown): FieldError | undefined {
  const field = pointerToFieldPath(err.instancePath);
  const value = valueAt(root, err.instancePath);
  const p = err.params as Record<string, unknown>;
  switch (err.keyword) {
    case 'required':
      return { type: 'Required', field: join(field, String(p.missingProperty)) };
    case 'additionalProperties':
      return { type: 'Forbidden', field: join(field, String(p.additionalProperty)), detail: 'unknown field' };
    case 'enum':
      return {
        type: 'Unsupported',
        field,
        value,
        detail: `supported values: ${(p.allowedValues as unknown[]).map((v) => JSON.stringify(v)).join(', ')}`,
      };
    case 'type':
      return { type: 'Invalid', field, value, detail: `must be of type ${String(p.type)}` };
    case 'maxLength':
      return { type: 'TooLong', field, detail: `may not be more than ${String(p.limit)} characters` };
    case 'minLength':
      return { type: 'Invalid', field, value, detail: `must be at least ${String(p.limit)} characters` };
    case 'maxItems':
      return { type: 'TooMany', field, detail: `must have at most ${String(p.limit)} items` };
    case 'minItems':
      return { type: 'Required', field, detail: `must have at least ${String(p.limit)} item(s)` };
    case 'pattern':
      return {
        type: 'Invalid',
        field,
        value,
        detail: PATTERN_DETAILS[String(p.pattern)] ?? `must match the pattern '${String(p.pattern)}'`,
      };
    case 'format':
      return { type: 'Invalid', field, value, detail: `must be a valid ${String(p.format)}` };
    case 'minimum':
      return { type: 'Invalid', field, value, detail: `must be greater than or equal to ${String(p.limit)}` };
    case 'maximum':
      return { type: 'Invalid', field, value, detail: `must be less than or equal to ${String(p.limit)}` };
    case 'maxProperties':
      return { type: 'TooMany', field, detail: `must have at most ${String(p.limit)} items` };
    default:
      return { type: 'Invalid', field, value, detail: err.message ?? err.keyword };
  }
}

/**
 * Validates a whole MCPRegistry object of the given version against its schema.
 * Returns every error at once, in document order of ajv's traversal.
 */
export function validateStructure(version: ApiVersionName, object: unknown): FieldError[] {
  const fn = validatorFor(version);
  if (fn(object)) return [];
  const seen = new Set<string>();
  const out: FieldError[] = [];
  for (const e of fn.errors ?? []) {
    const fe = ajvErrorToFieldError(e, object);
    if (!fe) continue;
    const key = `${fe.type}|${fe.field}|${fe.detail ?? ''}`;
    if (seen.has(key)) continue;
    seen.add(key);
    out.push(fe);
  }
  return out;
}

export function versionOf(apiVersion: unknown): ApiVersionName | undefined {
  if (apiVersion === `toolhive.stacklok.io/${V1ALPHA1}`) return V1ALPHA1;
  if (apiVersion === `toolhive.stacklok.io/${V1BETA1}`) return V1BETA1;
  return undefined;
}
