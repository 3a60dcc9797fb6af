/**
 * The workload review thread: holds the catalogs' entry indexes and answers workload reviews against
 * them, so searching a catalog (per request) never runs on the event loop that answers admission. The
 * loader thread (load.ts) builds each index and sends it in bounded parts; an index is used only once
 * whole, and reviews waiting meanwhile are answered between parts. Messages: protocol.ts. Decisions:
 * src/admission/workloads (pure).
 */
import { parentPort, workerData, type MessagePort } from 'node:worker_threads';
import { mutateWorkload, validateWorkload, type EntryIndex } from '../../admission/workloads/index.ts';
import {
  failure,
  type IndexPart,
  type LoadsAck,
  type LoadsMessage,
  type WorkerReply,
  type WorkerRequest,
} from './protocol.ts';

const indexes = new Map<string, EntryIndex>();
/** Indexes still arriving, by load id. */
const arriving = new Map<number, EntryIndex>();
const empty = (): EntryIndex => ({
  entries: new Map(),
  byFullName: new Map(),
  byTail: new Map(),
  urls: new Set(),
  images: new Map(),
  versions: new Map(),
});

function merge(idx: EntryIndex, p: IndexPart): void {
  switch (p.field) {
    case 'entries':
      for (const [k, v] of p.items) idx.entries.set(k, v);
      return;
    case 'byFullName':
      for (const [k, v] of p.items) idx.byFullName.set(k, v);
      return;
    case 'byTail':
      for (const [k, v] of p.items) idx.byTail.set(k, v);
      return;
    case 'urls':
      for (const u of p.items) idx.urls.add(u);
      return;
    case 'images':
      for (const [k, v] of p.items) idx.images.set(k, v);
      return;
    case 'versions':
      for (const [k, v] of p.items) idx.versions.set(k, v);
      return;
  }
}

function handle(m: WorkerRequest): WorkerReply {
  switch (m.op) {
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
  let reply: WorkerReply;
  try {
    reply = handle(m);
  } catch (e) {
    reply = failure(m.id, e);
  }
  parentPort?.postMessage(reply);
});

const loads = (workerData as { loads?: MessagePort } | null)?.loads;
loads?.on('message', (m: LoadsMessage) => {
  if (m.op === 'part') {
    const idx = arriving.get(m.id) ?? empty();
    arriving.set(m.id, idx);
    merge(idx, m);
    loads.postMessage({ id: m.id, op: 'ack' } satisfies LoadsAck);
    return;
  }
  const idx = arriving.get(m.id) ?? empty();
  arriving.delete(m.id);
  indexes.set(m.key, idx);
  parentPort?.postMessage({ id: m.id, ok: true, servers: idx.entries.size } satisfies WorkerReply);
});
