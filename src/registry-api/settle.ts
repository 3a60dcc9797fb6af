/**
 * Collects the garbage of a reload before its snapshot is swapped in. A reload allocates the whole
 * new snapshot (and the parse behind it) in V8's young generation; the first scavenge after that
 * copies every surviving object, and that scavenge used to fall on the first requests after the swap
 * (trace-gc of the API benchmark, 6,000 servers: 40-270 ms pauses on a loaded 2-core machine, the
 * first list page 40 ms p50 instead of ~5 ms). A full collection here promotes the new snapshot and
 * frees the parse while the old snapshot still serves, which is what a reload costs anyway, paid
 * before the swap like the pre-serialized baseline pays its own work.
 *
 * `gc` is not exposed without --expose-gc; it can be enabled at run time (the way jest's leak
 * detector does). When that fails (a runtime without the flag), nothing is collected early.
 */
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

type Gc = (opts?: { type?: 'major' | 'minor'; execution?: 'sync' | 'async' }) => void;

let cached: Gc | null | undefined;

function gcFunction(): Gc | null {
  if (cached !== undefined) return cached;
  try {
    setFlagsFromString('--expose-gc');
    const fn: unknown = runInNewContext('gc');
    cached = typeof fn === 'function' ? (fn as Gc) : null;
  } catch {
    cached = null;
  }
  return cached;
}

/** A synchronous full collection, when the runtime allows one. */
export function settleHeap(): void {
  gcFunction()?.();
}
