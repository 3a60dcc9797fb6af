/**
 * The workloads a `kubernetes` source reads: one informer per (kind, namespace), opened only for the
 * namespaces some registry may read and only while the kind's CRD is served. Namespaced list/watch
 * only, so the operator needs nothing in a namespace no registry reads. The cache keeps what discovery
 * maps (ToolHive's annotations and three spec fields), not whole objects; each namespace carries a
 * version that moves only when what discovery sees there changes (a status update moves nothing).
 */
import type { Logger } from 'pino';
import type { KubeClient } from '../../kube/client.ts';
import {
  ANNOTATIONS,
  EXPORT_PREFIX,
  MAX_EXPORT_ANNOTATION_BYTES,
  OVERSIZE_MARKER,
  WORKLOAD_GROUP,
  exportAnnotationBytes,
  type DiscoveryKind,
  type WorkloadObject,
} from '../../registry/discovery/index.ts';
import { Informer } from '../watch/informer.ts';

/** A kind whose CRD is served, at the version read (any served version: we read annotations). */
export interface ServedKind {
  kind: DiscoveryKind;
  plural: string;
  version: string;
}

type Cached = WorkloadObject & { metadata: WorkloadObject['metadata'] & { name?: string } };

/** What discovery keeps of a workload; the text of it is what the namespace version compares. */
export function project(o: WorkloadObject): Cached {
  let annotations: Record<string, string> = {};
  for (const [k, v] of Object.entries(o.metadata.annotations ?? {}))
    if (k.startsWith(EXPORT_PREFIX)) annotations[k] = v;
  const bytes = exportAnnotationBytes(annotations);
  // An oversized workload is skipped anyway (entry.ts): keep its size, not its annotations.
  if (bytes > MAX_EXPORT_ANNOTATION_BYTES)
    annotations = {
      ...(annotations[ANNOTATIONS.export] !== undefined
        ? { [ANNOTATIONS.export]: annotations[ANNOTATIONS.export] }
        : {}),
      [OVERSIZE_MARKER]: String(bytes),
    };
  const s = o.spec ?? {};
  return {
    metadata: {
      name: o.metadata.name,
      namespace: o.metadata.namespace,
      uid: o.metadata.uid,
      resourceVersion: o.metadata.resourceVersion,
      annotations,
    },
    spec: { image: s.image, transport: s.transport, proxyMode: s.proxyMode },
  };
}

const seen = (o: Cached) => JSON.stringify([o.metadata.uid, o.metadata.annotations, o.spec]);

export class WorkloadInformers {
  private readonly informers = new Map<string, { informer: Informer<Cached>; kind: ServedKind }>();
  private readonly views = new Map<string, string>();
  private readonly versions = new Map<string, number>();

  private readonly client: KubeClient;
  private readonly log: Logger;
  /** A namespace's view changed (debounced by the caller's queue). */
  private readonly changed: (namespace: string) => void;

  constructor(client: KubeClient, log: Logger, changed: (namespace: string) => void) {
    this.client = client;
    this.log = log;
    this.changed = changed;
  }

  /** Opens and closes informers so that exactly these (kind, namespace) pairs are watched. */
  reconcile(kinds: readonly ServedKind[], namespaces: ReadonlySet<string>): void {
    const want = new Map<string, ServedKind>();
    for (const k of kinds) for (const ns of namespaces) want.set(`${k.plural}/${k.version}/${ns}`, k);
    for (const [key, { informer, kind }] of this.informers) {
      if (want.has(key)) continue;
      informer.stop();
      this.informers.delete(key);
      const ns = key.slice(key.lastIndexOf('/') + 1);
      for (const o of informer.list()) this.forget(kind, o);
      this.bump(ns);
    }
    for (const [key, kind] of want) {
      if (this.informers.has(key)) continue;
      const ns = key.slice(key.lastIndexOf('/') + 1);
      const informer = new Informer<Cached>(
        this.client,
        { group: WORKLOAD_GROUP, version: kind.version, plural: kind.plural, namespace: ns },
        (type, o) => this.onEvent(kind, type, o),
        this.log.child({ informer: kind.plural, namespace: ns }),
        { transform: project },
      );
      this.informers.set(key, { informer, kind });
      informer.start();
    }
  }

  private onEvent(kind: ServedKind, type: 'add' | 'update' | 'delete', o: Cached): void {
    const key = `${kind.kind}/${o.metadata.namespace ?? ''}/${o.metadata.name ?? ''}`;
    const before = this.views.get(key);
    const now = type === 'delete' ? undefined : seen(o);
    if (before === now) return;
    if (now === undefined) this.views.delete(key);
    else this.views.set(key, now);
    this.bump(o.metadata.namespace ?? '');
  }

  private forget(kind: ServedKind, o: Cached): void {
    this.views.delete(`${kind.kind}/${o.metadata.namespace ?? ''}/${o.metadata.name ?? ''}`);
  }

  private bump(namespace: string): void {
    this.versions.set(namespace, (this.versions.get(namespace) ?? 0) + 1);
    this.changed(namespace);
  }

  /** Changes whenever what discovery sees in the namespace changes (`-` before its first list). */
  version(namespace: string): string {
    const open = [...this.informers.entries()].filter(([k]) => k.endsWith(`/${namespace}`));
    if (open.some(([, i]) => !i.informer.hasSynced())) return `${namespace}@listing`;
    return `${namespace}@${this.versions.get(namespace) ?? 0}`;
  }

  /** The cached workloads of a namespace by kind. */
  workloads(namespace: string): Partial<Record<DiscoveryKind, WorkloadObject[]>> {
    const out: Partial<Record<DiscoveryKind, WorkloadObject[]>> = {};
    for (const [key, { informer, kind }] of this.informers)
      if (key.endsWith(`/${namespace}`)) {
        // A loop, not push(...list): a spread of ~120,000 workloads overflows the stack (RangeError).
        const into = (out[kind.kind] ??= []);
        for (const w of informer.list()) into.push(w);
      }
    return out;
  }

  /**
   * Resolves when every open informer of these namespaces has listed once or failed (a refused
   * list is reported by `refused`, not waited out), or after timeoutMs.
   */
  async synced(namespaces: readonly string[], timeoutMs: number): Promise<void> {
    const until = Date.now() + timeoutMs;
    const pending = () =>
      [...this.informers.entries()].some(
        ([k, i]) =>
          namespaces.some((ns) => k.endsWith(`/${ns}`)) &&
          !i.informer.hasSynced() &&
          i.informer.lastError() === undefined,
      );
    while (pending() && Date.now() < until) await new Promise((r) => setTimeout(r, 50));
  }

  /** `plural in namespace` the apiserver refused to list (403) and that never listed. */
  refused(namespaces: readonly string[]): string[] {
    const out: string[] = [];
    for (const [k, { informer, kind }] of this.informers) {
      const ns = k.slice(k.lastIndexOf('/') + 1);
      if (namespaces.includes(ns) && !informer.hasSynced() && informer.lastError()?.status === 403)
        out.push(`${kind.plural} in namespace ${ns}`);
    }
    return out.sort();
  }

  stop(): void {
    for (const { informer } of this.informers.values()) informer.stop();
    this.informers.clear();
  }
}
