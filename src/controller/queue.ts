/**
 * The work queue, as a pure state machine over an injected clock (table-tested without timers).
 * Semantics follow client-go's workqueue: a key is queued at most once (de-duplication); a key being
 * processed is never handed out again until done(), and an add() during processing re-queues it
 * after done(); failures back off per key exponentially up to a cap; addAfter() schedules a key.
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
  /** Keys ready to hand out, in FIFO order. */
  private readonly ready: string[] = [];
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
    this.ready.push(key);
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
    const key = this.ready.shift();
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
    return this.ready.length;
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
