/**
 * How deep a spec may nest. Defaulting, conversion and validation walk a spec recursively, and the
 * apiserver passes documents up to 10,000 levels deep: spec.api.affinity is free-form
 * (preserve-unknown-fields), and a typed field's value is not checked before the mutating webhook
 * runs. A spec nested thousands of levels deep ended defaulting in "Maximum call stack size exceeded";
 * one only a few dozen levels deep was stored and then could not come back from a v1alpha1 view (its
 * conversion stash may nest at most MAX_STASH_DEPTH levels). A real spec is ~8 levels deep. Pure.
 */
import type { FieldError } from '../api/field-error.ts';
import { nestedDeeperThan } from '../api/conversion/json.ts';
import { MAX_STASH_DEPTH } from '../api/conversion/stash.ts';
import { isObj } from './shape.ts';

/** spec at level 1: what it holds then fits a stash ({"api": ...}, {"sources": [...]}) of MAX_STASH_DEPTH. */
export const MAX_SPEC_DEPTH = MAX_STASH_DEPTH;

/** An error for each top-level spec field nested too deep (checked without recursion). */
export function specDepthErrors(spec: unknown): FieldError[] {
  if (!isObj(spec) || !nestedDeeperThan(spec, MAX_SPEC_DEPTH)) return [];
  return Object.keys(spec)
    .filter((k) => nestedDeeperThan(spec[k], MAX_SPEC_DEPTH - 1))
    .map((k) => ({
      type: 'Invalid',
      field: `spec.${k}`,
      detail: `nested more than ${MAX_SPEC_DEPTH} levels deep (counting from spec); a valid spec is far shallower`,
    }));
}
