/** Tags from every publisher namespace, as ToolHive's registry server filters on them. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { publisherTags, serverJsonToToolhive } from '../../../src/registry/convert/upstream-to-toolhive.ts';

const server = (meta: object) => ({
  name: 'io.github.example/filesystem',
  description: 'Filesystem operations',
  version: '1.0.0',
  packages: [{ registryType: 'oci', identifier: 'docker.io/mcp/filesystem:1', transport: { type: 'stdio' } }],
  _meta: { 'io.modelcontextprotocol.registry/publisher-provided': meta },
});

test('tags of other publishers, for the same image, are the entry’s tags', () => {
  const s = server({
    'io.github.example': { 'docker.io/mcp/filesystem:1': { tags: ['filesystem', 'production'] } },
    'com.acme': {
      'docker.io/mcp/filesystem:1': { tags: ['production', 'approved'] },
      other: { tags: ['x'] },
    },
  });
  assert.deepEqual(publisherTags(s, 'docker.io/mcp/filesystem:1'), ['filesystem', 'production', 'approved']);
  const r = serverJsonToToolhive(s);
  assert.equal(r.kind, 'container');
  assert.deepEqual(r.kind === 'container' ? r.entry.tags : undefined, [
    'filesystem',
    'production',
    'approved',
  ]);
});

test('the ToolHive extension’s own tags win; no tags anywhere means none', () => {
  const s = server({
    'io.github.stacklok': {
      'docker.io/mcp/filesystem:1': { tier: 'Official', status: 'Active', tools: ['read'], tags: ['own'] },
    },
    'io.github.example': { 'docker.io/mcp/filesystem:1': { tags: ['theirs'] } },
  });
  const r = serverJsonToToolhive(s);
  assert.deepEqual(r.kind === 'container' ? r.entry.tags : undefined, ['own']);
  const bare = serverJsonToToolhive(
    server({ 'io.github.example': { 'docker.io/mcp/other:1': { tags: ['x'] } } }),
  );
  assert.equal(bare.kind === 'container' ? bare.entry.tags : 'wrong kind', undefined);
});
