/**
 * An in-memory ReconcilerIO: one registry object with a resourceVersion, storage as a map, Events as
 * a list. For the reconciler's pure-logic tests; the integration tests run the real one.
 */
import type { SyncWork } from '../../../src/controller/sync/sync-work.ts';
import { Registry } from 'prom-client';
import type { MCPRegistryV1beta1, StatusV1beta1 } from '../../../src/api/types.ts';
import type { ReconcilerIO } from '../../../src/controller/sync/reconcile-io.ts';
import { Reconciler } from '../../../src/controller/sync/reconciler.ts';
import { createControllerMetrics } from '../../../src/controller/metrics.ts';
import { createLogger } from '../../../src/observability/logger.ts';
import type { FetchedSource } from '../../../src/sources/types.ts';
import { serializeForStorage } from '../../../src/registry/index.ts';

export interface FakeWorld {
  reg: MCPRegistryV1beta1 | undefined;
  storage: Map<string, string>;
  events: { type: string; reason: string; message: string }[];
  statusWrites: StatusV1beta1[];
  fetch: (reg: MCPRegistryV1beta1) => Promise<FetchedSource[]>;
  failStorageWrite?: Error;
  /** Resource versions of source ConfigMaps (default 1) and Secrets (default absent). */
  configMaps?: Map<string, string>;
  secrets?: Map<string, string>;
  /** Storage drift per registry name (what storageDrift reports). */
  drift?: Map<string, string>;
  failStatusWrite?: Error;
}

export function fakeIO(w: FakeWorld): ReconcilerIO {
  const bump = (r: MCPRegistryV1beta1) => {
    r.metadata.resourceVersion = String(Number(r.metadata.resourceVersion ?? '0') + 1);
    return structuredClone(r);
  };
  return {
    getRegistry: async () => (w.reg ? structuredClone(w.reg) : undefined),
    setFinalizers: async (_reg, finalizers) => {
      if (!w.reg) throw new Error('gone');
      w.reg.metadata.finalizers = finalizers;
      return bump(w.reg);
    },
    updateStatus: async (_reg, compute) => {
      if (w.failStatusWrite) throw w.failStatusWrite;
      if (!w.reg) return undefined;
      const status = compute(structuredClone(w.reg));
      if (!status) return structuredClone(w.reg);
      w.reg.status = status;
      w.statusWrites.push(structuredClone(status));
      return bump(w.reg);
    },
    storagePresent: async (_ns, name) => w.storage.has(name),
    configMapVersions: (_ns, names) => names.map((n) => `${n}@${w.configMaps?.get(n) ?? '1'}`).join(','),
    fetchSources: (reg) => w.fetch(reg),
    writeStorage: async (reg, content) => {
      if (w.failStorageWrite) throw w.failStorageWrite;
      if ('main' in content) throw new Error('the fake stores catalogs, not layouts');
      const text = serializeForStorage(content);
      w.storage.set(reg.metadata.name ?? '', text);
      const main = `${reg.metadata.name}-registry-storage`;
      return { configMaps: [main], bytes: text.length, compressed: false, versions: { [main]: '1' } };
    },
    deleteStorage: async (reg) => void w.storage.delete(reg.metadata.name ?? ''),
    secretVersions: async (_ns, names) => names.map((n) => `${n}@${w.secrets?.get(n) ?? 'absent'}`).join(','),
    storageDrift: async (reg) => w.drift?.get(reg.metadata.name ?? ''),
    recordEvent: async (_reg, type, reason, message) => void w.events.push({ type, reason, message }),
    guard: () => {},
  };
}

export function world(reg: MCPRegistryV1beta1, fetch: FakeWorld['fetch']): FakeWorld {
  return { reg: structuredClone(reg), storage: new Map(), events: [], statusWrites: [], fetch };
}

export function reconcilerFor(
  w: FakeWorld,
  now = () => Date.parse('2026-01-01T00:00:00Z'),
  opts: { syncingAfterMs?: number; work?: SyncWork } = {},
): Reconciler {
  return new Reconciler({
    ...opts,
    io: fakeIO(w),
    log: createLogger('silent'),
    metrics: createControllerMetrics(new Registry()),
    now,
    backoffBaseMs: 1000,
    backoffMaxMs: 8000,
  });
}
