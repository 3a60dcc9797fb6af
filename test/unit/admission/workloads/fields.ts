/** The spec field names each generation's real CRD serves, read from the unchanged fixture files. */
import { readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parse } from 'yaml';

const DIR = resolve(import.meta.dirname, '../../../fixtures/toolhive-crds');

interface Crd {
  spec: {
    names: { kind: string };
    versions: {
      name: string;
      schema: { openAPIV3Schema: { properties: { spec: { properties: object } } } };
    }[];
  };
}

/** Every (generation, kind, version) with its spec fields. */
export function servedSchemas(): {
  generation: string;
  kind: string;
  version: string;
  fields: Set<string>;
}[] {
  const out = [];
  for (const generation of readdirSync(DIR).sort())
    for (const f of readdirSync(join(DIR, generation)).sort()) {
      const crd = parse(readFileSync(join(DIR, generation, f), 'utf8')) as Crd;
      for (const v of crd.spec.versions)
        out.push({
          generation,
          kind: crd.spec.names.kind,
          version: v.name,
          fields: new Set(Object.keys(v.schema.openAPIV3Schema.properties.spec.properties)),
        });
    }
  return out;
}
