/**
 * fast-check arbitraries derived from the MCPRegistry schema source (the same TypeBox objects the CRD
 * is generated from), so the generated objects have exactly the shapes the apiserver can hand us.
 */
import fc from 'fast-check';
import {
  ANNOTATION_V1BETA1_SPEC,
  API_VERSION_V1ALPHA1,
  API_VERSION_V1BETA1,
} from '../../../src/api/constants.ts';
import { mcpRegistryV1alpha1 } from '../../../src/api/schema/v1alpha1.ts';
import { mcpRegistryV1beta1 } from '../../../src/api/schema/v1beta1.ts';

type Schema = {
  type?: string;
  enum?: unknown[];
  properties?: Record<string, Schema>;
  required?: string[];
  items?: Schema;
  pattern?: string;
  format?: string;
  minLength?: number;
  maxLength?: number;
  minItems?: number;
  maxItems?: number;
  minimum?: number;
  maximum?: number;
  'x-kubernetes-list-map-keys'?: string[];
};

/** Short strings keep runs fast; lengths are capped at 24 unless the schema asks for less. */
function stringArb(s: Schema): fc.Arbitrary<string> {
  const min = s.minLength ?? 0;
  const max = Math.min(s.maxLength ?? 24, 24);
  if (s.format === 'date-time') {
    return fc
      .date({
        min: new Date('2000-01-01T00:00:00Z'),
        max: new Date('2100-01-01T00:00:00Z'),
        noInvalidDate: true,
      })
      .map((d) => d.toISOString().replace(/\.\d{3}Z$/, 'Z'));
  }
  if (s.pattern) {
    return fc
      .stringMatching(new RegExp(s.pattern))
      .filter((x) => x.length >= min && x.length <= (s.maxLength ?? Infinity) && x.length <= 40);
  }
  return fc.string({ minLength: min, maxLength: Math.max(min, max) });
}

export function fromSchema(s: Schema): fc.Arbitrary<unknown> {
  if (s.enum) return fc.constantFrom(...s.enum);
  switch (s.type) {
    case 'string':
      return stringArb(s);
    case 'integer':
      return fc.integer({ min: s.minimum ?? -1000, max: s.maximum ?? 1_000_000 });
    case 'boolean':
      return fc.boolean();
    case 'array': {
      const item = fromSchema(s.items ?? {});
      const constraints = { minLength: s.minItems ?? 0, maxLength: Math.min(s.maxItems ?? 4, 4) };
      const keys = s['x-kubernetes-list-map-keys'];
      if (keys) {
        return fc.uniqueArray(item, {
          ...constraints,
          selector: (v) => keys.map((k) => (v as Record<string, unknown>)[k]).join('\u0000'),
        });
      }
      return fc.array(item, constraints);
    }
    case 'object': {
      const props = s.properties ?? {};
      const model = Object.fromEntries(Object.entries(props).map(([k, v]) => [k, fromSchema(v)]));
      return fc.record(model, { requiredKeys: s.required ?? [], noNullPrototype: true });
    }
    default:
      return fc.constant({});
  }
}

const label = fc.stringMatching(/^[a-z0-9]([-a-z0-9]{0,10}[a-z0-9])?$/);
const annotationMap = fc.dictionary(
  fc.oneof(
    label,
    label.map((l) => `example.com/${l}`),
  ),
  fc.string({ maxLength: 16 }),
  { minKeys: 1, maxKeys: 3, noNullPrototype: true },
);

/** Metadata as the apiserver sends it: maps are either absent or non-empty (empty maps are omitted). */
export const metadataArb = fc.record(
  {
    name: label,
    namespace: label,
    uid: fc.uuid(),
    resourceVersion: fc.integer({ min: 1 }).map(String),
    generation: fc.integer({ min: 1, max: 1000 }),
    creationTimestamp: fc.constant('2026-11-23T10:00:00Z'),
    labels: annotationMap,
    annotations: annotationMap.filter((a) => !(ANNOTATION_V1BETA1_SPEC in a)),
    finalizers: fc.constant(['toolhive.stacklok.io/registry-cleanup']),
  },
  { requiredKeys: ['name', 'namespace', 'uid', 'resourceVersion'], noNullPrototype: true },
);

const SUB_OBJECTS = {
  v1alpha1: {
    configmap: 'configmap',
    url: 'url',
    git: 'git',
    registry: 'registry',
    kubernetes: 'kubernetes',
  },
  v1beta1: {
    configmap: 'configMapRef',
    url: 'url',
    git: 'git',
    registry: 'registry',
    kubernetes: 'kubernetes',
  },
} as const;

/**
 * A source schema with every sub-object required; the generated source then keeps only the one its
 * `type` names, so the objects also pass the CRD's CEL one-of rules.
 */
function consistentSources(
  version: keyof typeof SUB_OBJECTS,
  spec: Schema,
): { schema: Schema; fix: (spec: Record<string, unknown>) => void } {
  const schema = structuredClone(spec);
  const source = version === 'v1alpha1' ? schema.properties!.source! : schema.properties!.sources!.items!;
  const fields = SUB_OBJECTS[version];
  source.required = [...(source.required ?? []), ...Object.values(fields)];
  const fixOne = (src: Record<string, unknown>) => {
    for (const [type, field] of Object.entries(fields)) if (src.type !== type) delete src[field];
  };
  const fix = (s: Record<string, unknown>) => {
    if (version === 'v1alpha1') fixOne(s.source as Record<string, unknown>);
    else for (const src of s.sources as Record<string, unknown>[]) fixOne(src);
  };
  return { schema, fix };
}

function objectArb(
  schema: Schema,
  apiVersion: string,
  version: keyof typeof SUB_OBJECTS,
  consistent: boolean,
) {
  const props = schema.properties ?? {};
  const { schema: specSchema, fix } = consistent
    ? consistentSources(version, props.spec!)
    : { schema: props.spec!, fix: () => {} };
  return fc
    .record(
      {
        apiVersion: fc.constant(apiVersion),
        kind: fc.constant('MCPRegistry'),
        metadata: metadataArb,
        spec: fromSchema(specSchema),
        status: fromSchema(props.status!),
      },
      { requiredKeys: ['apiVersion', 'kind', 'metadata', 'spec'], noNullPrototype: true },
    )
    .map((o) => {
      fix(o.spec as Record<string, unknown>);
      return o;
    });
}

const alphaSchema = mcpRegistryV1alpha1 as unknown as Schema;
const hubSchema = mcpRegistryV1beta1 as unknown as Schema;
/** Objects valid for the CRD, CEL rules included. */
export const alphaArb = objectArb(alphaSchema, API_VERSION_V1ALPHA1, 'v1alpha1', true);
export const hubArb = objectArb(hubSchema, API_VERSION_V1BETA1, 'v1beta1', true);
/** Objects with the schema's shapes but any combination of source sub-objects (conversion is total). */
export const rawAlphaArb = objectArb(alphaSchema, API_VERSION_V1ALPHA1, 'v1alpha1', false);
export const rawHubArb = objectArb(hubSchema, API_VERSION_V1BETA1, 'v1beta1', false);
