/**
 * Fetch slots (SPEC §8 "Bounded work"): at most one sync in flight per source host, and at most
 * `perNamespace` syncs with remote sources in flight per namespace. A registry that cannot get its
 * slots does not wait on a worker: it is requeued, so a drip-feeding server holds at most one worker
 * and one tenant cannot occupy them all. It is also remembered as a waiter, and the release that frees
 * what it waited for wakes it (`onFree`), first come first served, so hundreds of registries on one
 * popular host (github.com) take turns without polling.
 */
export class HostSlots {
  private readonly hosts = new Map<string, string>();
  private readonly namespaces = new Map<string, number>();
  private readonly held = new Map<string, { namespace: string; hosts: string[] }>();
  /** Waiters in arrival order, each with what it was refused for. */
  private readonly waiting = new Map<string, { namespace: string; hosts: string[] }>();
  private readonly perNamespace: number;
  private readonly onFree: (keys: string[]) => void;

  constructor(perNamespace: number, onFree: (keys: string[]) => void = () => {}) {
    this.perNamespace = Math.max(1, perNamespace);
    this.onFree = onFree;
  }

  /** Takes every slot key needs, or none; true when taken. A key without hosts needs none. */
  tryAcquire(key: string, namespace: string, hosts: string[]): boolean {
    if (hosts.length === 0) return true;
    const inNs = this.namespaces.get(namespace) ?? 0;
    if (this.held.has(key) || hosts.some((h) => this.hosts.has(h)) || inNs >= this.perNamespace) {
      if (!this.waiting.has(key)) this.waiting.set(key, { namespace, hosts });
      return false;
    }
    this.waiting.delete(key);
    for (const h of hosts) this.hosts.set(h, key);
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
    // Wake the first waiter of each freed host and the first of the freed namespace; a woken key
    // that still cannot start registers again and is woken by a later release.
    const wake = new Set<string>();
    for (const host of h.hosts) {
      const first = [...this.waiting].find(([, w]) => w.hosts.includes(host));
      if (first) wake.add(first[0]);
    }
    const sameNs = [...this.waiting].find(([k, w]) => w.namespace === h.namespace && !wake.has(k));
    if (sameNs) wake.add(sameNs[0]);
    for (const k of wake) this.waiting.delete(k);
    if (wake.size) this.onFree([...wake]);
  }

  /** Forgets a waiter (its registry was deleted). */
  forget(key: string): void {
    this.waiting.delete(key);
  }

  /** Who holds host now (for the log line of a registry that waits). */
  holder(host: string): string | undefined {
    return this.hosts.get(host);
  }

  /** Keys waiting for a slot, in arrival order. */
  waiters(): string[] {
    return [...this.waiting.keys()];
  }
}
