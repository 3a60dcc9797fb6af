/**
 * JSON Schemas of both served versions for the ecosystem's offline validators (kubeconform, and any
 * JSON Schema validator in an editor or CI), in kubeconform's CRD layout `{kind}-{group}-{version}.json`
 * (what its openapi2jsonschema writes with FILENAME_FORMAT='{kind}-{fullgroup}-{version}'), used as
 *   kubeconform -schema-location default \
 *     -schema-location 'schemas/{{ .ResourceKind }}-{{ .Group }}-{{ .ResourceAPIVersion }}.json'
 *
 * Made from the CRD's structural schema (so from the same schema source), with two additions that
 * make an offline verdict closer to the cluster's (docs/gitops.md):
 * - every object with known properties is closed (`additionalProperties: false`), because the
 *   apiserver refuses unknown fields under kubectl's default strict field validation;
 * - the CEL rules of the forms our CRD uses are expressed as JSON Schema (draft 4: anyOf, not, enum),
 *   so "exactly the sub-object named by type" and "at most one of branch, tag or commit" are checked
 *   too. A rule of any other form throws here, so a new rule cannot silently go unchecked offline.
 * And one relaxation: filter patterns may be empty, because the mutating webhook drops empty ones
 * before the schema is checked (a cluster admits them, so an offline check must too).
 * Pure.
 */
import { GROUP, KIND } from '../api/constants.ts';
import { buildCrd, type JSONSchemaProps } from '../api/crd.ts';

interface Rule {
  rule: string;
}

const AT_MOST_ONE = /^\[((?:has\(self\.\w+\)(?:, )?)+)\]\.filter\(x, x\)\.size\(\) <= 1$/;

// Draft-4 keywords only (kubeconform compiles schemas without $schema as draft 4): enum, not, anyOf.
const equals = (field: string, value: string) => ({
  required: [field],
  properties: { [field]: { enum: [value] } },
});

/** One atom of a disjunction: has(self.x), !has(self.x), self.x == 'v', self.x != 'v'. */
function atom(text: string): JSONSchemaProps | undefined {
  let m = /^has\(self\.(\w+)\)$/.exec(text);
  if (m) return { required: [m[1]] };
  m = /^!has\(self\.(\w+)\)$/.exec(text);
  if (m) return { not: { required: [m[1]] } };
  m = /^self\.(\w+) (==|!=) '([^']*)'$/.exec(text);
  if (m) return m[2] === '==' ? equals(m[1] ?? '', m[3] ?? '') : { not: equals(m[1] ?? '', m[3] ?? '') };
  return undefined;
}

/**
 * One CEL rule as JSON Schema: a disjunction of atoms (`a || b`) becomes anyOf, and
 * "at most one of" (`[has(self.a), has(self.b)].filter(x, x).size() <= 1`) forbids every pair.
 */
export function celToJsonSchema(rule: string): JSONSchemaProps {
  const m = AT_MOST_ONE.exec(rule);
  if (m) {
    const fields = [...(m[1] ?? '').matchAll(/has\(self\.(\w+)\)/g)].map((x) => x[1] ?? '');
    const pairs = fields.flatMap((a, i) => fields.slice(i + 1).map((b) => ({ required: [a, b] })));
    return { not: { anyOf: pairs } };
  }
  const parts = rule.split(' || ').map((t) => t.trim());
  // "not all of": !has(self.a) || !has(self.b) reads best as one `not required`.
  const negated = parts.map((t) => /^!has\(self\.(\w+)\)$/.exec(t)?.[1]);
  if (parts.length > 1 && negated.every((f) => f !== undefined)) return { not: { required: negated } };
  const atoms = parts.map(atom);
  if (atoms.every((a): a is JSONSchemaProps => a !== undefined))
    return atoms.length === 1 ? (atoms[0] ?? {}) : { anyOf: atoms };
  throw new Error(
    `no JSON Schema translation for the CEL rule ${JSON.stringify(rule)}: extend src/generate/kubeconform.ts`,
  );
}

function convert(node: JSONSchemaProps, path: string[]): JSONSchemaProps {
  const out: JSONSchemaProps = {};
  for (const [key, value] of Object.entries(node)) {
    if (key === 'properties') {
      out.properties = Object.fromEntries(
        Object.entries(value as Record<string, JSONSchemaProps>).map(([k, v]) => [
          k,
          convert(v, [...path, k]),
        ]),
      );
    } else if (key === 'items') out.items = convert(value as JSONSchemaProps, [...path, '[]']);
    else if (key !== 'x-kubernetes-validations') out[key] = structuredClone(value);
  }
  // Admission drops empty filter patterns before the apiserver checks the schema, so a manifest with
  // one is admitted; offline, the raw manifest must not be refused for it.
  if (/(^|\.)filter\.(names|tags)\.(include|exclude)\.\[\]$/.test(path.join('.'))) delete out.minLength;
  if (node.type === 'object' && node.properties && node['x-kubernetes-preserve-unknown-fields'] !== true)
    out.additionalProperties = false;
  const rules = (node['x-kubernetes-validations'] ?? []) as Rule[];
  if (rules.length) out.allOf = rules.map((r) => celToJsonSchema(r.rule));
  return out;
}

export function kubeconformFileName(version: string): string {
  return `schemas/${KIND.toLowerCase()}-${GROUP}-${version}.json`;
}

/** path → content of the schema of every served version. */
export function kubeconformSchemas(): Record<string, string> {
  const crd = buildCrd() as {
    spec: { versions: { name: string; served: boolean; schema: { openAPIV3Schema: JSONSchemaProps } }[] };
  };
  const out: Record<string, string> = {};
  for (const v of crd.spec.versions.filter((x) => x.served)) {
    const schema = {
      description: `${KIND} ${GROUP}/${v.name}. Generated by \`npm run generate\` from src/api/schema; do not edit.`,
      ...convert(v.schema.openAPIV3Schema, []),
    };
    out[kubeconformFileName(v.name)] = `${JSON.stringify(schema, null, 2)}\n`;
  }
  return out;
}
