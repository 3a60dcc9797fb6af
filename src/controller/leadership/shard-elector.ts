/**
 * The shard Leases' loop (--shards > 1): once per retry period, one LIST of the Leases in the
 * operator's namespace, the pure plan of shard-plan.ts, then the renewals, acquisitions and releases
 * it names, each a compare-and-swap on the Lease's resourceVersion. Every Lease is judged with
 * lease.ts's decisions, so a shard is fenced like the single leader was: a write for a shard is
 * allowed only while our last successful renew of its Lease is younger than the renew deadline, which
 * is shorter than the lease, so a stalled (SIGSTOPped, partitioned) replica stops writing for a
 * shard before anyone else can take it, and a resumed one writes nothing for shards it lost.
 */
import type { Logger } from 'pino';
import { isStatus, type KubeClient } from '../../kube/client.ts';
import { decide, mayWrite, observe, DEFAULT_TIMINGS, type ElectorState, type LeaseSpec } from './lease.ts';
import type { LeaseTimings } from './lease.ts';
import { planShards, type Seen } from './shard-plan.ts';
import { memberLeaseName, shardLeaseName, shardOf } from './shard-of.ts';

const LEASES = { group: 'coordination.k8s.io', version: 'v1', plural: 'leases' } as const;

interface LeaseObject {
  metadata: {
    name: string;
    namespace?: string;
    resourceVersion?: string;
    annotations?: Record<string, string>;
  };
  spec?: LeaseSpec;
}

/** The shard count a shard Lease was written with: replicas of another count must not run alongside. */
export const SHARDS_ANNOTATION = 'toolhive.stacklok.io/shards';

export interface ShardElectorOptions {
  client: KubeClient;
  namespace: string;
  prefix: string;
  shards: number;
  identity: string;
  log: Logger;
  /** A shard became ours: its registries are queued again. */
  onAcquired: (shard: number) => void;
  /** How many shards we hold, after every round. */
  onHolding?: (held: number) => void;
  timings?: LeaseTimings;
  now?: () => number;
}

type Written = 'ok' | 'conflict' | 'error';

export class ShardElector {
  private readonly o: ShardElectorOptions;
  private readonly t: LeaseTimings;
  private readonly now: () => number;
  private readonly states = new Map<string, ElectorState>();
  private readonly held = new Set<number>();
  private member: string | undefined;
  private blocked = false;
  private stopped = false;
  private timer?: NodeJS.Timeout;

  constructor(o: ShardElectorOptions) {
    this.o = o;
    this.t = o.timings ?? DEFAULT_TIMINGS;
    this.now = o.now ?? Date.now;
  }

  /** Whether we may write for this namespace's registries now. */
  owns(namespace: string): boolean {
    const i = shardOf(namespace, this.o.shards);
    return this.held.has(i) && mayWrite(this.state(this.shardName(i)), this.now(), this.t);
  }

  heldShards(): number[] {
    return [...this.held].sort((a, b) => a - b);
  }

  run(): void {
    const tick = async () => {
      if (this.stopped) return;
      try {
        await this.round();
      } catch (e) {
        this.o.log.warn({ err: (e as Error).message }, 'shard lease round failed');
      }
      this.o.onHolding?.(this.held.size);
      if (!this.stopped) this.timer = setTimeout(() => void tick(), this.t.retryPeriodMs);
    };
    void tick();
  }

  private shardName(i: number): string {
    return shardLeaseName(this.o.prefix, i);
  }

  private state(name: string): ElectorState {
    return this.states.get(name) ?? { observedAt: 0 };
  }

  private lose(i: number, why: string): void {
    if (!this.held.delete(i)) return;
    this.o.log.warn({ shard: i, reason: why }, 'shard lost');
  }

  private async round(): Promise<void> {
    const now = this.now();
    // A shard whose renewals lapsed (we were stopped or cut off) is dropped before anything else.
    for (const i of this.held)
      if (!mayWrite(this.state(this.shardName(i)), now, this.t)) this.lose(i, 'lapsed');
    const { items } = await this.o.client.list<LeaseObject>({ ...LEASES, namespace: this.o.namespace });
    const byName = new Map(items.map((l) => [l.metadata.name, l]));
    const see = (name: string, lease = byName.get(name)): Seen => {
      const st = observe(this.state(name), lease?.spec, now);
      this.states.set(name, st);
      if ((lease?.spec?.holderIdentity ?? '') === this.o.identity) return 'mine';
      return decide(this.o.identity, st, lease?.spec, now, this.t).kind === 'wait' ? 'other' : 'free';
    };
    const all = Array.from({ length: this.o.shards }, (_, i) => i);
    // Another layout: the single leader's Lease, or a shard Lease of another count (any index).
    const foreign = items.filter(
      (l) =>
        l.metadata.name === `${this.o.prefix}-leader` ||
        (l.metadata.name.startsWith(`${this.o.prefix}-shard-`) &&
          l.metadata.annotations?.[SHARDS_ANNOTATION] !== String(this.o.shards)),
    );
    const blocking = foreign.filter((l) => see(l.metadata.name, l) === 'other').map((l) => l.metadata.name);
    if (blocking.length && !this.blocked)
      this.o.log.warn(
        { leases: blocking },
        'another shard layout holds Leases: taking no shard until they lapse',
      );
    this.blocked = blocking.length > 0;
    const plan = planShards({
      shards: all.map((i) => see(this.shardName(i))),
      members: all.map((j) => see(memberLeaseName(this.o.prefix, j))),
      blocked: this.blocked,
    });
    for (const i of this.held)
      if (!plan.renew.includes(i)) this.lose(i, plan.release.includes(i) ? 'above fair share' : 'taken');
    const member = plan.member === undefined ? undefined : memberLeaseName(this.o.prefix, plan.member);
    await Promise.all([
      ...[...plan.renew, ...plan.acquire].map(async (i) => {
        const name = this.shardName(i);
        const w = await this.write(name, byName.get(name), now);
        if (w === 'conflict') this.lose(i, 'taken');
        if (w !== 'ok' || this.held.has(i)) return;
        this.held.add(i);
        this.o.log.info({ shard: i, identity: this.o.identity, fairShare: plan.fairShare }, 'shard acquired');
        this.o.onAcquired(i);
      }),
      ...plan.release.map((i) => this.release(byName.get(this.shardName(i)))),
      ...plan.releaseMembers.map((j) => this.release(byName.get(memberLeaseName(this.o.prefix, j)))),
      member
        ? this.write(member, byName.get(member), now).then((w) => w === 'ok' && (this.member = member))
        : null,
    ]);
  }

  private async write(name: string, lease: LeaseObject | undefined, now: number): Promise<Written> {
    const action = decide(this.o.identity, this.state(name), lease?.spec, now, this.t);
    if (action.kind === 'wait') return 'conflict';
    const ref = { ...LEASES, namespace: this.o.namespace };
    const metadata = {
      name,
      namespace: this.o.namespace,
      annotations: { ...lease?.metadata.annotations, [SHARDS_ANNOTATION]: String(this.o.shards) },
    };
    try {
      if (action.kind === 'create') await this.o.client.create(ref, { metadata, spec: action.spec });
      else
        await this.o.client.replace(
          { ...ref, name },
          { metadata: { ...metadata, resourceVersion: lease?.metadata.resourceVersion }, spec: action.spec },
        );
      this.states.set(name, { ...this.state(name), lastRenewAt: now });
      return 'ok';
    } catch (e) {
      if (isStatus(e, 409)) return 'conflict';
      this.o.log.warn({ lease: name, err: (e as Error).message }, 'lease update failed');
      return 'error';
    }
  }

  /** Writes a Lease of ours free (holder '', 1 s) so a successor need not wait for it to lapse. */
  private async release(lease: LeaseObject | undefined): Promise<void> {
    if (!lease?.spec || lease.spec.holderIdentity !== this.o.identity) return;
    try {
      await this.o.client.replace(
        { ...LEASES, namespace: this.o.namespace, name: lease.metadata.name },
        {
          metadata: { ...lease.metadata, namespace: this.o.namespace },
          spec: { ...lease.spec, holderIdentity: '', leaseDurationSeconds: 1 },
        },
      );
      this.o.log.info({ lease: lease.metadata.name }, 'lease released');
    } catch (e) {
      this.o.log.warn({ lease: lease.metadata.name, err: (e as Error).message }, 'cannot release the lease');
    }
  }

  /** Stops renewing and gives back every Lease we hold. */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    const mine = this.heldShards().map((i) => this.shardName(i));
    this.held.clear();
    if (this.member) mine.push(this.member);
    await Promise.all(
      mine.map(async (name) =>
        this.release(
          await this.o.client
            .find<LeaseObject>({ ...LEASES, namespace: this.o.namespace, name })
            .catch(() => undefined),
        ),
      ),
    );
  }
}
