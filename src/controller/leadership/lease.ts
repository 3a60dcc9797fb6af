/**
 * Leader election decisions as pure functions over an injected clock (table-tested). The I/O loop
 * is in leader-election.ts. As in client-go, a candidate measures a holder's lease from the moment
 * it observed the record change on its own clock, never from the holder's renewTime (clocks skew).
 */

export interface LeaseTimings {
  leaseDurationMs: number;
  renewDeadlineMs: number;
  retryPeriodMs: number;
}

export const DEFAULT_TIMINGS: LeaseTimings = {
  leaseDurationMs: 15_000,
  renewDeadlineMs: 10_000,
  retryPeriodMs: 2_000,
};

/** coordination.k8s.io/v1 LeaseSpec, as JSON. */
export interface LeaseSpec {
  holderIdentity?: string;
  leaseDurationSeconds?: number;
  acquireTime?: string;
  renewTime?: string;
  leaseTransitions?: number;
}

export interface ElectorState {
  /** The last lease record seen (serialised, to detect changes) and when we first saw it. */
  observedRecord?: string;
  observedAt: number;
  /** When our last successful acquire/renew request was sent. */
  lastRenewAt?: number;
}

export type LeaseAction =
  | { kind: 'create'; spec: LeaseSpec }
  | { kind: 'update'; spec: LeaseSpec }
  | { kind: 'wait'; holder: string };

function micro(now: number): string {
  // MicroTime: RFC 3339 with microseconds.
  return new Date(now).toISOString().replace(/\.(\d{3})Z$/, '.$1000Z');
}

/** Records the lease we just read; returns the new state (observedAt moves only on change). */
export function observe(state: ElectorState, current: LeaseSpec | undefined, now: number): ElectorState {
  const record = JSON.stringify(current ?? null);
  if (record === state.observedRecord) return state;
  return { ...state, observedRecord: record, observedAt: now };
}

/** What to do with the lease we read (after observe()). */
export function decide(
  identity: string,
  state: ElectorState,
  current: LeaseSpec | undefined,
  now: number,
  t: LeaseTimings,
): LeaseAction {
  const durationSeconds = Math.ceil(t.leaseDurationMs / 1000);
  if (!current) {
    return {
      kind: 'create',
      spec: {
        holderIdentity: identity,
        leaseDurationSeconds: durationSeconds,
        acquireTime: micro(now),
        renewTime: micro(now),
        leaseTransitions: 0,
      },
    };
  }
  const holder = current.holderIdentity ?? '';
  if (holder === identity) {
    return {
      kind: 'update',
      spec: { ...current, leaseDurationSeconds: durationSeconds, renewTime: micro(now) },
    };
  }
  const heldMs = (current.leaseDurationSeconds ?? durationSeconds) * 1000;
  if (holder !== '' && now < state.observedAt + heldMs) return { kind: 'wait', holder };
  return {
    kind: 'update',
    spec: {
      holderIdentity: identity,
      leaseDurationSeconds: durationSeconds,
      acquireTime: micro(now),
      renewTime: micro(now),
      leaseTransitions: (current.leaseTransitions ?? 0) + 1,
    },
  };
}

/**
 * Whether we may write now: our last successful renew was sent less than the renew deadline ago.
 * The deadline is shorter than the lease, so a leader that cannot renew (partitioned, paused,
 * SIGSTOPped) stops writing before any other candidate could take the lease.
 */
export function mayWrite(state: ElectorState, now: number, t: LeaseTimings): boolean {
  return state.lastRenewAt !== undefined && now - state.lastRenewAt < t.renewDeadlineMs;
}
