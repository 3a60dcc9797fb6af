import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { buildCrd, toStructural, type JSONSchemaProps } from '../../../src/api/crd.ts';
import { generatedArtifacts } from '../../../src/generate/artifacts.ts';

const root = resolve(import.meta.dirname, '../../..');

test('committed generated files match the generator (run `npm run generate`)', () => {
  for (const [path, content] of Object.entries(generatedArtifacts())) {
    assert.equal(
      readFileSync(resolve(root, path), 'utf8'),
      content,
      `${path} is stale: run npm run generate`,
    );
  }
});

type Version = {
  name: string;
  served: boolean;
  storage: boolean;
  schema: { openAPIV3Schema: JSONSchemaProps };
  additionalPrinterColumns: { name: string; jsonPath: string }[];
};
const versions = (crd: JSONSchemaProps) => (crd.spec as { versions: Version[] }).versions;

function walk(schema: JSONSchemaProps, path: string, visit: (s: JSONSchemaProps, path: string) => void) {
  visit(schema, path);
  for (const [k, v] of Object.entries((schema.properties ?? {}) as Record<string, JSONSchemaProps>))
    walk(v, `${path}.${k}`, visit);
  if (schema.items) walk(schema.items as JSONSchemaProps, `${path}[]`, visit);
}

test('every schema field has a description, except metadata', () => {
  for (const v of versions(buildCrd())) {
    const missing: string[] = [];
    walk(v.schema.openAPIV3Schema, v.name, (s, p) => {
      if (p === `${v.name}.metadata`) return;
      if (typeof s.description !== 'string' || s.description.length < 10) missing.push(p);
    });
    assert.deepEqual(missing, [], `fields without a useful description in ${v.name}`);
  }
});

test('schemas are structural: a type on every node, no additionalProperties beside properties, metadata is bare', () => {
  for (const v of versions(buildCrd())) {
    walk(v.schema.openAPIV3Schema, v.name, (s, p) => {
      assert.ok(typeof s.type === 'string', `${p} has no type`);
      assert.ok(
        !('additionalProperties' in s && 'properties' in s),
        `${p} mixes properties and additionalProperties`,
      );
    });
    assert.deepEqual((v.schema.openAPIV3Schema.properties as JSONSchemaProps).metadata, { type: 'object' });
  }
});

test('v1beta1 is the only storage version and both versions are served', () => {
  const vs = versions(buildCrd());
  assert.deepEqual(
    vs.map((v) => [v.name, v.served, v.storage]),
    [
      ['v1alpha1', true, false],
      ['v1beta1', true, true],
    ],
  );
});

test('printer columns per version point at that version’s fields', () => {
  const cols = Object.fromEntries(
    versions(buildCrd()).map((v) => [
      v.name,
      v.additionalPrinterColumns.map((c) => `${c.name}=${c.jsonPath}`),
    ]),
  );
  assert.deepEqual(cols.v1alpha1, [
    'Phase=.status.phase',
    'Servers=.status.serverCount',
    'Source=.spec.source.type',
    'Last Sync=.status.lastSyncTime',
    'Age=.metadata.creationTimestamp',
    'API=.status.apiEndpoint',
    'Message=.status.message',
  ]);
  assert.deepEqual(cols.v1beta1, [
    'Phase=.status.phase',
    'Servers=.status.sync.serverCount',
    'Source=.spec.sources[0].type',
    'Last Sync=.status.sync.lastSyncTime',
    'Age=.metadata.creationTimestamp',
    'API=.status.api.endpoint',
    'Message=.status.message',
  ]);
});

test('conversion defaults to the in-cluster webhook Service and can point at a URL', () => {
  const svc = buildCrd().spec as { conversion: JSONSchemaProps };
  assert.deepEqual(svc.conversion, {
    strategy: 'Webhook',
    webhook: {
      conversionReviewVersions: ['v1'],
      clientConfig: {
        service: {
          name: 'mcp-registry-operator-webhook',
          namespace: 'toolhive-system',
          path: '/convert',
          port: 443,
        },
      },
    },
  });
  const url = buildCrd({
    conversion: { kind: 'url', url: 'https://127.0.0.1:9443/convert', caBundle: 'Q0E=' },
  }).spec as { conversion: JSONSchemaProps };
  assert.deepEqual(url.conversion, {
    strategy: 'Webhook',
    webhook: {
      conversionReviewVersions: ['v1'],
      clientConfig: { url: 'https://127.0.0.1:9443/convert', caBundle: 'Q0E=' },
    },
  });
});

test('names, short names, category and scope', () => {
  const spec = buildCrd().spec as { names: JSONSchemaProps; scope: string; group: string };
  assert.equal(spec.group, 'toolhive.stacklok.io');
  assert.equal(spec.scope, 'Namespaced');
  assert.deepEqual(spec.names, {
    kind: 'MCPRegistry',
    listKind: 'MCPRegistryList',
    plural: 'mcpregistries',
    singular: 'mcpregistry',
    shortNames: ['mcpreg', 'mcpr'],
    categories: ['toolhive'],
  });
});

test('toStructural drops additionalProperties:false and empty required lists but keeps everything else', () => {
  const out = toStructural({
    type: 'object',
    additionalProperties: false,
    required: [],
    description: 'd',
    properties: { a: { type: 'string', pattern: 'x', 'x-kubernetes-validations': [{ rule: 'true' }] } },
  });
  assert.deepEqual(out, {
    type: 'object',
    description: 'd',
    properties: { a: { type: 'string', pattern: 'x', 'x-kubernetes-validations': [{ rule: 'true' }] } },
  });
});

test('one-of CEL rules exist for every source type in both versions', () => {
  const [alpha, beta] = versions(buildCrd());
  const alphaSource = (
    (alpha!.schema.openAPIV3Schema.properties as Record<string, JSONSchemaProps>).spec!.properties as Record<
      string,
      JSONSchemaProps
    >
  ).source!;
  const rules = (alphaSource['x-kubernetes-validations'] as { rule: string }[]).map((r) => r.rule);
  for (const f of ['configmap', 'url', 'git', 'registry']) {
    assert.ok(rules.includes(`self.type != '${f}' || has(self.${f})`));
    assert.ok(rules.includes(`self.type == '${f}' || !has(self.${f})`));
  }
  const betaSources = (
    (beta!.schema.openAPIV3Schema.properties as Record<string, JSONSchemaProps>).spec!.properties as Record<
      string,
      JSONSchemaProps
    >
  ).sources!;
  const betaRules = (
    (betaSources.items as JSONSchemaProps)['x-kubernetes-validations'] as { rule: string }[]
  ).map((r) => r.rule);
  assert.ok(betaRules.includes(`self.type != 'configmap' || has(self.configMapRef)`));
  // kubernetes: its sub-object is optional (every field defaults), so only the "must not be set" rule.
  assert.ok(rules.includes(`self.type == 'kubernetes' || !has(self.kubernetes)`));
  assert.ok(!rules.includes(`self.type != 'kubernetes' || has(self.kubernetes)`));
  assert.ok(betaRules.includes(`self.type == 'kubernetes' || !has(self.kubernetes)`));
  assert.equal(betaRules.length, 9);
});
