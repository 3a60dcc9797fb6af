/** Messages between the webhook (pool.ts), the catalog loader thread (loader.ts) and the review thread (worker.ts). */
import type { AdmissionReviewOut, Verdict } from '../../admission/index.ts';
import type { WorkloadEntry, WorkloadRequest } from '../../admission/workloads/index.ts';

export interface RegistryRefView {
  name: string;
  phase?: string;
  /** The loaded catalog's key, when the registry has one. */
  key?: string;
}

/** A stored catalog as the loader reads it: the main storage ConfigMap's content and its shards' chunks. */
export interface StoredContent {
  main: { data?: Record<string, string>; binaryData?: Record<string, string> };
  shards: Record<string, string>;
}

/** webhook → loader: inflate, parse and index this catalog, then hand the index to the review thread. */
export type LoadRequest = { id: number; op: 'load'; key: string } & StoredContent;

/** Pieces of an index, a bounded number of items each (load.ts splits, worker.ts merges). */
export type IndexPart =
  | { field: 'entries'; items: [string, WorkloadEntry][] }
  | { field: 'byFullName'; items: [string, string][] }
  | { field: 'byTail'; items: [string, string[]][] }
  | { field: 'urls'; items: string[] }
  | { field: 'images'; items: [string, { tags: string[]; digests: string[] }][] }
  | { field: 'versions'; items: [string, string][] };

/**
 * loader ⇄ review thread, over their own channel: the index in parts, each acknowledged before the
 * next is sent (so the review thread answers waiting reviews between parts), then `install` (hold it
 * under this key, answer the webhook's `id`).
 */
export type LoadsMessage =
  ({ id: number; op: 'part'; key: string } & IndexPart) | { id: number; op: 'install'; key: string };
export interface LoadsAck {
  id: number;
  op: 'ack';
}

/** webhook → review thread. */
export type WorkerRequest =
  | { id: number; op: 'evict'; key: string }
  | {
      id: number;
      op: 'mutate';
      request: WorkloadRequest;
      fields: string[];
      registry: RegistryRefView | undefined;
      registryNames: string[];
    }
  | {
      id: number;
      op: 'validate';
      request: WorkloadRequest;
      fields: string[];
      namespace: { label: string; key?: string }[];
      policy: { label: string; key?: string }[];
    };

/** Either thread → webhook, matched by id. */
export type WorkerReply =
  | { id: number; ok: true; servers?: number; out?: { review: AdmissionReviewOut; verdict: Verdict } }
  | { id: number; ok: false; error: string; name?: string };

/** Distributes Omit over the union, so each request keeps its own fields. */
export type WithoutId<T> = T extends unknown ? Omit<T, 'id'> : never;

/** A thrown value as a failed reply (the name lets the webhook tell a torn read from the rest). */
export function failure(id: number, e: unknown): WorkerReply {
  const err = e instanceof Error ? e : new Error(String(e));
  return { id, ok: false, error: err.message, name: err.constructor.name };
}
