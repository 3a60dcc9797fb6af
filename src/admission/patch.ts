/** The mutating response's patch: RFC 6902 from the original to the defaulted object. */
import { createPatch, type Operation } from 'rfc6902';

/**
 * Defaulting only adds and replaces, so any `remove` outside the filter lists it normalises would be a
 * bug that could erase a field another client owns (or one this build does not know). Refuse it loudly.
 */
const OWNED_REMOVALS = /^\/spec\/(sources\/\d+\/)?filter\/(names|tags)\/(include|exclude)\/\d+$/;

export function defaultingPatch(original: unknown, defaulted: unknown): Operation[] {
  const ops = createPatch(original, defaulted);
  const bad = ops.find((op) => op.op === 'remove' && !OWNED_REMOVALS.test(op.path));
  if (bad) throw new Error(`defaulting produced a removal of ${bad.path}, which it does not own`);
  return ops;
}
