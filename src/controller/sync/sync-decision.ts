/**
 * Whether a registry needs a sync now, and if not, when to look again (pure, table-tested). Reconcile
 * is level-triggered: the answer depends only on the object, its storage, and the clock.
 */
export interface SyncInput {
  now: number;
  generation: number;
  observedGeneration?: number;
  phase?: string;
  trigger?: string;
  lastTrigger?: string;
  intervalMs?: number;
  /** When sources were last checked (in memory, else status.sync.lastAttemptTime). */
  lastCheckedAt?: number;
  attempts: number;
  storagePresent: boolean;
  /** Fingerprint of the source ConfigMaps now, and at the last check (undefined = unknown). */
  configMapVersions: string;
  lastConfigMapVersions?: string;
  /**
   * Fingerprint of the referenced Secrets now and at the last check; only looked at while the last
   * sync failed (the operator may `get` Secrets but does not watch them: see docs/controller.md).
   */
  secretVersions?: string;
  lastSecretVersions?: string;
  /**
   * The main storage ConfigMap's fingerprint now and at the last check, looked at only while failing:
   * a user's object deleted from the storage name (NameConflict) lets the registry sync at once.
   */
  storageVersion?: string;
  lastStorageVersion?: string;
  /** Why the stored ConfigMaps no longer hold what was written (storage integrity), if they do not. */
  storageDrift?: string;
  backoffBaseMs: number;
  backoffMaxMs: number;
}

export type SyncReason =
  | 'Initial'
  | 'SpecChanged'
  | 'ManualTrigger'
  | 'StorageMissing'
  | 'Retry'
  | 'SourceChanged'
  | 'StorageDrift'
  | 'IntervalElapsed';

export type SyncDecision = { sync: true; reason: SyncReason } | { sync: false; requeueAfterMs?: number };

export function failureBackoffMs(attempts: number, baseMs: number, maxMs: number): number {
  return attempts <= 0 ? 0 : Math.min(maxMs, baseMs * 2 ** Math.min(attempts - 1, 30));
}

export function decideSync(i: SyncInput): SyncDecision {
  if (!i.phase || i.phase === 'Pending') return { sync: true, reason: 'Initial' };
  if (i.observedGeneration !== i.generation) return { sync: true, reason: 'SpecChanged' };
  if (i.trigger !== undefined && i.trigger !== '' && i.trigger !== i.lastTrigger)
    return { sync: true, reason: 'ManualTrigger' };
  // A change to what the registry reads is what fixes a failed one: sync now, whatever the backoff.
  const known = (now?: string, last?: string) => last !== undefined && now !== undefined && now !== last;
  if (
    i.phase !== 'Ready' &&
    (known(i.configMapVersions, i.lastConfigMapVersions) ||
      known(i.secretVersions, i.lastSecretVersions) ||
      known(i.storageVersion, i.lastStorageVersion))
  )
    return { sync: true, reason: 'SourceChanged' };
  if (i.phase !== 'Ready') {
    const wait =
      (i.lastCheckedAt ?? 0) + failureBackoffMs(i.attempts, i.backoffBaseMs, i.backoffMaxMs) - i.now;
    return wait > 0 ? { sync: false, requeueAfterMs: wait } : { sync: true, reason: 'Retry' };
  }
  if (!i.storagePresent) return { sync: true, reason: 'StorageMissing' };
  if (i.storageDrift !== undefined) return { sync: true, reason: 'StorageDrift' };
  if (i.lastConfigMapVersions === undefined || i.configMapVersions !== i.lastConfigMapVersions)
    return { sync: true, reason: 'SourceChanged' };
  if (i.intervalMs === undefined) return { sync: false };
  const due = (i.lastCheckedAt ?? 0) + i.intervalMs;
  return due <= i.now
    ? { sync: true, reason: 'IntervalElapsed' }
    : { sync: false, requeueAfterMs: due - i.now };
}
