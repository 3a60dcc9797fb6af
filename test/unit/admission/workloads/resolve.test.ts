/**
 * Resolution per kind, per CRD generation and served version (field names read from ToolHive's real
 * CRDs), from ToolHive-format and upstream-format entries, OCI images and remotes; user fields win;
 * every refusal with its exact message.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { applyPatch } from 'rfc6902';
import { formatFieldErrors } from '../../../../src/api/field-error.ts';
import { kindInfo, resolveWorkload, type ResolveInput } from '../../../../src/admission/workloads/index.ts';
import { servedSchemas } from './fields.ts';
import { toolhiveIndex, upstreamIndex } from './catalogs.ts';

const TH = { name: 'corp', phase: 'Ready', index: toolhiveIndex() };
const UP = { name: 'public', phase: 'Ready', index: upstreamIndex() };

function input(
  kind: string,
  fields: Set<string>,
  server: string,
  registry = TH,
  extra: Partial<ResolveInput> = {},
  spec?: object,
  annotations: Record<string, string> = {},
): ResolveInput {
  return {
    kind: kindInfo(kind)!,
    name: 'w',
    namespace: 'team-a',
    object: {
      metadata: {
        name: 'w',
        annotations: {
          'toolhive.stacklok.io/registry': registry.name,
          'toolhive.stacklok.io/server': server,
          ...annotations,
        },
      },
      ...(spec && { spec }),
    },
    fields,
    ref: { registry: registry.name, server, version: 'latest' },
    registry,
    registryNames: ['corp', 'public'],
    ...extra,
  };
}

function resolved(i: ResolveInput) {
  const r = resolveWorkload(i);
  assert.deepEqual(r.errors, []);
  const obj = structuredClone(i.object);
  const errs = applyPatch(obj, r.ops);
  assert.ok(
    errs.every((e) => e === null),
    JSON.stringify(errs),
  );
  // Idempotent: resolving the result again changes nothing.
  assert.deepEqual(resolveWorkload({ ...i, object: obj }).ops, []);
  return {
    obj: obj as { spec: Record<string, unknown>; metadata: { annotations: Record<string, string> } },
    warnings: r.warnings,
  };
}

const schemas = servedSchemas().filter((s) => s.kind !== 'MCPGroup');

for (const s of schemas.filter((x) => x.kind === 'MCPServer')) {
  test(`MCPServer ${s.generation} ${s.version}: ToolHive OCI entry fills every empty field`, () => {
    const { obj, warnings } = resolved(input('MCPServer', s.fields, 'fetch'));
    assert.deepEqual(obj.spec, {
      image: 'ghcr.io/stackloklabs/gofetch/server:1.0.1',
      transport: 'streamable-http',
      mcpPort: 8080,
      args: ['--max-bytes', '1000000'],
      env: [{ name: 'USER_AGENT', value: 'gofetch' }],
      permissionProfile: { type: 'builtin', name: 'network' },
    });
    assert.equal(obj.metadata.annotations['toolhive.stacklok.io/resolved'], 'io.github.stacklok/fetch@1.0.0');
    assert.deepEqual(warnings, []);
  });
  test(`MCPServer ${s.generation} ${s.version}: upstream OCI entry by short name, secret env warned`, () => {
    const i = input('MCPServer', s.fields, 'io.github.acme/weather', UP);
    const { obj, warnings } = resolved(i);
    assert.deepEqual(obj.spec, {
      image: 'ghcr.io/acme/weather:2.1.0',
      transport: 'streamable-http',
      mcpPort: 3000,
      env: [{ name: 'UNITS', value: 'metric' }],
    });
    assert.equal(obj.metadata.annotations['toolhive.stacklok.io/resolved'], 'io.github.acme/weather@2.1.0');
    assert.deepEqual(warnings, [
      'MCPServer "w": required secret env var WEATHER_API_KEY of "io.github.acme/weather" is not provided: add it to spec.secrets (targetEnvName: WEATHER_API_KEY) from a Secret',
    ]);
  });
  test(`MCPServer ${s.generation} ${s.version}: user fields win, defaults count as unset`, () => {
    const spec = {
      image: 'ghcr.io/stackloklabs/gofetch/server:1.0.0',
      transport: 'stdio',
      args: ['--mine'],
      env: [{ name: 'USER_AGENT', value: 'me' }],
      permissionProfile: { type: 'builtin', name: 'none' },
    };
    const { obj, warnings } = resolved(input('MCPServer', s.fields, 'fetch', TH, {}, spec));
    assert.deepEqual(obj.spec, { ...spec, transport: 'streamable-http', mcpPort: 8080 });
    assert.deepEqual(warnings, [
      'MCPServer "w": spec.image "ghcr.io/stackloklabs/gofetch/server:1.0.0" is yours and kept; the registry entry says "ghcr.io/stackloklabs/gofetch/server:1.0.1"',
    ]);
    // The user's applied manifest shows transport: stdio was written on purpose: it is kept.
    const applied = JSON.stringify({ spec: { transport: 'stdio' } });
    const kept = resolved(
      input(
        'MCPServer',
        s.fields,
        'fetch',
        TH,
        {},
        { transport: 'stdio' },
        {
          'kubectl.kubernetes.io/last-applied-configuration': applied,
        },
      ),
    );
    assert.equal(kept.obj.spec.transport, 'stdio');
  });
  test(`MCPServer ${s.generation} ${s.version}: a mapped secret silences the warning; a specific-host profile is left to the user`, () => {
    const spec = { secrets: [{ name: 'gh', key: 'token', targetEnvName: 'GITHUB_PERSONAL_ACCESS_TOKEN' }] };
    const { obj, warnings } = resolved(input('MCPServer', s.fields, 'github', TH, {}, spec));
    assert.equal(obj.spec.permissionProfile, undefined);
    assert.deepEqual(warnings, [
      'MCPServer "w": the permission profile of "github" (specific hosts or mounts) has no builtin equivalent: spec.permissionProfile left unset; reference a ConfigMap profile to apply it',
    ]);
  });
}

for (const s of schemas.filter((x) => x.kind !== 'MCPServer')) {
  const urlField = s.fields.has('remoteURL') ? 'remoteURL' : 'remoteUrl';
  test(`${s.kind} ${s.generation} ${s.version}: ToolHive remote entry`, () => {
    const { obj, warnings } = resolved(input(s.kind, s.fields, 'atlassian'));
    assert.deepEqual(obj.spec, {
      [urlField]: 'https://mcp.atlassian.com/v1/sse',
      transport: 'sse',
      ...(s.fields.has('headerForward') && {
        headerForward: { addPlaintextHeaders: { 'X-Tenant': 'main' } },
      }),
    });
    assert.equal(
      obj.metadata.annotations['toolhive.stacklok.io/resolved'],
      'io.github.stacklok/atlassian@1.0.0',
    );
    assert.deepEqual(warnings, [
      `${s.kind} "w": required header Authorization of "atlassian" is not forwarded: add it to spec.headerForward.addHeadersFromSecret`,
    ]);
  });
  test(`${s.kind} ${s.generation} ${s.version}: upstream remote entry by unique last segment`, () => {
    const { obj } = resolved(input(s.kind, s.fields, 'search', UP));
    assert.equal(obj.spec[urlField], 'https://search.acme.example/sse');
    assert.equal(obj.spec.transport, 'sse');
    assert.equal(obj.metadata.annotations['toolhive.stacklok.io/resolved'], 'io.github.acme/search@1.4.0');
  });
  test(`${s.kind} ${s.generation} ${s.version}: the user's URL wins`, () => {
    const { obj, warnings } = resolved(
      input(
        s.kind,
        s.fields,
        'atlassian',
        TH,
        {},
        { [urlField]: 'https://mirror.example/sse', transport: 'streamable-http' },
      ),
    );
    assert.equal(obj.spec[urlField], 'https://mirror.example/sse');
    assert.equal(obj.spec.transport, s.kind === 'MCPServerEntry' ? 'streamable-http' : 'sse');
    assert.match(
      warnings[0] ?? '',
      /spec\.remote(Url|URL) "https:\/\/mirror\.example\/sse" is yours and kept/,
    );
  });
}

const refusals: [string, ResolveInput, string][] = [
  [
    'unknown registry, closest first',
    input('MCPServer', new Set(['image']), 'fetch', TH, {
      registry: undefined,
      ref: { registry: 'crop', server: 'fetch', version: 'latest' },
    }),
    'metadata.annotations[toolhive.stacklok.io/registry]: Invalid value: "crop": no MCPRegistry "crop" in namespace "team-a"; existing: corp, public',
  ],
  [
    'no registry at all in the namespace',
    input('MCPServer', new Set(['image']), 'fetch', TH, {
      registry: undefined,
      registryNames: [],
      ref: { registry: 'corp', server: 'fetch', version: 'latest' },
    }),
    'metadata.annotations[toolhive.stacklok.io/registry]: Invalid value: "corp": no MCPRegistry "corp" in namespace "team-a"; this namespace has no MCPRegistry',
  ],
  [
    'registry without data yet',
    input('MCPServer', new Set(['image']), 'fetch', { name: 'corp', phase: 'Syncing' } as typeof TH),
    'metadata.annotations[toolhive.stacklok.io/registry]: Invalid value: "corp": MCPRegistry "corp" has no synced catalog yet (phase Syncing): retry once it is Ready',
  ],
  [
    'unknown server, closest names',
    input('MCPServer', new Set(['image']), 'fecth'),
    'metadata.annotations[toolhive.stacklok.io/server]: Invalid value: "fecth": no server "fecth" in MCPRegistry "corp"; closest: fetch',
  ],
  [
    'ambiguous short name',
    input('MCPServer', new Set(['image']), 'weather', UP),
    'metadata.annotations[toolhive.stacklok.io/server]: Invalid value: "weather": "weather" names several servers in MCPRegistry "public": io.github.acme/weather, io.github.other/weather; use the full name',
  ],
  [
    'a version the registry does not have',
    input('MCPServer', new Set(['image']), 'io.github.acme/weather', UP, {
      ref: { registry: 'public', server: 'io.github.acme/weather', version: '2.0.0' },
    }),
    'metadata.annotations[toolhive.stacklok.io/server-version]: Invalid value: "2.0.0": MCPRegistry "public" has no version "2.0.0" of "io.github.acme/weather"; it has "2.1.0" (latest); use "latest" or one of them',
  ],
  [
    'a remote entry for an MCPServer',
    input('MCPServer', new Set(['image']), 'atlassian'),
    'metadata.annotations[toolhive.stacklok.io/server]: Invalid value: "atlassian": "atlassian" is a remote server, which a MCPServer cannot run: reference it from an MCPRemoteProxy or MCPServerEntry',
  ],
  [
    'an image entry for a remote proxy',
    input('MCPRemoteProxy', new Set(['remoteUrl']), 'fetch'),
    'metadata.annotations[toolhive.stacklok.io/server]: Invalid value: "fetch": "fetch" is a container image, which a MCPRemoteProxy cannot front: reference it from an MCPServer',
  ],
  [
    'an npm-only upstream entry',
    input('MCPServer', new Set(['image']), 'npm-only', UP),
    'metadata.annotations[toolhive.stacklok.io/server]: Invalid value: "npm-only": "npm-only" has no OCI image and no remote URL (its packages are not containers): ToolHive cannot run it',
  ],
];
for (const [name, i, message] of refusals)
  test(`refused: ${name}`, () => {
    const r = resolveWorkload(i);
    assert.deepEqual(r.ops, []);
    assert.equal(formatFieldErrors(r.errors), message);
  });
