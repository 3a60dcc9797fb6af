/**
 * Upstream data survives the catalog: for any server.json the official schema admits (generated from
 * src/registry/schemas/server.schema.2025-12-11.json), upstream output gives it back unchanged, the
 * storage form reads back whole, and what ToolHive cannot express is reported, never dropped.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import schemaJson from '../../../src/registry/schemas/server.schema.2025-12-11.json' with { type: 'json' };
import {
  parseRegistryDocument,
  parseStorage,
  serializeForStorage,
  toToolhiveServer,
  toUpstreamServerResponse,
  validateEntry,
} from '../../../src/registry/index.ts';

type Schema = { [k: string]: unknown };
const defs = (schemaJson as unknown as { definitions: Record<string, Schema> }).definitions;

const resolve = (s: Schema): Schema =>
  typeof s.$ref === 'string' ? resolve(defs[s.$ref.replace('#/definitions/', '')]!) : s;

/** An allOf/anyOf tree flattened into alternative plain object schemas (properties and required merged). */
function alternatives(s0: Schema): Schema[] {
  const s = resolve(s0);
  let alts: Schema[] = [{ ...s, allOf: undefined, anyOf: undefined }];
  const combine = (options: Schema[]) => {
    alts = alts.flatMap((a) =>
      options.map((o) => ({
        ...a,
        ...o,
        properties: { ...(a.properties as object), ...(o.properties as object) },
        required: [...((a.required as string[]) ?? []), ...((o.required as string[]) ?? [])],
      })),
    );
  };
  for (const part of (s.allOf as Schema[] | undefined) ?? []) combine(alternatives(part));
  if (s.anyOf) combine((s.anyOf as Schema[]).flatMap(alternatives));
  return alts;
}

const text = (max = 40) => fc.string({ minLength: 1, maxLength: max });

function arb(s0: Schema, name = ''): fc.Arbitrary<unknown> {
  const s = resolve(s0);
  if (s.allOf || s.anyOf) return fc.oneof(...alternatives(s).map((a) => arb(a, name)));
  if (Array.isArray(s.enum)) return fc.constantFrom(...(s.enum as unknown[]));
  // The schema leaves registryType open (its examples name these); real data uses them.
  if (name === 'registryType') return fc.constantFrom('oci', 'oci', 'npm', 'pypi', 'nuget', 'mcpb');
  if (s.not) return text(10).filter((x) => x !== (s.not as { const?: unknown }).const);
  switch (s.type) {
    case 'string':
      if (s.pattern)
        return fc
          .stringMatching(new RegExp(s.pattern as string))
          .filter(
            (x) => x.length <= ((s.maxLength as number) ?? 200) && x.length >= ((s.minLength as number) ?? 0),
          );
      if (s.format === 'uri') return fc.webUrl({ validSchemes: ['https'] });
      return text(Math.min((s.maxLength as number) ?? 40, 40)).filter(
        (x) => x.length >= ((s.minLength as number) ?? 1),
      );
    case 'boolean':
      return fc.boolean();
    case 'integer':
    case 'number':
      return fc.integer({ min: 0, max: 1000 });
    case 'array':
      return fc.array(arb((s.items as Schema) ?? {}, name), { maxLength: 3 });
    case 'object': {
      const props = (s.properties as Record<string, Schema> | undefined) ?? {};
      if (name === '_meta')
        return fc.constant({
          'io.modelcontextprotocol.registry/publisher-provided': { 'com.example': { build: 1 } },
        });
      if (Object.keys(props).length === 0) {
        const value =
          typeof s.additionalProperties === 'object'
            ? arb(s.additionalProperties as Schema)
            : fc.jsonValue({ maxDepth: 1 });
        return fc.dictionary(fc.stringMatching(/^[a-z]{1,6}$/), value, { maxKeys: 2, noNullPrototype: true });
      }
      const model = Object.fromEntries(Object.entries(props).map(([k, v]) => [k, arb(v, k)]));
      return fc.record(model, {
        requiredKeys: [...new Set((s.required as string[]) ?? [])],
        noNullPrototype: true,
      });
    }
    default:
      return fc.jsonValue({ maxDepth: 1 });
  }
}

const serverJson = arb(defs.ServerDetail!).filter(
  (s) => validateEntry('upstream', s) === undefined,
) as fc.Arbitrary<Record<string, unknown>>;
const document = fc.uniqueArray(serverJson, { maxLength: 5, selector: (s) => s.name });

test('any valid server.json list: upstream output unchanged, storage whole, the unexpressible reported', () => {
  fc.assert(
    fc.property(document, (servers) => {
      const r = parseRegistryDocument(JSON.stringify(servers), 'upstream');
      assert.deepEqual(r.invalid, []);
      assert.equal(r.catalog.servers.length, servers.length);
      const byUpstreamName = new Map(r.catalog.servers.map((s) => [s.upstreamName, s]));
      for (const original of servers) {
        const s = byUpstreamName.get(original.name as string)!;
        assert.deepStrictEqual(toUpstreamServerResponse(s).server, JSON.parse(JSON.stringify(original)));
        if (s.kind === 'upstream-only') {
          assert.equal(toToolhiveServer(s), undefined);
          assert.ok(r.unrepresentable.some((line) => line.startsWith(`${original.name as string}: `)));
        }
      }
      assert.deepStrictEqual(parseStorage(serializeForStorage(r.catalog)), r.catalog);
    }),
    { numRuns: 500 },
  );
});

test('the server.json generator reaches packages, remotes and every kind', () => {
  const samples = fc.sample(serverJson, { numRuns: 300, seed: 3 });
  const kinds = new Set(
    samples.map((s) => parseRegistryDocument(JSON.stringify([s]), 'upstream').catalog.servers[0]?.kind),
  );
  assert.deepEqual([...kinds].sort(), ['container', 'remote', 'upstream-only']);
  assert.ok(samples.filter((s) => Array.isArray(s.packages) && s.packages.length > 0).length > 50);
  assert.ok(samples.filter((s) => Array.isArray(s.remotes) && s.remotes.length > 0).length > 50);
});
