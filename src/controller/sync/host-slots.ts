/**
 * Fetch slots (SPEC §8 "Bounded work", §18 "Fair across tenants"): at most one sync in flight per
 * source host, and at most `perNamespace` syncs with remote sources in flight per namespace. A
 * registry that cannot get its slots does not wait on a worker: it is requeued, so a drip-feeding
 * server holds at most one worker and one tenant cannot occupy them all. It is also remembered as a
 * waiter, and the release that frees what it waited for wakes it (`onFree`).
 *
 * A freed host goes to the waiting namespace served longest ago on that host (round-robin between
 * namespaces; first come first served within one), and is held for that waiter (its turn) until it
 * asks again: otherwise the requeue timers of one tenant's many waiters would win the host from
 * another tenant's single waiter every time, and eight slow registries of one namespace would queue
 * a ninth namespace's registry behind all of them.
 */
export class HostSlots {
  private readonly hosts = new Map<string, string>();
  private readonly namespaces = new Map<string, number>();
  private readonly held = new Map<string, { namespace: string; hosts: string[] }>();
  /** Waiters, each with what it was refused for and when it first asked (kept while woken). */
  private readonly waiting = new Map<string, { namespace: string; hosts: string[]; seq: number }>();
  private readonly arrived = new Map<string, number>();
  /** A free host promised to the waiter a release woke for it, until when. */
  private readonly turns = new Map<string, { key: string; until: number }>();
  /** Per host, when each namespace last took it (a counter, not a clock); pruned with the host's waiters. */
  private readonly served = new Map<string, Map<string, number>>();
  private tick = 0;
  private readonly perNamespace: number;
  private readonly onFree: (keys: string[]) => void;
  private readonly turnMs: number;
  private readonly now: () => number;

  /**
   * A turn lapses after `turnMs` (a woken registry that no longer syncs, or never asks again, must
   * not hold a host from everyone); the requeue of every waiter (SLOT_RETRY_MS) is of the same order.
   */
  constructor(
    perNamespace: number,
    onFree: (keys: string[]) => void = () => {},
    o: { turnMs?: number; now?: () => number } = {},
  ) {
    this.perNamespace = Math.max(1, perNamespace);
    this.onFree = onFree;
    this.turnMs = o.turnMs ?? 10_000;
    this.now = o.now ?? Date.now;
  }

  /** Takes every slot key needs, or none; true when taken. A key without hosts needs none. */
  tryAcquire(key: string, namespace: string, hosts: string[]): boolean {
    if (hosts.length === 0) {
      this.forget(key);
      return true;
    }
    const inNs = this.namespaces.get(namespace) ?? 0;
    const busy = (h: string) => {
      const turn = this.turns.get(h);
      if (turn && turn.until <= this.now()) this.turns.delete(h);
      else if (turn && turn.key !== key) return true;
      return this.hosts.has(h);
    };
    if (this.held.has(key) || hosts.some(busy) || inNs >= this.perNamespace) {
      if (!this.waiting.has(key)) {
        // A woken key that asks again keeps its place in line.
        const seq = this.arrived.get(key) ?? ++this.tick;
        this.arrived.set(key, seq);
        this.waiting.set(key, { namespace, hosts, seq });
      }
      // A turn not taken (the namespace is at its cap, or another host is busy) is given up: the host
      // is free for whoever asks next rather than held for a key that cannot use it.
      for (const [h, t] of this.turns) if (t.key === key) this.turns.delete(h);
      return false;
    }
    this.forget(key);
    for (const h of hosts) {
      this.hosts.set(h, key);
      const seen = this.served.get(h) ?? new Map<string, number>();
      seen.set(namespace, ++this.tick);
      this.served.set(h, seen);
    }
    this.namespaces.set(namespace, inNs + 1);
    this.held.set(key, { namespace, hosts });
    return true;
  }

  release(key: string): void {
    const h = this.held.get(key);
    if (!h) return;
    this.held.delete(key);
    for (const host of h.hosts) if (this.hosts.get(host) === key) this.hosts.delete(host);
    const n = (this.namespaces.get(h.namespace) ?? 1) - 1;
    if (n > 0) this.namespaces.set(h.namespace, n);
    else this.namespaces.delete(h.namespace);
    // Wake the next waiter of each freed host (round-robin between namespaces) and the first of the
    // freed namespace; a woken key that still cannot start registers again and a later release wakes it.
    const wake = new Set<string>();
    for (const host of h.hosts) {
      const next = this.nextFor(host, wake);
      if (next) {
        wake.add(next);
        this.turns.set(host, { key: next, until: this.now() + this.turnMs });
      } else if (!this.hosts.has(host)) this.served.delete(host);
    }
    let first: [string, number] | undefined;
    for (const [k, w] of this.waiting)
      if (w.namespace === h.namespace && !wake.has(k) && (!first || w.seq < first[1])) first = [k, w.seq];
    if (first) wake.add(first[0]);
    for (const k of wake) this.waiting.delete(k);
    if (wake.size) this.onFree([...wake]);
  }

  /** The waiter for host whose namespace took host longest ago (never: first), earliest within it. */
  private nextFor(host: string, skip: Set<string>): string | undefined {
    const seen = this.served.get(host);
    let best: { key: string; at: number; seq: number } | undefined;
    for (const [k, w] of this.waiting) {
      if (skip.has(k) || !w.hosts.includes(host)) continue;
      const at = seen?.get(w.namespace) ?? 0;
      if (!best || at < best.at || (at === best.at && w.seq < best.seq)) best = { key: k, at, seq: w.seq };
    }
    return best?.key;
  }

  /** Forgets a waiter (its registry was deleted). */
  forget(key: string): void {
    this.waiting.delete(key);
    this.arrived.delete(key);
    for (const [h, t] of this.turns) if (t.key === key) this.turns.delete(h);
  }

  /** Who holds host now (for the log line of a registry that waits). */
  holder(host: string): string | undefined {
    return this.hosts.get(host);
  }

  /** Keys waiting for a slot, in arrival order. */
  waiters(): string[] {
    return [...this.waiting].sort(([, a], [, b]) => a.seq - b.seq).map(([k]) => k);
  }
}
