/** Small helpers for plain JSON values, as the apiserver sends them. */
export type JsonObject = Record<string, unknown>;

export function isObject(v: unknown): v is JsonObject {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Structural equality of JSON values; object key order does not matter (it carries no meaning in JSON). */
export function jsonEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (Array.isArray(a)) {
    return Array.isArray(b) && a.length === b.length && a.every((x, i) => jsonEqual(x, b[i]));
  }
  if (isObject(a) && isObject(b)) {
    const ka = Object.keys(a);
    if (ka.length !== Object.keys(b).length) return false;
    return ka.every((k) => Object.hasOwn(b, k) && jsonEqual(a[k], b[k]));
  }
  return false;
}

/** Copies `from[key]` into `to[toKey]` only when present, so absent stays absent (never `undefined`). */
export function copyIf(from: JsonObject, key: string, to: JsonObject, toKey: string = key): void {
  if (Object.hasOwn(from, key) && from[key] !== undefined) to[toKey] = from[key];
}
