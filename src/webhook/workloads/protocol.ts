/** Messages between the webhook and the workload admission worker (worker.ts, pool.ts). */
import type { AdmissionReviewOut, Verdict } from '../../admission/index.ts';
import type { WorkloadRequest } from '../../admission/workloads/index.ts';

export interface RegistryRefView {
  name: string;
  phase?: string;
  /** The loaded catalog's key, when the registry has one. */
  key?: string;
}

/** A stored catalog as the worker reads it: the main storage ConfigMap's content and its shards' chunks. */
export interface StoredContent {
  main: { data?: Record<string, string>; binaryData?: Record<string, string> };
  shards: Record<string, string>;
}

export type WorkerRequest =
  | ({
      id: number;
      op: 'load';
      key: string;
    } & StoredContent)
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

export type WorkerReply =
  | { id: number; ok: true; servers?: number; out?: { review: AdmissionReviewOut; verdict: Verdict } }
  | { id: number; ok: false; error: string; name?: string };

/** Distributes Omit over the union, so each request keeps its own fields. */
export type WithoutId<T> = T extends unknown ? Omit<T, 'id'> : never;
