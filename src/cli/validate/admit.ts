/**
 * One MCPRegistry manifest through the same steps a `kubectl apply` (CREATE) takes in the cluster, with
 * no cluster: the apiserver's decoding (strict unknown fields, nulls dropped), our mutating webhook's
 * admission core (mutate: defaults and normalisation, applied as its JSONPatch), the apiserver's own
 * validation (metadata, structural schema, CEL; status is dropped first, as the status subresource
 * does on create), then our validating webhook's core (validateReview). Each step that refuses ends the
 * request there, as in the cluster, so the messages are the ones the cluster would return. Pure.
 */
import { applyPatch, type Operation } from 'rfc6902';
import { GROUP, KIND, VERSIONS } from '../../api/constants.ts';
import { mutate, validateReview, type AdmissionRequest, type Policy } from '../../admission/index.ts';
import { dropNulls, unknownFields } from './decode.ts';
import { apiserverErrors, structuralSchema, type ApiError } from './schema.ts';

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

export type Stage = 'version' | 'decoding' | 'apiserver' | 'webhook';

export interface Finding extends ApiError {
  /** Exactly what kubectl prints for this cause. */
  text: string;
}

export interface Verdict {
  valid: boolean;
  /** Which step refused the object (absent when valid). */
  rejectedBy?: Stage;
  errors: Finding[];
  warnings: string[];
  /** The object as admission leaves it (defaults filled), when it got that far. */
  defaulted?: Obj;
}

const withText = (e: ApiError): Finding => ({ ...e, text: `${e.field}: ${e.message}` });

export function isRegistryKind(doc: Obj): boolean {
  return doc.kind === KIND && typeof doc.apiVersion === 'string' && doc.apiVersion.split('/')[0] === GROUP;
}

function refused(rejectedBy: Stage, errors: Finding[], extra: Partial<Verdict> = {}): Verdict {
  return { valid: false, rejectedBy, errors, warnings: [], ...extra };
}

/** The admission verdict for one MCPRegistry document (isRegistryKind must hold). */
export function admit(doc: Obj, policy: Policy): Verdict {
  const version = String(doc.apiVersion).split('/')[1] ?? '';
  const schema = structuralSchema(version);
  if (!schema || !(VERSIONS as readonly string[]).includes(version)) {
    const text = `no matches for kind "${KIND}" in version "${String(doc.apiVersion)}"`;
    return refused('version', [{ field: 'apiVersion', reason: 'NoKindMatch', message: text, text }]);
  }
  const unknown = unknownFields(doc, schema);
  if (unknown.length)
    return refused(
      'decoding',
      unknown.map((field) => {
        const text = `unknown field "${field}"`;
        return { field, reason: 'FieldValueUnknown', message: text, text };
      }),
    );

  const decoded = dropNulls(doc) as Obj;
  const meta = isObj(decoded.metadata) ? decoded.metadata : {};
  const request = (object: Obj): AdmissionRequest => ({
    uid: 'thv-registry-validate',
    operation: 'CREATE',
    name: typeof meta.name === 'string' ? meta.name : '',
    object,
  });
  const mutated = mutate(request(decoded), policy).review.response;
  const defaulted = structuredClone(decoded);
  if (mutated.patch) {
    const ops = JSON.parse(Buffer.from(mutated.patch, 'base64').toString('utf8')) as Operation[];
    const failed = applyPatch(defaulted, ops).find((r) => r !== null);
    if (failed) throw new Error(`the mutating webhook's patch does not apply: ${failed.message}`);
  }
  const warnings = [...(mutated.warnings ?? [])];

  // The status subresource resets status on create; the apiserver validates what it would store.
  const { status: _status, ...stored } = defaulted;
  const apiErrs = apiserverErrors(version, stored);
  if (apiErrs.length) return refused('apiserver', apiErrs.map(withText), { warnings, defaulted });

  const validated = validateReview(request(stored), policy).review.response;
  warnings.push(...(validated.warnings ?? []));
  if (validated.allowed) return { valid: true, errors: [], warnings, defaulted };
  const causes = validated.status?.details?.causes ?? [];
  const errors: Finding[] = causes.length
    ? causes.map((c) => withText({ field: c.field, reason: c.reason, message: c.message }))
    : [
        {
          field: '',
          reason: validated.status?.reason ?? 'Invalid',
          message: validated.status?.message ?? '',
          text: validated.status?.message ?? '',
        },
      ];
  return refused('webhook', errors, { warnings, defaulted });
}
