/**
 * The catalog loader thread's work (its entry is loader.ts): inflate, parse and index a stored
 * catalog, then hand the index to the review thread over their own channel, in parts of at most
 * `PART_ITEMS` items, each acknowledged before the next. Loading runs here, not in the review thread,
 * and the review thread takes in one bounded part at a time, answering waiting reviews in between: one
 * tenant's large catalog (up to the storage limit, seconds of CPU) never holds another namespace's
 * workload reviews for longer than one part (SPEC §18, hostile tenant).
 */
import { parentPort, workerData, type MessagePort } from 'node:worker_threads';
import { indexEntries, type EntryIndex } from '../../admission/workloads/index.ts';
import { parseStorage } from '../../registry/index.ts';
import { readLayout } from '../../storage/layout.ts';
import { failure, type IndexPart, type LoadRequest, type LoadsAck, type LoadsMessage } from './protocol.ts';

/** Items per part: a few milliseconds of the review thread's time to take in. */
export const PART_ITEMS = 1_000;

export async function loadIndex(m: LoadRequest): Promise<EntryIndex> {
  const r = await readLayout(m.main, async (name) => m.shards[name]);
  return indexEntries(parseStorage(r.text));
}

function* split<T>(items: Iterable<T>, size: number): Generator<T[]> {
  let part: T[] = [];
  for (const item of items) {
    part.push(item);
    if (part.length === size) {
      yield part;
      part = [];
    }
  }
  if (part.length) yield part;
}

export function* indexParts(index: EntryIndex, size = PART_ITEMS): Generator<IndexPart> {
  for (const items of split(index.entries, size)) yield { field: 'entries', items };
  for (const items of split(index.byFullName, size)) yield { field: 'byFullName', items };
  for (const items of split(index.byTail, size)) yield { field: 'byTail', items };
  for (const items of split(index.urls, size)) yield { field: 'urls', items };
  for (const items of split(index.images, size)) yield { field: 'images', items };
  for (const items of split(index.versions, size)) yield { field: 'versions', items };
}

/** What the pool gives a loader thread: the review thread's port, and `data` for a test's own loader. */
export interface LoaderData {
  reviewer: MessagePort;
  data?: unknown;
}

export interface LoaderHooks {
  load?: (m: LoadRequest) => Promise<EntryIndex>;
  /** Awaited before each part is sent (a test holds a load half-installed with it). */
  beforePart?: (key: string, n: number) => Promise<void>;
}

/** Answers the webhook's load requests, one after another (a test gives its own hooks). */
export function serveLoads(hooks: LoaderHooks = {}): void {
  const { reviewer } = workerData as LoaderData;
  const load = hooks.load ?? loadIndex;
  const acks = new Map<number, () => void>();
  reviewer.on('message', (a: LoadsAck) => acks.get(a.id)?.());
  const send = (m: LoadsMessage) =>
    new Promise<void>((resolve) => {
      acks.set(m.id, resolve);
      reviewer.postMessage(m);
    }).finally(() => acks.delete(m.id));
  let queue = Promise.resolve();
  parentPort?.on('message', (m: LoadRequest) => {
    queue = queue.then(async () => {
      try {
        const index = await load(m);
        let n = 0;
        for (const part of indexParts(index)) {
          await hooks.beforePart?.(m.key, n++);
          await send({ id: m.id, op: 'part', key: m.key, ...part });
        }
        reviewer.postMessage({ id: m.id, op: 'install', key: m.key } satisfies LoadsMessage);
      } catch (e) {
        parentPort?.postMessage(failure(m.id, e));
      }
    });
  });
}
