/**
 * The catalog page's "Kubernetes" snippet (SPEC §11): the same manifest `thv registry manifest` builds
 * for the entry, from the two shapes the registry API serves it in; none for servers ToolHive cannot run.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parse } from 'yaml';
import { kubernetesManifest } from '../../../src/ui/core/kubernetes.ts';
import { TOOLHIVE_DOC, UPSTREAM_DOC } from '../admission/workloads/catalogs.ts';

test('container entry: an MCPServer with the annotations and the resolved fields', () => {
  const yaml = kubernetesManifest({
    registry: 'corp',
    name: 'fetch',
    upstreamName: 'io.github.stacklok/fetch',
    version: '1.0.0',
    toolhive: { name: 'fetch', ...TOOLHIVE_DOC.servers.fetch },
  });
  assert.deepEqual(parse(yaml ?? ''), {
    apiVersion: 'toolhive.stacklok.dev/v1beta1',
    kind: 'MCPServer',
    metadata: {
      name: 'fetch',
      annotations: { 'toolhive.stacklok.io/registry': 'corp', 'toolhive.stacklok.io/server': 'fetch' },
    },
    spec: {
      image: 'ghcr.io/stackloklabs/gofetch/server:1.0.1',
      transport: 'streamable-http',
      mcpPort: 8080,
      args: ['--max-bytes', '1000000'],
      env: [{ name: 'USER_AGENT', value: 'gofetch' }],
      permissionProfile: { type: 'builtin', name: 'network' },
    },
  });
});

test('remote entry from upstream data: an MCPRemoteProxy', () => {
  const upstream = UPSTREAM_DOC[2] as Record<string, unknown>;
  const yaml = kubernetesManifest({
    registry: 'public',
    name: 'io.github.acme/search',
    upstreamName: 'io.github.acme/search',
    version: '1.4.0',
    toolhive: { name: 'io.github.acme/search', url: 'https://search.acme.example/sse', transport: 'sse' },
    upstream,
  });
  const m = parse(yaml ?? '') as { kind: string; metadata: { name: string }; spec: Record<string, unknown> };
  assert.equal(m.kind, 'MCPRemoteProxy');
  assert.equal(m.metadata.name, 'search');
  assert.deepEqual(m.spec, { remoteUrl: 'https://search.acme.example/sse', transport: 'sse' });
});

test('a server ToolHive cannot run has no snippet', () => {
  const upstream = UPSTREAM_DOC[3] as Record<string, unknown>;
  assert.equal(
    kubernetesManifest({
      registry: 'public',
      name: 'io.github.acme/npm-only',
      upstreamName: 'io.github.acme/npm-only',
      upstream,
    }),
    undefined,
  );
});
