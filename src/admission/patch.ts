/** The mutating response's patch: RFC 6902 from the original to the defaulted object. */
import { createPatch, type Operation } from 'rfc6902';

/**
 * Defaulting only adds and replaces, so any `remove` outside the filter lists it normalises would be a
 * bug that could erase a field another client owns (or one this build does not know). Refuse it loudly.
 */
const OWNED_REMOVALS = /^\/spec\/(sources\/\d+\/)?filter\/(names|tags)\/(include|exclude)\/\d+$/;

/**
 * rfc6902 diffs arrays by edit distance (a table of n × m cells): for the filter lists of up to a few
 * hundred long patterns that defaulting almost never changes, that was most of a mutating request's CPU.
 * An array whose elements are all identical is settled here; any other falls back to the library.
 */
function unchangedArrays(input: unknown, output: unknown): Operation[] | undefined {
  if (!Array.isArray(input) || !Array.isArray(output) || input.length !== output.length) return undefined;
  for (let i = 0; i < input.length; i++) if (input[i] !== output[i]) return undefined;
  return [];
}

/**
 * Whether two JSON values are equal with the same keys: then the patch is empty. Allocation-free, where
 * the library builds a pointer per key it visits. False when unsure (deeper than `depth`, keys whose
 * value is undefined, mixed types): the library decides those.
 */
function sameJson(a: unknown, b: unknown, depth = 64): boolean {
  if (a === b) return true;
  if (depth === 0 || typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  if (Array.isArray(a)) {
    const c = b as unknown[];
    if (a.length !== c.length) return false;
    for (let i = 0; i < a.length; i++) if (!sameJson(a[i], c[i], depth - 1)) return false;
    return true;
  }
  const x = a as Record<string, unknown>;
  const y = b as Record<string, unknown>;
  const keys = Object.keys(x);
  if (keys.length !== Object.keys(y).length) return false;
  for (const k of keys)
    if (!Object.prototype.hasOwnProperty.call(y, k) || !sameJson(x[k], y[k], depth - 1)) return false;
  return true;
}

export function defaultingPatch(original: unknown, defaulted: unknown): Operation[] {
  // Most objects arrive defaulted already (every re-applied manifest, most UPDATEs).
  if (sameJson(original, defaulted)) return [];
  const ops = createPatch(original, defaulted, unchangedArrays);
  const bad = ops.find((op) => op.op === 'remove' && !OWNED_REMOVALS.test(op.path));
  if (bad) throw new Error(`defaulting produced a removal of ${bad.path}, which it does not own`);
  return ops;
}
