/**
 * The `kubernetes` source, live (SPEC §12): which namespaces each registry may read (its own; others
 * that consent, when the policy allows cross-namespace discovery), the informers that watch them,
 * the fingerprint that makes a registry sync when what it would discover changes, and the document
 * handed to the fetch. A workload event re-syncs only the registries reading its namespace, after a
 * short debounce, and their other sources' fingerprints are unchanged by it.
 */
import type { Logger } from 'pino';
import { METADATA_ACCEPT, METADATA_LIST_ACCEPT, type KubeClient } from '../../kube/client.ts';
import type { MCPRegistryV1beta1, SourceV1beta1 } from '../../api/types.ts';
import {
  discoveryAllowed,
  sourceNamespaces,
  type DiscoveryKind,
  type WorkloadObject,
} from '../../registry/discovery/index.ts';
import { SourceError, type SourceToFetch } from '../../sources/types.ts';
import { Informer, type KubeObject } from '../watch/informer.ts';
import { ServedKinds } from './served-kinds.ts';
import { WorkloadInformers } from './workload-informers.ts';
import { FetchMemo } from './fetch-memo.ts';

/** Events within this window re-sync a registry once (the queue keeps the earliest schedule). */
export const DISCOVERY_DEBOUNCE_MS = 300;
/** Longest a sync waits for the informers of a newly read namespace to list. */
const SYNC_WAIT_MS = 10_000;

type NamespaceObject = KubeObject & { metadata: { annotations?: Record<string, string> } };

export interface DiscoveryOptions {
  client: KubeClient;
  log: Logger;
  registries: () => Iterable<MCPRegistryV1beta1>;
  enqueue: (key: string, afterMs: number) => void;
  /** The policy in force now (allowCrossNamespaceDiscovery). */
  crossNamespace: () => boolean;
}

const keyOf = (r: MCPRegistryV1beta1) => `${r.metadata.namespace ?? ''}/${r.metadata.name ?? ''}`;
const discovers = (r: MCPRegistryV1beta1) => r.spec.sources.some((s) => s.type === 'kubernetes');

export class Discovery {
  private readonly kinds: ServedKinds;
  private readonly workloads: WorkloadInformers;
  private readonly namespaces: Informer<NamespaceObject>;
  private needed = new Set<string>();
  private readonly memo = new FetchMemo();
  private readonly o: DiscoveryOptions;

  constructor(o: DiscoveryOptions) {
    this.o = o;
    this.kinds = new ServedKinds(o.client, o.log, () => this.kindsChanged());
    this.workloads = new WorkloadInformers(o.client, o.log, (ns) => this.namespaceChanged(ns));
    this.namespaces = new Informer<NamespaceObject>(
      o.client,
      { group: '', version: 'v1', plural: 'namespaces' },
      (_t, n) => this.consentChanged(n.metadata.name ?? ''),
      o.log.child({ informer: 'namespaces' }),
      { accept: { list: METADATA_LIST_ACCEPT, watch: METADATA_ACCEPT } },
    );
  }

  private running = false;
  private watching = false;

  /**
   * Leader only. The CRD and Namespace watches open with the first registry that has a kubernetes
   * source: an operator whose registries discover nothing needs (and asks for) none of that RBAC.
   */
  start(): void {
    this.running = true;
    this.scheduleRefresh();
  }

  private watch(): void {
    if (this.watching || !this.running) return;
    this.watching = true;
    this.kinds.start();
    this.namespaces.start();
  }

  stop(): void {
    this.running = false;
    this.watching = false;
    if (this.refreshTimer) clearTimeout(this.refreshTimer);
    this.refreshTimer = undefined;
    this.kinds.stop();
    this.namespaces.stop();
    this.workloads.stop();
  }

  /** The namespaces a registry's source reads now: own always, others on consent and policy. */
  private readable(reg: MCPRegistryV1beta1, s: SourceV1beta1): string[] {
    const own = reg.metadata.namespace ?? '';
    const reader = { namespace: own, name: reg.metadata.name ?? '' };
    return sourceNamespaces(s.kubernetes?.namespaces, own).filter(
      (ns) =>
        ns === own ||
        (this.o.crossNamespace() &&
          discoveryAllowed(ns, this.namespaces.get('', ns)?.metadata.annotations, reader)),
    );
  }

  private readsOf(reg: MCPRegistryV1beta1): string[] {
    return [
      ...new Set(reg.spec.sources.flatMap((s) => (s.type === 'kubernetes' ? this.readable(reg, s) : []))),
    ];
  }

  private refreshTimer: NodeJS.Timeout | undefined;

  /** A refresh soon, once for a burst of registry events (a relist of 1,000 registries is one). */
  scheduleRefresh(): void {
    this.refreshTimer ??= setTimeout(() => {
      this.refreshTimer = undefined;
      this.refresh();
    }, 100);
  }

  /**
   * The reconciler's source hooks (federation's) with discovery added: registryRef sources resolved
   * first, then kubernetes sources given their document; the fingerprints of both, joined.
   */
  around(h: {
    resolveSources: (reg: MCPRegistryV1beta1) => Promise<SourceV1beta1[]>;
    registryRefVersions: (reg: MCPRegistryV1beta1) => string;
  }): typeof h {
    return {
      resolveSources: async (reg) => {
        const resolved = await h.resolveSources(reg);
        if (!discovers(reg)) return resolved;
        return this.resolve(reg, this.memo.apply(reg, resolved, h.registryRefVersions(reg)));
      },
      registryRefVersions: (reg) =>
        [h.registryRefVersions(reg), this.fingerprint(reg)].filter(Boolean).join(','),
    };
  }

  /** Recomputes the watched namespaces from every registry (after registry and consent changes). */
  refresh(): void {
    const needed = new Set<string>();
    const discovering = new Set<string>();
    for (const reg of this.o.registries()) {
      if (discovers(reg)) discovering.add(keyOf(reg));
      for (const ns of this.readsOf(reg)) needed.add(ns);
    }
    this.needed = needed;
    this.memo.retain(discovering);
    if (discovering.size > 0) this.watch();
    this.workloads.reconcile(this.kinds.list(), needed);
  }

  private enqueueWhere(pred: (reg: MCPRegistryV1beta1) => boolean): void {
    for (const reg of this.o.registries())
      if (discovers(reg) && pred(reg)) this.o.enqueue(keyOf(reg), DISCOVERY_DEBOUNCE_MS);
  }

  private kindsChanged(): void {
    this.refresh();
    this.enqueueWhere(() => true);
  }

  private namespaceChanged(ns: string): void {
    this.enqueueWhere((reg) => this.readsOf(reg).includes(ns));
  }

  private consentChanged(ns: string): void {
    const listing = (reg: MCPRegistryV1beta1) =>
      reg.spec.sources.some((s) => s.type === 'kubernetes' && (s.kubernetes?.namespaces ?? []).includes(ns));
    if (![...this.o.registries()].some(listing)) return;
    this.refresh();
    this.enqueueWhere(listing);
  }

  /** Changes when what the registry's kubernetes sources would read changes; '' without any. */
  fingerprint(reg: MCPRegistryV1beta1): string {
    if (!discovers(reg)) return '';
    this.watch();
    const reads = this.readsOf(reg);
    if (reads.some((ns) => !this.needed.has(ns))) this.refresh();
    const kinds = this.kinds
      .list()
      .map((k) => `${k.kind}@${k.version}`)
      .sort()
      .join('+');
    return `discovery:${kinds}:${reads.map((ns) => this.workloads.version(ns)).join('+')}`;
  }

  /** The registry's sources with each kubernetes source's document attached for the fetch. */
  async resolve(reg: MCPRegistryV1beta1, sources: SourceToFetch[]): Promise<SourceToFetch[]> {
    if (!discovers(reg)) return sources;
    this.watch();
    this.refresh();
    const until = Date.now() + SYNC_WAIT_MS;
    // Listed, or refused (RBAC): a refusal is not waited out on every sync.
    const settled = (i: { hasSynced(): boolean; lastError(): unknown }) =>
      i.hasSynced() || i.lastError() !== undefined;
    while (!(settled(this.kinds) && settled(this.namespaces)) && Date.now() < until)
      await new Promise((r) => setTimeout(r, 50));
    this.refresh();
    const out: SourceToFetch[] = [];
    for (const s of sources) {
      if (s.type !== 'kubernetes') {
        out.push(s);
        continue;
      }
      const reads = this.readable(reg, s);
      await this.workloads.synced(reads, Math.max(0, until - Date.now()));
      // Only namespaces this registry may read are ever listed, so naming them reveals nothing.
      const refused = this.workloads.refused(reads);
      if (refused.length)
        throw new SourceError(
          'DiscoveryForbidden',
          `source ${s.name}: the operator may not list ${refused.join(', ')}; grant it list and watch on ToolHive's workloads there (docs/controller.md, RBAC)`,
        );
      // The workloads as cached; the pipeline maps them to the document, on a sync worker.
      const workloads: Partial<Record<DiscoveryKind, WorkloadObject[]>> = {};
      let chars = 0;
      for (const ns of reads)
        for (const [kind, list] of Object.entries(this.workloads.workloads(ns)) as [
          DiscoveryKind,
          WorkloadObject[],
        ][])
          for (const w of list) {
            (workloads[kind] ??= []).push(w); // no push(...list): RangeError when long
            for (const [k, v] of Object.entries(w.metadata.annotations ?? {})) chars += k.length + v.length;
          }
      out.push({ ...s, discovered: { workloads, chars } });
    }
    return out;
  }
}
