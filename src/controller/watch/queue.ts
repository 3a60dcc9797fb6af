/**
 * The work queue, as a pure state machine over an injected clock (table-tested without timers).
 * Semantics follow client-go's workqueue: a key is queued at most once (de-duplication); a key being
 * processed is never handed out again until done(), and an add() during processing re-queues it
 * after done(); failures back off per key exponentially up to a cap; addAfter() schedules a key.
 * Fair across tenants: ready keys wait in one FIFO per namespace and get() takes from the namespaces
 * in turn, so a namespace with a thousand registries cannot make another's one registry wait behind
 * all of them.
 */

export interface QueueOptions {
  now: () => number;
  /** First retry delay after a failure. */
  baseDelayMs: number;
  /** Cap of the per-key exponential backoff. */
  maxDelayMs: number;
}

export class WorkQueue {
  private readonly opts: QueueOptions;
  /** Keys ready to hand out: a FIFO per namespace, and the namespaces with ready keys in turn order. */
  private readonly ready = new Map<string, string[]>();
  private readonly turns: string[] = [];
  private readonly readySet = new Set<string>();
  private readonly processing = new Set<string>();
  /** Keys added while processing: re-queued at done(). */
  private readonly dirty = new Set<string>();
  /** Earliest due time of each delayed key. */
  private readonly delayed = new Map<string, number>();
  private readonly failures = new Map<string, number>();

  constructor(opts: QueueOptions) {
    this.opts = opts;
  }

  add(key: string): void {
    this.delayed.delete(key);
    if (this.processing.has(key)) {
      this.dirty.add(key);
      return;
    }
    if (this.readySet.has(key)) return;
    this.readySet.add(key);
    const ns = namespaceOf(key);
    const fifo = this.ready.get(ns);
    if (fifo) fifo.push(key);
    else {
      this.ready.set(ns, [key]);
      this.turns.push(ns);
    }
  }

  /** Schedules key after delayMs; an earlier schedule or an immediate add wins. */
  addAfter(key: string, delayMs: number): void {
    if (delayMs <= 0) return this.add(key);
    if (this.readySet.has(key)) return;
    const due = this.opts.now() + delayMs;
    const existing = this.delayed.get(key);
    if (existing === undefined || due < existing) this.delayed.set(key, due);
  }

  /** Re-queues key after its next backoff delay; returns that delay. */
  addRateLimited(key: string): number {
    const n = this.failures.get(key) ?? 0;
    this.failures.set(key, n + 1);
    const delay = Math.min(this.opts.maxDelayMs, this.opts.baseDelayMs * 2 ** Math.min(n, 30));
    this.addAfter(key, delay);
    return delay;
  }

  /** Clears the backoff of key (after a success). */
  forget(key: string): void {
    this.failures.delete(key);
  }

  retries(key: string): number {
    return this.failures.get(key) ?? 0;
  }

  /** Moves due delayed keys to ready, then hands out the next ready key (or undefined). */
  get(): string | undefined {
    this.promote();
    const ns = this.turns.shift();
    if (ns === undefined) return undefined;
    const fifo = this.ready.get(ns) ?? [];
    const key = fifo.shift();
    if (fifo.length) this.turns.push(ns);
    else this.ready.delete(ns);
    if (key === undefined) return undefined;
    this.readySet.delete(key);
    this.processing.add(key);
    return key;
  }

  done(key: string): void {
    this.processing.delete(key);
    if (this.dirty.delete(key)) this.add(key);
  }

  /** Milliseconds until the next delayed key is due; undefined when none is delayed. */
  nextDelay(): number | undefined {
    let min: number | undefined;
    for (const due of this.delayed.values()) if (min === undefined || due < min) min = due;
    return min === undefined ? undefined : Math.max(0, min - this.opts.now());
  }

  /** Keys waiting to be processed now (the workqueue_depth metric). */
  depth(): number {
    this.promote();
    return this.readySet.size;
  }

  private promote(): void {
    const now = this.opts.now();
    for (const [key, due] of this.delayed) {
      if (due > now) continue;
      this.delayed.delete(key);
      this.add(key);
    }
  }
}

/** A key is namespace/name; a key without a slash is its own namespace. */
function namespaceOf(key: string): string {
  const i = key.indexOf('/');
  return i < 0 ? key : key.slice(0, i);
}
