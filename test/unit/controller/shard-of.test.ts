import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  leasePrefix,
  memberLeaseName,
  shardLeaseName,
  shardOf,
} from '../../../src/controller/leadership/shard-of.ts';

// FNV-1a 32-bit reference vectors (the FNV authors' test suite); a modulus of 2^32 shows the raw hash.
for (const [ns, hash] of [
  ['', 0x811c9dc5],
  ['a', 0xe40c292c],
  ['foobar', 0xbf9cf968],
] as const)
  test(`the namespace hash is FNV-1a: "${ns}"`, () => assert.equal(shardOf(ns, 2 ** 32), hash));

// The hash of each namespace, computed independently (Python, FNV-1a over the UTF-8 bytes).
for (const [ns, shards, shard] of [
  ['team-a', 1, 0],
  ['team-a', 0, 0],
  ['team-a', 16, 0x26db73d6 % 16],
  ['a', 2, 0xe40c292c % 2],
  ['foobar', 3, 0xbf9cf968 % 3],
  ['kube-system', 256, 0xa275975e % 256],
  // UTF-8 bytes (c3 a9), not UTF-16 code units: every runtime agrees.
  ['é', 7, 0x1e9de8c1 % 7],
] as const)
  test(`shardOf("${ns}", ${shards}) = ${shard}`, () => assert.equal(shardOf(ns, shards), shard));

test('namespaces spread over the shards', () => {
  const counts = new Array<number>(8).fill(0);
  for (let i = 0; i < 8000; i++) counts[shardOf(`team-${i}`, 8)]! += 1;
  for (const c of counts) assert.ok(c > 800 && c < 1200, `shard sizes ${counts.join(',')}`);
});

test('Lease names: <prefix>-shard-<i> and <prefix>-member-<j>, the prefix from --lease-name', () => {
  assert.equal(leasePrefix('mcp-registry-operator-leader'), 'mcp-registry-operator');
  assert.equal(leasePrefix('custom'), 'custom');
  assert.equal(shardLeaseName('mcp-registry-operator', 3), 'mcp-registry-operator-shard-3');
  assert.equal(memberLeaseName('mcp-registry-operator', 0), 'mcp-registry-operator-member-0');
});
