/**
 * SPEC §8 "One spec, one validation": a v1alpha1 object may carry the conversion stash
 * (`toolhive.stacklok.io/v1beta1-spec`), and the apiserver stores whatever v1beta1 object that stash
 * converts to. So on a v1alpha1 write that carries one, admission converts the object exactly as the
 * conversion webhook will and validates the result with every v1beta1 rule and the platform policy.
 * Errors about the first source, whose v1alpha1 fields the user sees, name those fields
 * (`spec.source.url`); everything only the stash holds is named by its path inside the annotation
 * (`metadata.annotations[toolhive.stacklok.io/v1beta1-spec].sources[1].url.href`).
 *
 * Why validate rather than refuse any stash conversion would not have written (docs/admission.md):
 * the stash is also how a multi-source registry survives `kubectl get -o yaml` as v1alpha1 and a
 * later `kubectl apply` or a backup restore into another cluster, where there is no stored object to
 * compare with. Validating what will be stored is correct in every case and needs no state.
 */
import { ANNOTATION_V1BETA1_SPEC, API_VERSION_V1BETA1 } from '../api/constants.ts';
import { convertObject } from '../api/conversion/index.ts';
import type { FieldError } from '../api/field-error.ts';
import { isObj, type Obj } from './shape.ts';

export const STASH_FIELD = `metadata.annotations[${ANNOTATION_V1BETA1_SPEC}]`;

export interface StashCheck {
  errors: FieldError[];
  warnings: string[];
}

/** The v1beta1 validation, injected to keep the import graph acyclic (validate.ts calls this file). */
export type HubValidator = (hub: Obj, oldHub: Obj | undefined) => StashCheck;

export function hasStash(obj: Obj): boolean {
  return isObj(obj.metadata) && isObj(obj.metadata.annotations)
    ? Object.hasOwn(obj.metadata.annotations, ANNOTATION_V1BETA1_SPEC)
    : false;
}

function toHub(obj: Obj): Obj {
  return convertObject(obj, API_VERSION_V1BETA1) as Obj;
}

/** Where a field of the first hub source appears in the v1alpha1 object, if it appears there at all. */
function alphaPath(rest: string): string | undefined {
  if (rest === '' || rest === '.type') return `spec.source${rest}`;
  if (rest === '.format') return 'spec.format';
  if (rest === '.url' || rest === '.url.href') return 'spec.source.url';
  if (rest === '.configMapRef' || /^\.configMapRef\.(name|key)$/.test(rest))
    return `spec.source.configmap${rest.slice('.configMapRef'.length)}`;
  if (/^\.git\.ref(\.(branch|tag|commit))?$/.test(rest))
    return `spec.source.git${rest.slice('.git.ref'.length)}`;
  if (/^\.git(\.(repository|path))?$/.test(rest)) return `spec.source${rest}`;
  if (rest === '.registry') return 'spec.source.registry';
  if (rest === '.registry.baseURL') return 'spec.source.registry.url';
  return undefined;
}

/** `spec.sources[i]...` of the converted object → the path in the user's v1alpha1 object. */
export function userPath(field: string): string {
  if (field === 'spec.api' || field.startsWith('spec.api.') || field.startsWith('spec.api['))
    return `${STASH_FIELD}.api${field.slice('spec.api'.length)}`;
  const m = /^spec\.sources(?:\[(\d+)\](.*))?$/.exec(field);
  if (!m) return field;
  if (m[1] === undefined) return `${STASH_FIELD}.sources`;
  const rest = m[2] ?? '';
  return (m[1] === '0' ? alphaPath(rest) : undefined) ?? `${STASH_FIELD}.sources[${m[1]}]${rest}`;
}

const SOURCE_PATH = /spec\.sources(\[\d+\][A-Za-z0-9_.[\]]*)?/g;

/**
 * Validates what a v1alpha1 object with a stash will be stored as. `alphaFields` are the fields the
 * v1alpha1 validation already reported: a second report of the same field is left out.
 */
export function checkStash(
  obj: Obj,
  oldObj: Obj | undefined,
  alphaFields: Set<string>,
  validateHub: HubValidator,
): StashCheck {
  let hub: Obj;
  try {
    hub = toHub(obj);
  } catch (e) {
    const text = (e as Error).message;
    const detail = text.startsWith(`${STASH_FIELD}: Invalid value: `)
      ? text.slice(`${STASH_FIELD}: Invalid value: `.length)
      : text;
    return { errors: [{ type: 'Invalid', field: STASH_FIELD, detail }], warnings: [] };
  }
  let oldHub: Obj | undefined;
  try {
    oldHub = oldObj ? toHub(oldObj) : undefined;
  } catch {
    oldHub = undefined;
  }
  const r = validateHub(hub, oldHub);
  const errors = r.errors
    .map((e) => ({ ...e, field: userPath(e.field) }))
    .filter((e) => !alphaFields.has(e.field));
  const warnings = r.warnings.map((w) => w.replace(SOURCE_PATH, (p) => userPath(p)));
  return { errors, warnings };
}
