/**
 * Which shard a registry belongs to: a stable hash of its namespace (FNV-1a, 32 bit) modulo the
 * shard count. By namespace, not by registry, so a namespace's registries (which read each other's
 * ConfigMaps and registryRefs) are reconciled by one replica, and stable across processes, versions
 * and Node releases, so every replica agrees without talking.
 */
export function shardOf(namespace: string, shards: number): number {
  if (shards <= 1) return 0;
  let h = 0x811c9dc5;
  for (const byte of new TextEncoder().encode(namespace)) {
    h ^= byte;
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h % shards;
}

/** The shard Lease names: `<prefix>-shard-<i>`, and the replica membership slots `<prefix>-member-<j>`. */
export function shardLeaseName(prefix: string, i: number): string {
  return `${prefix}-shard-${i}`;
}
export function memberLeaseName(prefix: string, j: number): string {
  return `${prefix}-member-${j}`;
}

/** The Lease name prefix from --lease-name: `mcp-registry-operator-leader` gives `mcp-registry-operator`. */
export function leasePrefix(leaseName: string): string {
  return leaseName.replace(/-leader$/, '');
}
