/**
 * The pure mapping of the kubernetes source (SPEC §12): an exported workload → an upstream server.json
 * entry valid against the official schema, or a skip naming the workload and why. Table tests.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  ANNOTATIONS,
  discoveredDocument,
  discoveryAllowed,
  entryFromWorkload,
  imageSemver,
  parseTools,
  sourceNamespaces,
  WORKLOAD_META_KEY,
  type DiscoveryKind,
  type WorkloadObject,
} from '../../../src/registry/discovery/index.ts';
import { parseRegistryDocument, validateEntry } from '../../../src/registry/index.ts';

const PP = 'io.modelcontextprotocol.registry/publisher-provided';

function workload(
  annotations: Record<string, string>,
  spec: WorkloadObject['spec'] = {},
  name = 'weather',
): WorkloadObject {
  return { metadata: { name, namespace: 'team-a', uid: `uid-${name}`, annotations }, spec };
}

const exported = {
  [ANNOTATIONS.export]: 'true',
  [ANNOTATIONS.url]: 'https://weather.team-a.example/mcp',
  [ANNOTATIONS.description]: 'Weather forecasts',
};

test('each kind becomes a remote server at the annotated URL, naming the workload in _meta', () => {
  const cases: [DiscoveryKind, WorkloadObject['spec'], string, string, string | undefined][] = [
    [
      'MCPServer',
      { image: 'ghcr.io/org/weather:v1.4.2', transport: 'stdio' },
      'streamable-http',
      '1.4.2',
      'ghcr.io/org/weather:v1.4.2',
    ],
    [
      'MCPServer',
      { image: 'ghcr.io/org/weather:1.0', transport: 'stdio', proxyMode: 'sse' },
      'sse',
      '1.0.0',
      'ghcr.io/org/weather:1.0',
    ],
    ['MCPServer', { image: 'weather', transport: 'streamable-http' }, 'streamable-http', '1.0.0', 'weather'],
    ['MCPRemoteProxy', { transport: 'sse' }, 'sse', '1.0.0', undefined],
    ['MCPServerEntry', { transport: 'streamable-http' }, 'streamable-http', '1.0.0', undefined],
    ['VirtualMCPServer', {}, 'streamable-http', '1.0.0', undefined],
  ];
  for (const [kind, spec, transport, version, image] of cases) {
    const r = entryFromWorkload(kind, workload(exported, spec));
    assert.ok('entry' in r, kind);
    const e = r.entry as Record<string, unknown>;
    assert.equal(e.name, 'k8s.team-a/weather');
    assert.equal(e.description, 'Weather forecasts');
    assert.equal(e.version, version, `${kind} ${JSON.stringify(spec)}`);
    assert.deepEqual(e.remotes, [
      { type: transport === 'sse' ? 'sse' : 'streamable-http', url: 'https://weather.team-a.example/mcp' },
    ]);
    const meta = (e._meta as Record<string, Record<string, unknown>>)[PP]!;
    assert.deepEqual(meta[WORKLOAD_META_KEY], {
      kind,
      namespace: 'team-a',
      name: 'weather',
      uid: 'uid-weather',
      ...(image ? { image } : {}),
      transport,
    });
    assert.equal(validateEntry('upstream', e), undefined, kind);
  }
});

test('optional annotations: title, icon, category, tools, tool definitions, authz claims, version', () => {
  const r = entryFromWorkload(
    'MCPServer',
    workload(
      {
        ...exported,
        [ANNOTATIONS.title]: 'Weather',
        [ANNOTATIONS.icon]: 'https://weather.team-a.example/icon.png',
        [ANNOTATIONS.category]: 'data',
        [ANNOTATIONS.tools]: 'forecast, alerts',
        [ANNOTATIONS.toolDefinitions]: '[{"name":"forecast"}]',
        [ANNOTATIONS.authzClaims]: '{"groups":["sre"]}',
        [ANNOTATIONS.version]: '2.0.0',
      },
      { image: 'ghcr.io/org/weather:v1.4.2' },
    ),
  );
  assert.ok('entry' in r);
  const e = r.entry as Record<string, unknown>;
  assert.equal(e.title, 'Weather');
  assert.deepEqual(e.icons, [{ src: 'https://weather.team-a.example/icon.png' }]);
  assert.equal(e.version, '2.0.0', 'the annotation wins over the image tag');
  const meta = (e._meta as Record<string, Record<string, Record<string, unknown>>>)[PP]!;
  assert.deepEqual(meta['io.github.stacklok']!['https://weather.team-a.example/mcp'], {
    status: 'Active',
    transport: 'streamable-http',
    tools: ['forecast', 'alerts'],
    tags: ['data'],
  });
  assert.deepEqual(meta[WORKLOAD_META_KEY]!.toolDefinitions, [{ name: 'forecast' }]);
  assert.deepEqual(meta[WORKLOAD_META_KEY]!.authzClaims, { groups: ['sre'] });
  assert.equal(validateEntry('upstream', e), undefined);
  // Read by the same reader as every source: tools and the category tag reach the catalog.
  const parsed = parseRegistryDocument(JSON.stringify([e]), 'upstream');
  assert.deepEqual(parsed.invalid, []);
  assert.equal(parsed.catalog.servers.length, 1);
});

test('an exported workload missing a required annotation, or with one that cannot be read, is skipped', () => {
  const cases: [Record<string, string>, string][] = [
    [
      { [ANNOTATIONS.export]: 'true', [ANNOTATIONS.description]: 'd' },
      'exported but toolhive.stacklok.dev/registry-url is missing (both are required)',
    ],
    [
      {
        [ANNOTATIONS.export]: 'true',
        [ANNOTATIONS.url]: 'https://x.example/mcp',
        [ANNOTATIONS.description]: ' ',
      },
      'exported but toolhive.stacklok.dev/registry-description is missing (both are required)',
    ],
    [
      { [ANNOTATIONS.export]: 'true' },
      'exported but toolhive.stacklok.dev/registry-url and toolhive.stacklok.dev/registry-description are missing (both are required)',
    ],
    [
      { ...exported, [ANNOTATIONS.toolDefinitions]: '[{' },
      'toolhive.stacklok.dev/tool-definitions is not JSON',
    ],
    [
      { ...exported, [ANNOTATIONS.tools]: '["a", 1]' },
      'toolhive.stacklok.dev/tools is neither a JSON array of names nor a comma-separated list',
    ],
  ];
  for (const [annotations, reason] of cases)
    assert.deepEqual(entryFromWorkload('MCPRemoteProxy', workload(annotations)), {
      skipped: { workload: 'MCPRemoteProxy team-a/weather', reason },
    });
});

test('version from an image: its semver tag, else none', () => {
  const cases: [string | undefined, string | undefined][] = [
    ['ghcr.io/org/s:v1.2.3', '1.2.3'],
    ['ghcr.io/org/s:1.2.3-rc.1', '1.2.3-rc.1'],
    ['localhost:5000/s:2.0.0@sha256:abc', '2.0.0'],
    ['localhost:5000/s', undefined],
    ['ghcr.io/org/s:latest', undefined],
    ['ghcr.io/org/s@sha256:abc', undefined],
    ['ghcr.io/org/s:1.2', undefined],
    [undefined, undefined],
  ];
  for (const [image, want] of cases) assert.equal(imageSemver(image), want, image);
});

test('tools: a JSON array or a comma-separated list', () => {
  assert.deepEqual(parseTools('["a","b"]'), ['a', 'b']);
  assert.deepEqual(parseTools(' a , b ,'), ['a', 'b']);
  assert.equal(parseTools('[1]'), undefined);
});

test('the document: only exported workloads, sorted, a name two kinds share kept by the first kind', () => {
  const doc = discoveredDocument({
    MCPRemoteProxy: [workload(exported, {}, 'b'), workload(exported, {}, 'a')],
    MCPServer: [
      workload(exported, { image: 'x:v1.0.0' }, 'b'),
      workload({ ...exported, [ANNOTATIONS.export]: 'false' }, {}, 'c'),
      workload({}, {}, 'd'),
      workload({ [ANNOTATIONS.export]: 'true' }, {}, 'e'),
    ],
  });
  const entries = JSON.parse(doc.text) as { name: string; version: string }[];
  assert.deepEqual(
    entries.map((e) => [e.name, e.version]),
    [
      ['k8s.team-a/a', '1.0.0'],
      ['k8s.team-a/b', '1.0.0'],
    ],
  );
  assert.equal((JSON.parse(doc.text)[1]._meta[PP][WORKLOAD_META_KEY] as { kind: string }).kind, 'MCPServer');
  assert.deepEqual(doc.skipped, [
    {
      workload: 'MCPRemoteProxy team-a/b',
      reason: 'its entry name k8s.team-a/b is already taken by MCPServer team-a/b',
    },
    {
      workload: 'MCPServer team-a/e',
      reason:
        'exported but toolhive.stacklok.dev/registry-url and toolhive.stacklok.dev/registry-description are missing (both are required)',
    },
  ]);
  // The same workloads in any order give the same bytes (an unchanged catalog hashes the same).
  const again = discoveredDocument({
    MCPServer: [workload(exported, { image: 'x:v1.0.0' }, 'b')],
    MCPRemoteProxy: [workload(exported, {}, 'a'), workload(exported, {}, 'b')],
  });
  assert.equal(again.text, doc.text);
});

test('consent: the own namespace always; another only when its annotation lists the reader', () => {
  const reader = { namespace: 'team-a', name: 'catalog' };
  const k = 'toolhive.stacklok.io/discovery-readers';
  const cases: [string, Record<string, string> | undefined, boolean][] = [
    ['team-a', undefined, true],
    ['team-b', undefined, false],
    ['team-b', {}, false],
    ['team-b', { [k]: 'team-a' }, true],
    ['team-b', { [k]: 'team-c, team-a/catalog' }, true],
    ['team-b', { [k]: 'team-a/other' }, false],
    ['team-b', { [k]: '*' }, true],
    ['team-b', { [k]: 'team-ab' }, false],
  ];
  for (const [ns, annotations, want] of cases)
    assert.equal(discoveryAllowed(ns, annotations, reader), want, `${ns} ${JSON.stringify(annotations)}`);
  assert.deepEqual(sourceNamespaces(undefined, 'team-a'), ['team-a']);
  assert.deepEqual(sourceNamespaces([], 'team-a'), ['team-a']);
  assert.deepEqual(sourceNamespaces(['team-b', 'team-b', 'team-a'], 'team-a'), ['team-b', 'team-a']);
});
