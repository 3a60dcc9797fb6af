/**
 * Leader election on a coordination.k8s.io/v1 Lease, driving the pure decisions in lease.ts.
 * Writes are allowed only while mayWrite() holds: the last successful renew is younger than the
 * renew deadline, which is shorter than the lease, so a stalled leader stops writing before anyone
 * else can take over.
 */
import type { Logger } from 'pino';
import { isStatus, type KubeClient } from '../../kube/client.ts';
import {
  decide,
  mayWrite,
  observe,
  DEFAULT_TIMINGS,
  type ElectorState,
  type LeaseSpec,
  type LeaseTimings,
} from './lease.ts';

const LEASES = { group: 'coordination.k8s.io', version: 'v1', plural: 'leases' } as const;

interface LeaseObject {
  metadata: { name: string; namespace: string; resourceVersion?: string };
  spec?: LeaseSpec;
}

export class NotLeaderError extends Error {
  constructor() {
    super('not the leader: refusing to write');
    this.name = 'NotLeaderError';
  }
}

export class LeaderElector {
  private state: ElectorState = { observedAt: 0 };
  private leading = false;
  private stopped = false;
  private timer?: NodeJS.Timeout;
  private readonly client: KubeClient;
  private readonly namespace: string;
  private readonly name: string;
  readonly identity: string;
  private readonly log: Logger;
  private readonly timings: LeaseTimings;
  private readonly now: () => number;

  constructor(
    client: KubeClient,
    namespace: string,
    name: string,
    identity: string,
    log: Logger,
    timings: LeaseTimings = DEFAULT_TIMINGS,
    now = Date.now,
  ) {
    this.client = client;
    this.namespace = namespace;
    this.name = name;
    this.identity = identity;
    this.log = log;
    this.timings = timings;
    this.now = now;
  }

  mayWrite(): boolean {
    return this.leading && mayWrite(this.state, this.now(), this.timings);
  }

  guard = (): void => {
    if (!this.mayWrite()) throw new NotLeaderError();
  };

  /** Runs until stopped; calls onStarted once when leadership is first acquired, onLost when it is lost. */
  run(onStarted: () => void, onLost: () => void): void {
    const tick = async () => {
      if (this.stopped) return;
      const t0 = this.now();
      try {
        await this.tryAcquireOrRenew(t0);
      } catch (e) {
        this.log.warn({ err: (e as Error).message }, 'lease update failed');
      }
      if (this.leading && !mayWrite(this.state, this.now(), this.timings)) {
        this.leading = false;
        this.log.error({ lease: `${this.namespace}/${this.name}` }, 'leader election lost');
        onLost();
        return;
      }
      if (this.leading && !this.wasStarted) {
        this.wasStarted = true;
        this.log.info({ identity: this.identity }, 'became leader');
        onStarted();
      }
      this.timer = setTimeout(() => void tick(), this.timings.retryPeriodMs);
    };
    void tick();
  }

  private wasStarted = false;

  private async tryAcquireOrRenew(now: number): Promise<void> {
    const lease = await this.client.find<LeaseObject>({
      ...LEASES,
      namespace: this.namespace,
      name: this.name,
    });
    this.state = observe(this.state, lease?.spec, now);
    const action = decide(this.identity, this.state, lease?.spec, now, this.timings);
    if (action.kind === 'wait') return;
    try {
      if (action.kind === 'create')
        await this.client.create(
          { ...LEASES, namespace: this.namespace },
          { metadata: { name: this.name, namespace: this.namespace }, spec: action.spec },
        );
      else
        await this.client.replace(
          { ...LEASES, namespace: this.namespace, name: this.name },
          {
            metadata: {
              name: this.name,
              namespace: this.namespace,
              resourceVersion: lease?.metadata.resourceVersion,
            },
            spec: action.spec,
          },
        );
      this.state = { ...this.state, lastRenewAt: now };
      this.leading = true;
    } catch (e) {
      if (isStatus(e, 409)) return; // someone else wrote first: re-read next tick
      throw e;
    }
  }

  /** Stops renewing; releases the lease so a successor need not wait for it to expire. */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    if (!this.leading) return;
    this.leading = false;
    try {
      const lease = await this.client.get<LeaseObject>({
        ...LEASES,
        namespace: this.namespace,
        name: this.name,
      });
      if (lease.spec?.holderIdentity !== this.identity) return;
      await this.client.replace(
        { ...LEASES, namespace: this.namespace, name: this.name },
        {
          metadata: {
            name: this.name,
            namespace: this.namespace,
            resourceVersion: lease.metadata.resourceVersion,
          },
          spec: { ...lease.spec, holderIdentity: '', leaseDurationSeconds: 1 },
        },
      );
    } catch (e) {
      this.log.warn({ err: (e as Error).message }, 'cannot release the lease');
    }
  }
}
