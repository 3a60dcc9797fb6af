/**
 * The ToolHive CRD helper installs each generation unchanged into the real apiserver, and ToolHive's
 * schema is what it is: an MCPServer without `image` is refused by the apiserver itself when nothing
 * of ours mutates it (the baseline the resolution tests build on).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createNamespace, kubectl } from '../../support/cluster.ts';
import { installToolhiveCrds, TOOLHIVE_GENERATIONS } from '../../support/toolhive-crds.ts';

for (const generation of TOOLHIVE_GENERATIONS)
  test(`ToolHive CRDs ${generation}: installed unchanged, served, schema enforced`, async () => {
    const kinds = await installToolhiveCrds(generation);
    const names = kinds.map((k) => k.kind).sort();
    assert.deepEqual(
      names,
      generation === '2025-10-31'
        ? ['MCPGroup', 'MCPRemoteProxy', 'MCPServer']
        : ['MCPGroup', 'MCPRemoteProxy', 'MCPServer', 'MCPServerEntry'],
    );
    const ns = await createNamespace('thvcrd');
    const ok = kubectl(['apply', '-n', ns, '-f', '-'], {
      apiVersion: 'toolhive.stacklok.dev/v1alpha1',
      kind: 'MCPServer',
      metadata: { name: 'fetch' },
      spec: { image: 'ghcr.io/stackloklabs/gofetch/server:1.0.1' },
    });
    assert.equal(ok.code, 0, ok.stderr);
    const bad = kubectl(['apply', '-n', ns, '-f', '-'], {
      apiVersion: 'toolhive.stacklok.dev/v1alpha1',
      kind: 'MCPServer',
      metadata: { name: 'no-image' },
      spec: { transport: 'stdio' },
    });
    assert.notEqual(bad.code, 0);
    assert.match(bad.stderr, /spec\.image: Required value/);
  });
