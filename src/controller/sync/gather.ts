/**
 * gather, the reads before a sync decision: the registry's storage (present? still what was written?),
 * fingerprints of what its sources read (ConfigMaps from the informer cache; Secrets by GET, only while
 * the registry is failing, since they are not watched), and decideSync on those and the clock.
 */
import { ANNOTATION_SYNC_TRIGGER } from '../../api/constants.ts';
import type { MCPRegistryV1beta1 } from '../../api/types.ts';
import { durationMs } from '../../api/duration.ts';
import { decideSync, type SyncDecision } from './sync-decision.ts';
import { sourceConfigMaps, sourceSecrets } from './source-refs.ts';
import { storageName } from '../../storage/layout.ts';
import type { ReconcilerIO } from './reconcile-io.ts';

/** What the reconciler remembers of a registry's last sync (lost on restart: status covers that). */
export interface Checked {
  at: number;
  cmVersions: string;
  secretVersions?: string;
  storageVersion?: string;
}

export interface Gathered {
  decision: SyncDecision;
  storagePresent: boolean;
  /** Why storage no longer holds what was written (a Ready registry only). */
  drift?: string;
  cmVersions: string;
  secretVersions?: string;
  storageVersion: string;
  trigger?: string;
  intervalMs?: number;
}

/**
 * How often a failing registry that references Secrets looks at them: a created or fixed Secret then
 * syncs within this time instead of at the end of the backoff (up to 5 minutes).
 */
export const SECRET_POLL_MS = 5000;

export async function gatherSync(
  io: ReconcilerIO,
  reg: MCPRegistryV1beta1,
  mem: Checked | undefined,
  o: { now: number; backoffBaseMs: number; backoffMaxMs: number },
): Promise<Gathered> {
  const namespace = reg.metadata.namespace ?? '';
  const phase = reg.status?.phase;
  // A first sync runs whatever storage holds (decideSync: Initial) and never counts it as unchanged,
  // so it does not ask: for a new registry the answer was a cache miss confirmed by a GET.
  const first = !phase || phase === 'Pending';
  const storagePresent = first ? false : await io.storagePresent(namespace, reg.metadata.name ?? '');
  const drift = phase === 'Ready' && storagePresent ? await io.storageDrift(reg) : undefined;
  const cmNames = sourceConfigMaps(reg.spec);
  // The registries it reads by registryRef count as sources too: new data there syncs this one.
  const cmVersions = [io.configMapVersions(namespace, cmNames), io.registryRefVersions?.(reg) ?? '']
    .filter(Boolean)
    .join(',');
  const secrets = sourceSecrets(reg.spec);
  const failing = phase !== undefined && phase !== 'Ready' && phase !== 'Pending';
  let secretVersions = secrets.length && failing ? await io.secretVersions(namespace, secrets) : undefined;
  const storageVersion = io.configMapVersions(namespace, [storageName(reg.metadata.name ?? '')]);
  const intervalMs = reg.spec.syncPolicy?.interval ? durationMs(reg.spec.syncPolicy.interval) : undefined;
  const lastAttempt = reg.status?.sync?.lastAttemptTime
    ? Date.parse(reg.status.sync.lastAttemptTime)
    : undefined;
  const trigger = reg.metadata.annotations?.[ANNOTATION_SYNC_TRIGGER];
  let decision = decideSync({
    now: o.now,
    generation: reg.metadata.generation ?? 0,
    observedGeneration: reg.status?.observedGeneration,
    phase,
    trigger,
    lastTrigger: reg.status?.sync?.lastManualSyncTrigger,
    intervalMs,
    lastCheckedAt: mem?.at ?? lastAttempt,
    attempts: reg.status?.sync?.attempts ?? 0,
    storagePresent,
    storageDrift: drift,
    configMapVersions: cmVersions,
    lastConfigMapVersions: mem?.cmVersions ?? (cmNames.length === 0 ? cmVersions : undefined),
    secretVersions,
    lastSecretVersions: mem?.secretVersions,
    storageVersion,
    lastStorageVersion: mem?.storageVersion,
    backoffBaseMs: o.backoffBaseMs,
    backoffMaxMs: o.backoffMaxMs,
  });
  if (decision.sync && secrets.length && secretVersions === undefined)
    // Remembered with this sync, so a later failure can tell when a Secret changed.
    secretVersions = await io.secretVersions(namespace, secrets);
  if (!decision.sync && failing && secrets.length)
    decision = {
      sync: false,
      requeueAfterMs: Math.min(decision.requeueAfterMs ?? SECRET_POLL_MS, SECRET_POLL_MS),
    };
  return { decision, storagePresent, drift, cmVersions, secretVersions, storageVersion, trigger, intervalMs };
}
