/**
 * The Syncing status of a first sync (kstatus InProgress, Argo CD Progressing), written only when
 * the sync is slow: a sync that ends within SYNCING_AFTER_MS writes its outcome (Ready or Failed)
 * and nothing before it, so a first sync costs one status write, not two (docs/performance.md).
 */
import type { Logger } from 'pino';
import type { MCPRegistryV1beta1 } from '../../api/types.ts';
import type { ReconcilerIO } from './reconcile-io.ts';
import { statusSyncing } from './status.ts';

/**
 * How long a first sync may run before its Syncing status is written. The cost of waiting: a new
 * registry reads as kstatus Current (no status yet) up to this much longer (docs/gitops.md).
 */
export const SYNCING_AFTER_MS = 2000;

export function writeSyncing(
  io: ReconcilerIO,
  reg: MCPRegistryV1beta1,
  now: () => string,
): Promise<MCPRegistryV1beta1 | undefined> {
  return io.updateStatus(reg, (fresh) =>
    statusSyncing(fresh.status, { generation: fresh.metadata.generation ?? 0, now: now() }),
  );
}

export interface DeferredSyncing {
  /** Stops a write not started yet (the sync has ended). */
  cancel(): void;
  /**
   * Waits for a write that started and returns the object it wrote. A lost lease is thrown; any
   * other failure is only logged: the outcome's status write follows and says what matters.
   */
  settle(): Promise<MCPRegistryV1beta1 | undefined>;
}

/** Writes Syncing if the sync is still running after ms. */
export function syncingLater(
  io: ReconcilerIO,
  reg: MCPRegistryV1beta1,
  o: { ms: number; now: () => string; log: Logger },
): DeferredSyncing {
  let written: Promise<{ ok: MCPRegistryV1beta1 | undefined } | { err: unknown }> | undefined;
  const timer = setTimeout(() => {
    written = writeSyncing(io, reg, o.now).then(
      (ok) => ({ ok }),
      (err: unknown) => ({ err }),
    );
  }, o.ms);
  return {
    cancel: () => clearTimeout(timer),
    settle: async () => {
      const r = await written;
      if (!r || 'ok' in r) return r?.ok;
      if (r.err instanceof Error && r.err.name === 'NotLeaderError') throw r.err;
      o.log.warn({ err: r.err }, 'cannot write the Syncing status');
      return undefined;
    },
  };
}
