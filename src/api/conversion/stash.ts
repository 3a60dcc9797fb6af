/**
 * The `toolhive.stacklok.io/v1beta1-spec` annotation: what a v1alpha1 view cannot hold of a v1beta1
 * object. It keeps whole v1beta1 pieces (the source list, the status sub-objects) rather than a diff,
 * so the reverse conversion can tell whether the user edited the v1alpha1 fields since (compare the
 * v1alpha1 projection of the stashed piece with the current fields) and restore the piece exactly if not.
 */
import { ANNOTATION_V1BETA1_SPEC } from '../constants.ts';
import { isObject, nestedDeeperThan, type JsonObject } from './json.ts';

export interface Stash {
  /** spec.sources of the v1beta1 object, all of them, as they were. */
  sources?: JsonObject[];
  /** spec.api (SPEC §13), which v1alpha1 has no field for, as it was. */
  api?: JsonObject;
  /** status.sync, status.storage and status.api of the v1beta1 object, as they were. */
  status?: { sync?: JsonObject; storage?: JsonObject; api?: JsonObject };
}

export class StashError extends Error {}

/** Deterministic bytes: fixed key order, so converting the same object twice yields the same annotation. */
export function encodeStash(stash: Stash): string {
  const out: JsonObject = {};
  if (stash.sources) out.sources = stash.sources;
  if (stash.api) out.api = stash.api;
  if (stash.status) {
    const st: JsonObject = {};
    if (stash.status.sync) st.sync = stash.status.sync;
    if (stash.status.storage) st.storage = stash.status.storage;
    if (stash.status.api) st.api = stash.status.api;
    out.status = st;
  }
  return JSON.stringify(out);
}

const where = `metadata.annotations[${ANNOTATION_V1BETA1_SPEC}]`;

/** Deepest nesting of objects and arrays a stash may have (docs/conversion.md). */
export const MAX_STASH_DEPTH = 32;

export function decodeStash(text: string): Stash {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (e) {
    throw new StashError(
      `${where}: Invalid value: not JSON (${(e as Error).message}); remove the annotation to convert without it`,
    );
  }
  if (!isObject(raw)) throw new StashError(`${where}: Invalid value: must be a JSON object`);
  // Conversion, defaulting and validation walk the stash recursively: a document nested thousands of
  // levels deep would end them in "Maximum call stack size exceeded". A v1beta1 spec is ~8 deep.
  if (nestedDeeperThan(raw, MAX_STASH_DEPTH))
    throw new StashError(
      `${where}: Invalid value: nested more than ${MAX_STASH_DEPTH} levels deep; a v1beta1 spec is far shallower`,
    );
  const stash: Stash = {};
  if (raw.sources !== undefined) {
    if (!Array.isArray(raw.sources) || raw.sources.length === 0 || !raw.sources.every(isObject)) {
      throw new StashError(`${where}: Invalid value: sources must be a non-empty list of objects`);
    }
    stash.sources = raw.sources;
  }
  if (raw.api !== undefined) {
    if (!isObject(raw.api)) throw new StashError(`${where}: Invalid value: api must be an object`);
    stash.api = raw.api;
  }
  if (raw.status !== undefined) {
    if (!isObject(raw.status)) throw new StashError(`${where}: Invalid value: status must be an object`);
    const status: NonNullable<Stash['status']> = {};
    for (const key of ['sync', 'storage', 'api'] as const) {
      const part = raw.status[key];
      if (part === undefined) continue;
      if (!isObject(part)) throw new StashError(`${where}: Invalid value: status.${key} must be an object`);
      status[key] = part;
    }
    stash.status = status;
  }
  return stash;
}
