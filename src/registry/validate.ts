/**
 * Entry validation against the published JSON Schemas (both draft-07): the ToolHive registry schema's
 * `server` / `remote_server` definitions and the official server.json schema. One precise error per
 * entry: combinator noise (anyOf/oneOf summaries, branches for another `type`) is dropped first.
 */
import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import addFormatsModule from 'ajv-formats';
import toolhiveSchema from './schemas/toolhive-registry.schema.json' with { type: 'json' };
import serverSchema from './schemas/server.schema.2025-12-11.json' with { type: 'json' };

const addFormats = addFormatsModule as unknown as { default: (ajv: Ajv) => Ajv };

let compiled:
  { container: ValidateFunction; remote: ValidateFunction; upstream: ValidateFunction } | undefined;

function validators() {
  if (compiled) return compiled;
  const ajv = new Ajv({ allErrors: true, strict: false, verbose: true });
  addFormats.default(ajv);
  ajv.addSchema(toolhiveSchema as object);
  ajv.addSchema(serverSchema as object);
  const th = (toolhiveSchema as { $id: string }).$id;
  compiled = {
    container: ajv.compile({ $ref: `${th}#/definitions/server` }),
    remote: ajv.compile({ $ref: `${th}#/definitions/remote_server` }),
    upstream: ajv.compile({ $ref: (serverSchema as { $id: string }).$id }),
  };
  return compiled;
}

/**
 * Compiles the schemas now instead of at the first validation (~140 ms of ajv code generation): the
 * controller calls it at start, while its informers list, so the first sync does not pay it.
 */
export function prepareValidators(): void {
  validators();
}

export interface EntryError {
  field: string;
  reason: string;
}

export type EntrySchema = 'container' | 'remote' | 'upstream';

/** Undefined when the entry is valid, else its most precise error. */
export function validateEntry(schema: EntrySchema, entry: unknown): EntryError | undefined {
  const validate = validators()[schema];
  if (validate(entry)) return undefined;
  const best = pickError(validate.errors ?? []);
  return best ?? { field: '', reason: 'does not match the schema' };
}

function pickError(errors: ErrorObject[]): EntryError | undefined {
  // A branch whose `type` discriminator does not match is not the branch the author meant: drop its
  // errors (recognised by the branch schema declaring that `type` enum), then the enum error itself.
  const wrong = errors.filter((e) => e.keyword === 'enum' && e.instancePath.endsWith('/type'));
  const inWrongBranch = (e: ErrorObject) =>
    wrong.some((w) => {
      const at = w.instancePath.slice(0, -'/type'.length);
      const declared = (e.parentSchema as { properties?: { type?: { enum?: unknown } } } | undefined)
        ?.properties?.type?.enum;
      return e.instancePath === at && JSON.stringify(declared) === JSON.stringify(w.schema);
    });
  let relevant = errors.filter(
    (e) => !['anyOf', 'oneOf', 'allOf', 'if'].includes(e.keyword) && !inWrongBranch(e),
  );
  const others = relevant.filter((e) => !wrong.includes(e));
  if (others.length > 0) relevant = others;
  const first = relevant[0] ?? errors[0];
  if (!first) return undefined;
  // Alternatives of one anyOf ("valueHint" or "value") read best as one message.
  const alternatives = relevant.filter(
    (e) =>
      e.keyword === 'required' &&
      e.instancePath === first.instancePath &&
      sameAnyOf(e.schemaPath, first.schemaPath),
  );
  if (first.keyword === 'required' && alternatives.length > 1) {
    const names = alternatives.map((e) => (e.params as { missingProperty: string }).missingProperty);
    return { field: fieldPath(first.instancePath), reason: `must have one of: ${names.join(', ')}` };
  }
  return describe(first);
}

function sameAnyOf(a: string, b: string): boolean {
  const strip = (p: string) => p.replace(/\/anyOf\/\d+\/required$/, '');
  return /\/anyOf\/\d+\/required$/.test(a) && strip(a) === strip(b);
}

/** `/packages/0/version` → `packages[0].version` */
export function fieldPath(pointer: string): string {
  return pointer
    .split('/')
    .slice(1)
    .map((p) => p.replace(/~1/g, '/').replace(/~0/g, '~'))
    .reduce((acc, p) => (/^\d+$/.test(p) ? `${acc}[${p}]` : acc ? `${acc}.${p}` : p), '');
}

function describe(e: ErrorObject): EntryError {
  const at = fieldPath(e.instancePath);
  const p = e.params as Record<string, unknown>;
  const join = (f: string, k: string) => (f ? `${f}.${k}` : k);
  switch (e.keyword) {
    case 'required':
      return { field: join(at, String(p.missingProperty)), reason: 'required' };
    case 'additionalProperties':
      return { field: join(at, String(p.additionalProperty)), reason: 'unknown field' };
    case 'maxLength':
      return { field: at, reason: `must be at most ${String(p.limit)} characters` };
    case 'minLength':
      return { field: at, reason: `must be at least ${String(p.limit)} characters` };
    case 'pattern':
      return { field: at, reason: `must match ${String(p.pattern)}` };
    case 'enum':
      return {
        field: at,
        reason: `must be one of: ${(p.allowedValues as unknown[]).map((v) => JSON.stringify(v)).join(', ')}`,
      };
    case 'not': {
      const schema = e.schema as { const?: unknown };
      return 'const' in schema
        ? { field: at, reason: `must not be ${JSON.stringify(schema.const)}` }
        : { field: at, reason: 'has a forbidden value' };
    }
    case 'format':
      return { field: at, reason: `must be a valid ${String(p.format)}` };
    case 'type':
      return { field: at, reason: `must be ${String(p.type)}` };
    default:
      return { field: at, reason: e.message ?? e.keyword };
  }
}
