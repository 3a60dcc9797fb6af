/**
 * A workload pinned to an older version (server-version annotation) resolves from the versions a
 * registry source keeps, per kind and served CRD version; a version the registry does not have (or
 * deleted) is refused naming the versions it has, closest first and bounded; older versions' images
 * and URLs pass enforcement; the index holds them packed (one string per server).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { applyPatch } from 'rfc6902';
import { formatFieldErrors } from '../../../../src/api/field-error.ts';
import {
  enforceWorkload,
  indexEntries,
  kindInfo,
  resolveWorkload,
  workloadManifest,
  type ResolveInput,
} from '../../../../src/admission/workloads/index.ts';
import { closestVersions } from '../../../../src/admission/workloads/versions.ts';
import { servedSchemas } from './fields.ts';
import { VERSIONS_PAGE, versionsIndex } from './catalogs.ts';
import { parseRegistryDocument } from '../../../../src/registry/index.ts';

const REG = { name: 'public', phase: 'Ready', index: versionsIndex() };

function input(kind: string, fields: Set<string>, server: string, version: string): ResolveInput {
  return {
    kind: kindInfo(kind)!,
    name: 'w',
    namespace: 'team-a',
    object: { metadata: { name: 'w', annotations: {} } },
    fields,
    ref: { registry: 'public', server, version },
    registry: REG,
    registryNames: ['public'],
  };
}

function resolved(i: ResolveInput) {
  const r = resolveWorkload(i);
  assert.deepEqual(r.errors, []);
  const obj = structuredClone(i.object) as {
    spec: Record<string, unknown>;
    metadata: { annotations: Record<string, string> };
  };
  assert.ok(applyPatch(obj, r.ops).every((e) => e === null));
  assert.deepEqual(resolveWorkload({ ...i, object: obj }).ops, []);
  return { obj, warnings: r.warnings };
}

const schemas = servedSchemas();
for (const s of schemas.filter((x) => x.kind === 'MCPServer')) {
  const cases: [version: string, image: string, env: object[] | undefined][] = [
    ['latest', 'ghcr.io/acme/weather:2.1.0', [{ name: 'UNITS', value: 'metric' }]],
    ['2.1.0', 'ghcr.io/acme/weather:2.1.0', [{ name: 'UNITS', value: 'metric' }]],
    ['2.0.0', 'ghcr.io/acme/weather:2.0.0', undefined],
    ['1.9.0', 'ghcr.io/acme/weather:1.9.0', undefined], // deprecated: still served, still resolvable
  ];
  for (const [version, image, env] of cases)
    test(`MCPServer ${s.generation} ${s.version}: weather pinned to ${version} resolves ${image}`, () => {
      const { obj, warnings } = resolved(input('MCPServer', s.fields, 'io.github.acme/weather', version));
      assert.deepEqual(obj.spec, {
        image,
        transport: 'streamable-http',
        mcpPort: 3000,
        ...(env && { env }),
      });
      const v = version === 'latest' ? '2.1.0' : version;
      assert.equal(obj.metadata.annotations['toolhive.stacklok.io/resolved'], `io.github.acme/weather@${v}`);
      assert.deepEqual(warnings, [
        'MCPServer "w": required secret env var WEATHER_API_KEY of "io.github.acme/weather" is not provided: add it to spec.secrets (targetEnvName: WEATHER_API_KEY) from a Secret',
      ]);
    });
}

for (const s of schemas.filter((x) => x.kind === 'MCPRemoteProxy' || x.kind === 'MCPServerEntry')) {
  for (const [version, url] of [
    ['latest', 'https://search.acme.example/v2/sse'],
    ['1.3.0', 'https://search.acme.example/v1/sse'],
  ] as const)
    test(`${s.kind} ${s.generation} ${s.version}: search pinned to ${version} resolves ${url}`, () => {
      const { obj } = resolved(input(s.kind, s.fields, 'search', version));
      const field = s.fields.has('remoteUrl') ? 'remoteUrl' : 'remoteURL';
      assert.equal(obj.spec[field], url);
      assert.equal(obj.spec.transport, 'sse');
      const v = version === 'latest' ? '1.4.0' : version;
      assert.equal(obj.metadata.annotations['toolhive.stacklok.io/resolved'], `io.github.acme/search@${v}`);
    });
}

const refusals: [string, ResolveInput, string][] = [
  [
    'a version the registry never had',
    input('MCPServer', new Set(['image']), 'io.github.acme/weather', '2.0.1'),
    'metadata.annotations[toolhive.stacklok.io/server-version]: Invalid value: "2.0.1": MCPRegistry "public" has no version "2.0.1" of "io.github.acme/weather"; it has "2.0.0", "2.1.0" (latest), "1.9.0"; use "latest" or one of them',
  ],
  [
    'a version its source registry deleted',
    input('MCPServer', new Set(['image']), 'io.github.acme/weather', '1.5.0'),
    'metadata.annotations[toolhive.stacklok.io/server-version]: Invalid value: "1.5.0": MCPRegistry "public" has no version "1.5.0" of "io.github.acme/weather" (its source registry deleted it); it has "1.9.0", "2.1.0" (latest), "2.0.0"; use "latest" or one of them',
  ],
  [
    'of 15 versions, the 10 closest, ties newest first, the latest always named',
    input('MCPServer', new Set(['image']), 'io.github.acme/many', '1.3.1'),
    'metadata.annotations[toolhive.stacklok.io/server-version]: Invalid value: "1.3.1": MCPRegistry "public" has no version "1.3.1" of "io.github.acme/many"; it has 15 versions, the closest: "1.3.0", "1.13.0", "1.9.0", "1.8.0", "1.7.0", "1.6.0", "1.5.0", "1.4.0", "1.2.0", "1.14.0" (latest); use "latest" or one of them',
  ],
];
for (const [name, i, message] of refusals)
  test(`refused: ${name}`, () => {
    const r = resolveWorkload(i);
    assert.deepEqual(r.ops, []);
    assert.equal(formatFieldErrors(r.errors), message);
  });

test('closestVersions: bounded, nearest first, ties in the given order, the latest kept', () => {
  const table: [string, string[], string[]][] = [
    ['1.2.4', ['2.0.0', '1.2.3', '1.2.0'], ['1.2.3', '1.2.0', '2.0.0']],
    ['9', ['1.0.0'], ['1.0.0']],
    ['x', [], []],
    [
      '0.0.0',
      ['9.9.9', ...Array.from({ length: 12 }, (_, i) => `0.0.${i + 1}`)],
      ['0.0.1', '0.0.2', '0.0.3', '0.0.4', '0.0.5', '0.0.6', '0.0.7', '0.0.8', '0.0.9', '9.9.9'],
    ],
  ];
  for (const [wanted, versions, expected] of table)
    assert.deepEqual(closestVersions(wanted, versions), expected, wanted);
});

test('enforcement: an older version the registry serves passes, a deleted one does not', () => {
  const enforce = (kind: string, field: string, value: string) =>
    enforceWorkload({
      kind: kindInfo(kind)!,
      name: 'w',
      object: { spec: { [field]: value } },
      fields: new Set([field]),
      namespace: [{ label: 'public', index: REG.index }],
      policy: [],
    }).errors.map((e) => e.detail);
  for (const tag of ['2.1.0', '2.0.0', '1.9.0'])
    assert.deepEqual(enforce('MCPServer', 'image', `ghcr.io/acme/weather:${tag}`), [], tag);
  assert.deepEqual(enforce('MCPRemoteProxy', 'remoteUrl', 'https://search.acme.example/v1/sse'), []);
  assert.deepEqual(enforce('MCPServer', 'image', 'ghcr.io/acme/weather:1.5.0'), [
    'image "ghcr.io/acme/weather:1.5.0" is in none of the registries enforced in this namespace (checked: public)',
  ]);
});

test('the manifest for an older version pins it and spells out that version', () => {
  const r = workloadManifest({
    registry: 'public',
    server: 'io.github.acme/weather',
    index: REG.index,
    version: '2.0.0',
  });
  assert.ok('manifest' in r);
  const m = r.manifest as { metadata: { annotations: Record<string, string> }; spec: { image: string } };
  assert.equal(m.metadata.annotations['toolhive.stacklok.io/server-version'], '2.0.0');
  assert.equal(m.spec.image, 'ghcr.io/acme/weather:2.0.0');
});

test('packed: one string per server with versions, a version costs the fields that differ', () => {
  assert.deepEqual([...REG.index.versions.keys()].sort(), [
    'io.github.acme/many',
    'io.github.acme/search',
    'io.github.acme/weather',
  ]);
  const many = REG.index.versions.get('io.github.acme/many') ?? '';
  // 14 older versions differing in version and image tag: well under 200 bytes each.
  assert.ok(many.length < 14 * 200, String(many.length));
  assert.equal(REG.index.entries.size, 3);
});

test("versions 'enforce' (the compliance count): older versions' images and URLs, nothing packed", () => {
  const idx = indexEntries(parseRegistryDocument(JSON.stringify(VERSIONS_PAGE), 'upstream').catalog, {
    versions: 'enforce',
  });
  assert.equal(idx.versions.size, 0);
  assert.deepEqual(idx.images, REG.index.images);
  assert.deepEqual(idx.urls, REG.index.urls);
});
