/** The mutating response's patch: RFC 6902 from the original to the defaulted object. */
import { createPatch, type Operation } from 'rfc6902';
import { jsonEqual } from '../api/conversion/json.ts';

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

export function defaultingPatch(original: unknown, defaulted: unknown): Operation[] {
  // Most objects arrive defaulted already (every re-applied manifest, most UPDATEs).
  // jsonEqual allocates nothing, where the library builds a pointer for every key it visits.
  if (jsonEqual(original, defaulted)) return [];
  const ops = createPatch(original, defaulted, unchangedArrays);
  const bad = ops.find((op) => op.op === 'remove' && !OWNED_REMOVALS.test(op.path));
  if (bad) throw new Error(`defaulting produced a removal of ${bad.path}, which it does not own`);
  return ops;
}
