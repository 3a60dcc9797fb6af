/**
 * Fetch slots (SPEC §8 "Bounded work"): at most one sync in flight per source host, and at most
 * `perNamespace` syncs with remote sources in flight per namespace. A registry that cannot get its
 * slots is requeued shortly instead of waiting: a worker never blocks behind a slow or hostile host,
 * so a drip-feeding server holds at most one worker and one tenant cannot occupy them all.
 */
export class HostSlots {
  private readonly hosts = new Map<string, string>();
  private readonly namespaces = new Map<string, number>();
  private readonly held = new Map<string, { namespace: string; hosts: string[] }>();
  private readonly perNamespace: number;

  constructor(perNamespace: number) {
    this.perNamespace = Math.max(1, perNamespace);
  }

  /** Takes every slot key needs, or none; true when taken. A key without hosts needs none. */
  tryAcquire(key: string, namespace: string, hosts: string[]): boolean {
    if (hosts.length === 0) return true;
    if (this.held.has(key)) return false;
    if (hosts.some((h) => this.hosts.has(h))) return false;
    const inNs = this.namespaces.get(namespace) ?? 0;
    if (inNs >= this.perNamespace) return false;
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
  }

  /** Who holds host now (for the log line of a registry that waits). */
  holder(host: string): string | undefined {
    return this.hosts.get(host);
  }
}
