/**
 * A hostile tenant's workloads cannot fill catalogs or the controller's cache: over 64 KiB of ToolHive
 * annotations a workload is skipped, named with its size, and the cache keeps only that size.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  ANNOTATIONS,
  entryFromWorkload,
  MAX_EXPORT_ANNOTATION_BYTES,
  type WorkloadObject,
} from '../../../src/registry/discovery/index.ts';
import { project } from '../../../src/controller/discovery/workload-informers.ts';

const base = {
  [ANNOTATIONS.export]: 'true',
  [ANNOTATIONS.url]: 'https://x.example.com/mcp',
  [ANNOTATIONS.description]: 'x',
};
const w = (extra: Record<string, string>): WorkloadObject => ({
  metadata: {
    name: 'big',
    namespace: 'tenant',
    uid: 'u',
    annotations: { ...base, ...extra, other: 'kept out' },
  },
  spec: { image: 'i:1.0.0' },
});

test('just under the limit is an entry; over it, a skip naming the size', () => {
  const fixed = Object.entries(base).reduce((n, [k, v]) => n + k.length + v.length, 0);
  const key = ANNOTATIONS.toolDefinitions;
  // A JSON array of one string, exactly `bytes` of annotations in all.
  const fill = (bytes: number) => `["${'a'.repeat(bytes - fixed - key.length - 4)}"]`;
  const under = w({ [key]: fill(MAX_EXPORT_ANNOTATION_BYTES) });
  assert.ok('entry' in entryFromWorkload('MCPServer', under));
  const over = w({ [key]: fill(MAX_EXPORT_ANNOTATION_BYTES + 1) });
  assert.deepEqual(entryFromWorkload('MCPServer', over), {
    skipped: {
      workload: 'MCPServer tenant/big',
      reason: `its toolhive.stacklok.dev/ annotations hold ${MAX_EXPORT_ANNOTATION_BYTES + 1} bytes, more than the 65536 one catalog entry may take`,
    },
  });
  // The cache keeps the export flag and the size only, and the mapping says the same from it.
  const cached = project(over);
  assert.deepEqual(cached.metadata.annotations, {
    [ANNOTATIONS.export]: 'true',
    'toolhive.stacklok.io/discovery-oversize': String(MAX_EXPORT_ANNOTATION_BYTES + 1),
  });
  assert.deepEqual(entryFromWorkload('MCPServer', cached), entryFromWorkload('MCPServer', over));
  // Under the limit the cache keeps ToolHive's annotations and nothing else.
  assert.deepEqual(
    Object.keys(project(under).metadata.annotations ?? {}).sort(),
    [...Object.keys(base), key].sort(),
  );
});
