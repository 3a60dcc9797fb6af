/**
 * A thread's CPU priority, lowered for background work (SPEC §18). On Linux each thread is its own
 * scheduling entity, so `setpriority` on a thread id changes that thread alone: the event loop that
 * answers admission keeps nice 0 while the controller thread and the sync workers yield to it.
 * Raising one's own nice value needs no privilege. Threads a thread starts inherit its value.
 */
import { readlinkSync } from 'node:fs';
import { setPriority } from 'node:os';

/** The controller thread: informers, fetches, ConfigMap writes (src/bin/controller-thread.ts). */
export const CONTROLLER_NICE = 10;
/** The sync workers: parse, filter, serialise, gzip (src/controller/pipeline-workers/worker.ts). */
export const SYNC_WORKER_NICE = 19;

/** This thread's kernel id, or undefined where there is no /proc/thread-self (not Linux). */
export function threadId(): number | undefined {
  try {
    const tid = Number(readlinkSync('/proc/thread-self').split('/').pop());
    return Number.isInteger(tid) && tid > 0 ? tid : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Sets this thread's nice value; returns why not when it could not (the thread then keeps its
 * priority, which costs admission latency under load, never correctness).
 */
export function lowerThreadPriority(nice: number): string | undefined {
  const tid = threadId();
  if (tid === undefined) return 'no /proc/thread-self (not Linux)';
  try {
    setPriority(tid, nice);
    return undefined;
  } catch (e) {
    return (e as Error).message;
  }
}
