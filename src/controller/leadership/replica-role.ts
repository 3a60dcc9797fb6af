/**
 * What this replica reconciles and when it may write, in the three modes main.ts runs in:
 * no election (one process, every registry), one leader Lease (--shards 1, the default: the leader
 * reconciles every registry, a replica that loses the Lease exits) and shard Leases (--shards > 1:
 * every replica runs its informers and reconciles the registries whose namespace hashes to a shard
 * it holds). Writes are guarded per shard: the reconcile in progress carries its namespace in an
 * async context, so the existing guard() calls deep in the write paths fence the right shard.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import { hostname } from 'node:os';
import { randomBytes } from 'node:crypto';
import type { Logger } from 'pino';
import type { KubeClient } from '../../kube/client.ts';
import { LeaderElector, NotLeaderError } from './leader-election.ts';
import { ShardElector } from './shard-elector.ts';
import { leasePrefix, shardOf } from './shard-of.ts';

export interface ReplicaRoleOptions {
  client: KubeClient;
  namespace: string;
  leaseName: string;
  leaderElect: boolean;
  shards: number;
  log: Logger;
}

export interface RoleHooks {
  /** Start informers and workers (at once with shards, on becoming leader with one Lease). */
  start: () => void;
  /** A shard became ours: queue every registry `inShard` accepts. */
  acquired: (inShard: (namespace: string) => boolean) => void;
  /** The single leader lost its Lease. */
  lost: () => void;
  /** Whether this replica holds any Lease (the is-leader gauge). */
  holding: (yes: boolean) => void;
}

export interface ReplicaRole {
  readonly sharded: boolean;
  /** Throws NotLeaderError unless this replica may write for the reconcile in progress. */
  guard: () => void;
  guardFor: (namespace: string) => void;
  owns: (namespace: string) => boolean;
  /** Runs a registry's reconcile in its namespace's context, or returns `skipped` if not ours. */
  reconcileAs: <T>(key: string, run: () => Promise<T>, skipped: T) => Promise<T>;
  run: (hooks: RoleHooks) => void;
  /** Appended to the readiness detail. */
  detail: () => string;
  stop: () => Promise<void>;
}

export function replicaRole(o: ReplicaRoleOptions): ReplicaRole {
  const identity = `${process.env.HOSTNAME || hostname()}_${randomBytes(4).toString('hex')}`;
  const log = o.log.child({ component: 'leader-election' });
  if (!o.leaderElect || o.shards <= 1) {
    const elector = o.leaderElect
      ? new LeaderElector(o.client, o.namespace, o.leaseName, identity, log)
      : undefined;
    const guard = elector ? elector.guard : () => {};
    return {
      sharded: false,
      guard,
      guardFor: () => guard(),
      owns: () => true,
      reconcileAs: (_key, run) => run(),
      run: (h) => (elector ? elector.run(h.start, h.lost) : h.start()),
      detail: () => '',
      stop: async () => elector?.stop(),
    };
  }
  const shards = o.shards;
  const elector = new ShardElector({
    client: o.client,
    namespace: o.namespace,
    prefix: leasePrefix(o.leaseName),
    shards,
    identity,
    log,
    onAcquired: (i) => hooks?.acquired((ns) => shardOf(ns, shards) === i),
    onHolding: (n) => hooks?.holding(n > 0),
  });
  let hooks: RoleHooks | undefined;
  const context = new AsyncLocalStorage<string>();
  const guardFor = (namespace: string) => {
    if (!elector.owns(namespace)) throw new NotLeaderError();
  };
  return {
    sharded: true,
    guard: () => {
      const ns = context.getStore();
      // Outside a reconcile there is no shard to write for: refuse.
      if (ns === undefined) throw new NotLeaderError();
      guardFor(ns);
    },
    guardFor,
    owns: (ns) => elector.owns(ns),
    reconcileAs: (key, run, skipped) => {
      const ns = key.slice(0, key.indexOf('/'));
      return elector.owns(ns) ? context.run(ns, run) : Promise.resolve(skipped);
    },
    run: (h) => {
      hooks = h;
      h.start();
      elector.run();
    },
    detail: () => `, holding shards [${elector.heldShards().join(',')}] of ${shards}`,
    stop: () => elector.stop(),
  };
}
