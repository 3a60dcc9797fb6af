/**
 * Reads of a registry from the informer's cache instead of a GET per reconcile, made safe against
 * the one staleness that matters: the cache still holding a version this process has itself
 * replaced (its finalizer patch or status write not delivered by the watch yet). Such a copy would
 * show, for instance, no status after the first sync was written, and start the same sync again.
 * Every version the controller's own writes replaced is remembered until the cache has moved past
 * it; a cached copy at one of them is not used (the caller GETs instead).
 *
 * A version written by someone else between a conflict and its retry is not seen here; a read of it
 * is at worst one more sync with the same result (and every write is still preconditioned on the
 * resourceVersion, so nothing is overwritten blindly).
 */
import { isStatus } from '../../kube/client.ts';

interface Versioned {
  metadata: { namespace?: string; name?: string; resourceVersion?: string };
}

const keyOf = (o: Versioned) => `${o.metadata.namespace ?? ''}/${o.metadata.name ?? ''}`;

export class OwnWrites {
  private readonly replaced = new Map<string, Set<string>>();

  /** Records a write of ours: `before` (the version it was made on) is now out of date. */
  wrote(before: Versioned, after: Versioned | undefined): void {
    const rv = before.metadata.resourceVersion;
    if (!rv || after?.metadata.resourceVersion === rv) return;
    const k = keyOf(before);
    const set = this.replaced.get(k) ?? new Set<string>();
    set.add(rv);
    this.replaced.set(k, set);
  }

  /**
   * Records the outcome of a write made on `before`: the version it returns replaced `before`; a
   * conflict (409) says `before` was out of date already, so the retry reads with a GET too.
   */
  async track<T extends Versioned | undefined>(before: Versioned, write: Promise<T>): Promise<T> {
    try {
      const after = await write;
      this.wrote(before, after);
      return after;
    } catch (e) {
      if (isStatus(e, 409)) this.wrote(before, undefined);
      throw e;
    }
  }

  /**
   * Whether the cached copy may be used: it is not a version our own writes replaced. A usable copy
   * is at or past our last write, so what was remembered for it is dropped.
   */
  usable(cached: Versioned): boolean {
    const k = keyOf(cached);
    const set = this.replaced.get(k);
    if (set?.has(cached.metadata.resourceVersion ?? '')) return false;
    this.replaced.delete(k);
    return true;
  }

  /** Forgets a registry that is gone. */
  forget(namespace: string, name: string): void {
    this.replaced.delete(`${namespace}/${name}`);
  }
}
