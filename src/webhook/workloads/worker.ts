/**
 * The workload admission worker thread: holds the parsed catalogs (entry indexes) and answers
 * workload reviews against them, so neither inflating and parsing a stored catalog (once per storage
 * change) nor searching it (per request) runs on the event loop that answers admission. Messages:
 * pool.ts. Decisions: src/admission/workloads (pure).
 */
import { parentPort } from 'node:worker_threads';
import {
  indexEntries,
  mutateWorkload,
  validateWorkload,
  type EntryIndex,
} from '../../admission/workloads/index.ts';
import { parseStorage } from '../../registry/index.ts';
import { readLayout } from '../../storage/layout.ts';
import type { WorkerRequest, WorkerReply } from './protocol.ts';

const indexes = new Map<string, EntryIndex>();

async function handle(m: WorkerRequest): Promise<WorkerReply> {
  switch (m.op) {
    case 'load': {
      const r = await readLayout(m.main, async (name) => m.shards[name]);
      const index = indexEntries(parseStorage(r.text));
      indexes.set(m.key, index);
      return { id: m.id, ok: true, servers: index.entries.size };
    }
    case 'evict':
      indexes.delete(m.key);
      return { id: m.id, ok: true };
    case 'mutate': {
      const reg = m.registry;
      const index = reg?.key !== undefined ? indexes.get(reg.key) : undefined;
      const out = mutateWorkload(m.request, {
        fields: new Set(m.fields),
        registry: reg && { name: reg.name, ...(reg.phase && { phase: reg.phase }), ...(index && { index }) },
        registryNames: m.registryNames,
      });
      return { id: m.id, ok: true, out };
    }
    case 'validate': {
      const view = (rs: typeof m.namespace) =>
        rs.map((r) => {
          const index = r.key !== undefined ? indexes.get(r.key) : undefined;
          return { label: r.label, ...(index && { index }) };
        });
      const out = validateWorkload(m.request, {
        fields: new Set(m.fields),
        namespace: view(m.namespace),
        policy: view(m.policy),
      });
      return { id: m.id, ok: true, out };
    }
  }
}

parentPort?.on('message', (m: WorkerRequest) => {
  handle(m).then(
    (reply) => parentPort?.postMessage(reply),
    (e: unknown) =>
      parentPort?.postMessage({
        id: m.id,
        ok: false,
        error: (e as Error).message,
        name: (e as Error).constructor.name,
      }),
  );
});
