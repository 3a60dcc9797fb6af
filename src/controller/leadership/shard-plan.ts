/**
 * Which shard Leases a replica takes, keeps and gives back: a pure decision over what it read (each
 * Lease is ours, another live replica's, or free: absent, released or lapsed on our own clock), made
 * once per retry period. Table-tested in test/unit/controller/shard-plan.test.ts.
 *
 * Live replicas are counted from membership Leases: every replica holds exactly one of `shards`
 * member slots (`<prefix>-member-<j>`, renewed like a shard Lease), so a replica that holds no shard
 * yet is still counted and the others give up shards for it. A replica's fair share is
 * ceil(shards / live replicas); it never holds more, gives back its highest-numbered excess
 * (so a newcomer can take them), and takes free shards lowest-numbered first up to its share, which
 * picks up a dead replica's shards once its member and shard Leases lapse.
 *
 * Blocked (another layout is live: the single leader's Lease, or a shard Lease written with another
 * shard count, as during a rolling change of --shards) it takes nothing, so replicas hashing
 * namespaces differently never write at once; it keeps what it holds, so one layout always runs.
 */

export type Seen = 'mine' | 'other' | 'free';

export interface ShardView {
  /** The shard Leases, by shard index. */
  shards: Seen[];
  /** The member slots, by slot index (as many as shards). */
  members: Seen[];
  /** A live Lease of another layout exists (see above). */
  blocked?: boolean;
}

export interface ShardPlan {
  /** Shard Leases to renew (ours, kept) or acquire (free, taken), ascending. */
  renew: number[];
  acquire: number[];
  /** Ours, given back: written free so another replica need not wait for them to lapse. */
  release: number[];
  /** The member slot to renew or acquire (undefined: none free, more replicas than shards). */
  member?: number;
  /** Member slots held twice (a race we won twice): given back. */
  releaseMembers: number[];
  fairShare: number;
}

const indexes = (seen: Seen[], what: Seen) => seen.flatMap((s, i) => (s === what ? [i] : []));

export function planShards(view: ShardView): ShardPlan {
  const count = view.shards.length;
  const ourMembers = indexes(view.members, 'mine');
  const member = ourMembers[0] ?? indexes(view.members, 'free')[0];
  const others = indexes(view.members, 'other').length;
  const fairShare = Math.ceil(count / (others + 1));
  const ours = indexes(view.shards, 'mine');
  const renew = ours.slice(0, fairShare);
  const release = ours.slice(fairShare);
  const acquire = view.blocked
    ? []
    : indexes(view.shards, 'free').slice(0, Math.max(0, fairShare - renew.length));
  return {
    renew,
    acquire,
    release,
    ...(member !== undefined && { member }),
    releaseMembers: ourMembers.slice(1),
    fairShare,
  };
}
