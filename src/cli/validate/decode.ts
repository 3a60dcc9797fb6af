/**
 * What the apiserver does to a custom resource while decoding a request, before any admission:
 * nulls of non-nullable fields are dropped, and with strict field validation (kubectl's default since
 * 1.27) any field the structural schema does not know is refused with a 400, in these words:
 *   strict decoding error: unknown field "spec.foo", unknown field "spec.sources[0].x"
 * Pure; works on the CRD's structural schema of the object's version.
 */
import type { JSONSchemaProps } from '../../api/crd.ts';

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

/** ObjectMeta's fields: metadata is decoded into the typed ObjectMeta, so anything else is unknown. */
const OBJECT_META_FIELDS = new Set([
  'name',
  'generateName',
  'namespace',
  'selfLink',
  'uid',
  'resourceVersion',
  'generation',
  'creationTimestamp',
  'deletionTimestamp',
  'deletionGracePeriodSeconds',
  'labels',
  'annotations',
  'ownerReferences',
  'finalizers',
  'managedFields',
]);

function child(path: string, key: string): string {
  return path ? `${path}.${key}` : key;
}

/** Removes null values recursively (none of our fields is nullable), as the apiserver's decoder does. */
export function dropNulls(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(dropNulls);
  if (!isObj(value)) return value;
  const out: Obj = {};
  for (const [k, v] of Object.entries(value)) if (v !== null) out[k] = dropNulls(v);
  return out;
}

function walk(value: unknown, schema: JSONSchemaProps | undefined, path: string, out: string[]): void {
  if (Array.isArray(value)) {
    const items = schema?.type === 'array' ? (schema.items as JSONSchemaProps | undefined) : undefined;
    value.forEach((v, i) => walk(v, items, `${path}[${i}]`, out));
    return;
  }
  if (!isObj(value)) return;
  if (schema?.['x-kubernetes-preserve-unknown-fields'] === true) return;
  // A node that is not an object in the schema knows none of an object's fields (so a mapping where a
  // string belongs is reported field by field, exactly as the apiserver does).
  const props = (schema?.type === 'object' ? schema.properties : undefined) as
    Record<string, JSONSchemaProps> | undefined;
  const additional = schema?.additionalProperties;
  for (const key of Object.keys(value).sort()) {
    const p = child(path, key);
    if (props?.[key]) walk(value[key], props[key], p, out);
    else if (isObj(additional)) walk(value[key], additional as JSONSchemaProps, p, out);
    else out.push(p);
  }
}

/** The fields of `object` the apiserver would refuse as unknown, in its order (sorted, depth first). */
export function unknownFields(object: Obj, schema: JSONSchemaProps): string[] {
  const out: string[] = [];
  const props = (schema.properties ?? {}) as Record<string, JSONSchemaProps>;
  for (const key of Object.keys(object).sort()) {
    const value = object[key];
    if (key === 'metadata') {
      if (isObj(value))
        for (const k of Object.keys(value).sort()) if (!OBJECT_META_FIELDS.has(k)) out.push(`metadata.${k}`);
      continue;
    }
    if (props[key]) walk(value, props[key], key, out);
    else out.push(key);
  }
  return out;
}
