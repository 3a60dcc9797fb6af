/**
 * A workload change re-syncs the registries reading its namespace without reading their other
 * sources again (SPEC §12 "live"): what a registry's remote sources (url, git, registry) fetched is
 * kept and handed back while nothing that could change it did: same generation, same sync trigger,
 * same registryRef fingerprint, the registry Ready, and its sync interval not yet elapsed since that
 * fetch (so an interval still re-reads everything). ConfigMap sources are read from the informer
 * cache anyway, so they are always read. Kept only for registries with a kubernetes source.
 */
import { ANNOTATION_SYNC_TRIGGER } from '../../api/constants.ts';
import { durationMs } from '../../api/duration.ts';
import type { MCPRegistryV1beta1, SourceV1beta1 } from '../../api/types.ts';
import type { FetchedSource, SourceToFetch } from '../../sources/types.ts';

interface Memo {
  generation: number;
  trigger: string;
  refs: string;
  at: number;
  fetched: Map<string, FetchedSource>;
}

const REMOTE = new Set(['url', 'git', 'registry']);

export class FetchMemo {
  private readonly memos = new Map<string, Memo>();
  private readonly now: () => number;

  constructor(now: () => number = Date.now) {
    this.now = now;
  }

  /** The sources with `prefetched` where the last fetch still holds, `remember` otherwise. */
  apply(reg: MCPRegistryV1beta1, sources: SourceV1beta1[], refs: string): SourceToFetch[] {
    const key = `${reg.metadata.namespace ?? ''}/${reg.metadata.name ?? ''}`;
    const generation = reg.metadata.generation ?? 0;
    const trigger = reg.metadata.annotations?.[ANNOTATION_SYNC_TRIGGER] ?? '';
    const interval = reg.spec.syncPolicy?.interval ? durationMs(reg.spec.syncPolicy.interval) : undefined;
    const old = this.memos.get(key);
    const holds =
      old !== undefined &&
      reg.status?.phase === 'Ready' &&
      old.generation === generation &&
      old.trigger === trigger &&
      old.refs === refs &&
      (interval === undefined || this.now() - old.at < interval);
    const memo: Memo = holds ? old : { generation, trigger, refs, at: this.now(), fetched: new Map() };
    this.memos.set(key, memo);
    return sources.map((s): SourceToFetch => {
      if (!REMOTE.has(s.type)) return s;
      const prefetched = memo.fetched.get(s.name);
      if (prefetched) return { ...s, prefetched };
      return { ...s, remember: (f) => void memo.fetched.set(s.name, f) };
    });
  }

  /** Drops what registries no longer present (or no longer discovering) had fetched. */
  retain(keys: ReadonlySet<string>): void {
    for (const k of this.memos.keys()) if (!keys.has(k)) this.memos.delete(k);
  }
}
