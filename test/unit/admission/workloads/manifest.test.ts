/** The manifest builder (thv registry manifest, the catalog's "Kubernetes" snippet): per kind and generation. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { formatFieldErrors } from '../../../../src/api/field-error.ts';
import { workloadManifest, workloadName } from '../../../../src/admission/workloads/index.ts';
import { servedSchemas } from './fields.ts';
import { toolhiveIndex, upstreamIndex } from './catalogs.ts';

test('workloadName: a DNS label from the entry name', () => {
  const table: [string, string][] = [
    ['fetch', 'fetch'],
    ['io.github.acme/weather', 'weather'],
    ['io.github.acme/Some_Thing.v2', 'some-thing-v2'],
    ['io.github.acme/___', 'mcp-server'],
  ];
  for (const [entry, want] of table) assert.equal(workloadName(entry), want, entry);
});

for (const s of servedSchemas().filter((x) => x.kind !== 'MCPGroup')) {
  test(`${s.kind} ${s.generation} ${s.version}: annotations, required fields, resolved fields`, () => {
    const image = s.kind === 'MCPServer';
    const r = workloadManifest({
      registry: image ? 'corp' : 'public',
      server: image ? 'fetch' : 'search',
      index: image ? toolhiveIndex() : upstreamIndex(),
      kind: s.kind as 'MCPServer',
      namespace: 'team-a',
      apiVersion: `toolhive.stacklok.dev/${s.version}`,
      fields: s.fields,
    });
    assert.ok('manifest' in r);
    const m = r.manifest as { metadata: Record<string, unknown>; spec: Record<string, unknown> };
    assert.deepEqual(m.metadata, {
      name: image ? 'fetch' : 'search',
      namespace: 'team-a',
      annotations: {
        'toolhive.stacklok.io/registry': image ? 'corp' : 'public',
        'toolhive.stacklok.io/server': image ? 'fetch' : 'io.github.acme/search',
      },
    });
    if (image) assert.equal(m.spec.image, 'ghcr.io/stackloklabs/gofetch/server:1.0.1');
    else {
      assert.equal(
        m.spec[s.fields.has('remoteURL') ? 'remoteURL' : 'remoteUrl'],
        'https://search.acme.example/sse',
      );
      assert.equal(m.spec.transport, 'sse');
    }
    if (s.kind === 'MCPServerEntry') assert.deepEqual(m.spec.groupRef, { name: 'default' });
    assert.equal('oidcConfig' in m.spec, s.kind === 'MCPRemoteProxy' && s.generation === '2025-10-31');
  });
}

test('default kind follows the entry; a pinned version is annotated; errors are resolution errors', () => {
  const remote = workloadManifest({ registry: 'corp', server: 'atlassian', index: toolhiveIndex() });
  assert.ok('manifest' in remote && remote.manifest.kind === 'MCPRemoteProxy');
  const pinned = workloadManifest({
    registry: 'public',
    server: 'io.github.acme/weather',
    version: '2.1.0',
    index: upstreamIndex(),
  });
  assert.ok('manifest' in pinned);
  assert.equal(
    (pinned.manifest.metadata as { annotations: Record<string, string> }).annotations[
      'toolhive.stacklok.io/server-version'
    ],
    '2.1.0',
  );
  const bad = workloadManifest({ registry: 'corp', server: 'fecth', index: toolhiveIndex() });
  assert.ok('errors' in bad);
  assert.equal(
    formatFieldErrors(bad.errors),
    'metadata.annotations[toolhive.stacklok.io/server]: Invalid value: "fecth": no server "fecth" in MCPRegistry "corp"; closest: fetch',
  );
});
