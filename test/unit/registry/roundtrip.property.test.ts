/**
 * ToolHive → upstream → ToolHive loses nothing, for any entries the ToolHive schema admits: entries
 * are generated from the schema itself (src/registry/schemas/toolhive-registry.schema.json).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import schemaJson from '../../../src/registry/schemas/toolhive-registry.schema.json' with { type: 'json' };
import {
  parseRegistryDocument,
  parseStorage,
  serializeForStorage,
  toUpstreamServerResponse,
  validateEntry,
  writeRegistry,
} from '../../../src/registry/index.ts';

type Schema = { [k: string]: unknown };
const root = schemaJson as unknown as { definitions: Record<string, Schema> };

function arb(s: Schema): fc.Arbitrary<unknown> {
  if (typeof s.$ref === 'string') return arb(root.definitions[s.$ref.replace('#/definitions/', '')]!);
  if (Array.isArray(s.enum)) return fc.constantFrom(...(s.enum as unknown[]));
  if (Array.isArray(s.anyOf)) {
    const { anyOf, ...rest } = s;
    return fc.oneof(...(anyOf as Schema[]).map((b) => arb({ ...rest, ...b })));
  }
  switch (s.type) {
    case 'string': {
      if (s.format === 'uri') return fc.webUrl();
      if (s.format === 'date-time')
        return fc
          .date({ min: new Date(0), max: new Date('2100-01-01'), noInvalidDate: true })
          .map((d) => d.toISOString());
      if (s.format === 'hostname') return fc.domain();
      const min = (s.minLength as number | undefined) ?? 0;
      const max = (s.maxLength as number | undefined) ?? 130;
      const base = s.pattern
        ? fc.stringMatching(new RegExp(s.pattern as string))
        : fc.string({ minLength: min, maxLength: Math.min(max, 130), size: 'max' });
      return base.filter((x) => x.length >= min && x.length <= max);
    }
    case 'integer':
      return fc.integer({
        min: (s.minimum as number | undefined) ?? -1e6,
        max: (s.maximum as number | undefined) ?? 1e6,
      });
    case 'boolean':
      return fc.boolean();
    case 'array': {
      const item = arb((s.items as Schema | undefined) ?? {});
      const c = { minLength: (s.minItems as number | undefined) ?? 0, maxLength: 4 };
      return s.uniqueItems ? fc.uniqueArray(item, { ...c, comparator: 'SameValueZero' }) : fc.array(item, c);
    }
    case 'object': {
      const props = (s.properties as Record<string, Schema> | undefined) ?? {};
      if (Object.keys(props).length === 0) {
        const value =
          typeof s.additionalProperties === 'object'
            ? arb(s.additionalProperties as Schema)
            : fc.jsonValue({ maxDepth: 2 });
        return fc.dictionary(fc.string({ minLength: 1, maxLength: 8 }), value, {
          maxKeys: 3,
          noNullPrototype: true,
        });
      }
      const model = Object.fromEntries(Object.entries(props).map(([k, v]) => [k, arb(v)]));
      return fc.record(model, {
        requiredKeys: (s.required as string[] | undefined) ?? [],
        noNullPrototype: true,
      });
    }
    default:
      return fc.jsonValue({ maxDepth: 2 });
  }
}

/** Entries as they sit in a registry.json: no `name` (the key is the name), no `secret: false` (documented). */
function tidy(entry: unknown): Record<string, unknown> {
  const e = { ...(entry as Record<string, unknown>) };
  delete e.name;
  for (const list of ['env_vars', 'headers']) {
    if (Array.isArray(e[list]))
      e[list] = (e[list] as Record<string, unknown>[]).map(({ secret, ...rest }) =>
        secret === true ? { ...rest, secret } : rest,
      );
  }
  return e;
}

const key = fc.stringMatching(/^[a-z0-9][a-z0-9-]{1,20}[a-z0-9]$/);
const container = arb(root.definitions.server!)
  .map(tidy)
  .filter((e) => validateEntry('container', e) === undefined);
const remote = arb(root.definitions.remote_server!)
  .map(tidy)
  .filter((e) => validateEntry('remote', e) === undefined);
const registry = fc
  .record({
    servers: fc.dictionary(key, container, { maxKeys: 4, noNullPrototype: true }),
    remote_servers: fc.dictionary(key, remote, { maxKeys: 4, noNullPrototype: true }),
  })
  .filter((r) => Object.keys(r.servers).every((k) => !(k in r.remote_servers)))
  .map((r) => ({
    $schema: 'https://raw.githubusercontent.com/stacklok/toolhive/main/pkg/registry/data/schema.json',
    version: '1.0.0',
    last_updated: '2026-11-23T00:00:00Z',
    ...r,
  }));

test('any ToolHive registry → upstream → ToolHive is the same document, every server valid upstream', () => {
  fc.assert(
    fc.property(registry, (doc) => {
      const text = JSON.stringify(doc);
      const thv = parseRegistryDocument(text, 'toolhive');
      assert.deepEqual(thv.invalid, []);
      for (const s of thv.catalog.servers) {
        assert.equal(validateEntry('upstream', toUpstreamServerResponse(s).server), undefined, s.name);
      }
      const up = parseRegistryDocument(writeRegistry(thv.catalog, 'upstream'), 'upstream');
      assert.deepEqual(up.invalid, []);
      assert.deepEqual(up.unrepresentable, []);
      assert.deepStrictEqual(JSON.parse(writeRegistry(up.catalog, 'toolhive')), JSON.parse(text));
      assert.deepStrictEqual(parseStorage(serializeForStorage(up.catalog)), up.catalog);
    }),
    { numRuns: 1000 },
  );
});

test('the generator reaches the interesting entries (long descriptions, env vars, headers, ports, oauth)', () => {
  const docs = fc.sample(registry, { numRuns: 300, seed: 7 });
  const all = docs.flatMap((d) => [...Object.values(d.servers), ...Object.values(d.remote_servers)]);
  const count = (p: (e: Record<string, unknown>) => boolean) => all.filter(p).length;
  assert.ok(all.length > 300, `only ${all.length} entries`);
  assert.ok(count((e) => (e.description as string).length > 100) > 20);
  assert.ok(count((e) => Array.isArray(e.env_vars) && e.env_vars.length > 0) > 50);
  assert.ok(count((e) => Array.isArray(e.headers) && e.headers.length > 0) > 20);
  assert.ok(count((e) => e.target_port !== undefined) > 20);
  assert.ok(count((e) => e.oauth_config !== undefined) > 20);
});
