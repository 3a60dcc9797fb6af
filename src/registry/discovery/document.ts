/**
 * The exported workloads of a `kubernetes` source's namespaces → its document: a JSON array of
 * server.json entries in a stable order (the same workloads give the same bytes, so an unchanged
 * catalog hashes the same and stores nothing), and the exported workloads it skipped, with why.
 */
import type { JsonObject } from '../model.ts';
import { DISCOVERY_KINDS, exported, type DiscoveryKind } from './annotations.ts';
import { entryFromWorkload, workloadLabel, type SkippedWorkload, type WorkloadObject } from './entry.ts';

export interface DiscoveredDocument {
  /** `[server.json, …]`, sorted by name. */
  text: string;
  entries: number;
  skipped: SkippedWorkload[];
}

export type WorkloadsByKind = Partial<Record<DiscoveryKind, Iterable<WorkloadObject>>>;

const rank = (kind: DiscoveryKind) => DISCOVERY_KINDS.findIndex((k) => k.kind === kind);

export function discoveredDocument(byKind: WorkloadsByKind): DiscoveredDocument {
  const found: { name: string; kind: DiscoveryKind; label: string; entry: JsonObject }[] = [];
  const skipped: SkippedWorkload[] = [];
  for (const { kind } of DISCOVERY_KINDS) {
    for (const w of byKind[kind] ?? []) {
      if (!exported(w.metadata.annotations)) continue;
      const r = entryFromWorkload(kind, w);
      if ('skipped' in r) skipped.push(r.skipped);
      else found.push({ name: String(r.entry.name), kind, label: workloadLabel(kind, w), entry: r.entry });
    }
  }
  // Two kinds may use one name in a namespace; the entry name would clash, so the first kind keeps it.
  found.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : rank(a.kind) - rank(b.kind)));
  const kept: JsonObject[] = [];
  for (let i = 0; i < found.length; i++) {
    const f = found[i]!;
    const prev = found[i - 1];
    if (prev && prev.name === f.name) {
      skipped.push({
        workload: f.label,
        reason: `its entry name ${f.name} is already taken by ${prev.label}`,
      });
      found[i] = prev;
      continue;
    }
    kept.push(f.entry);
  }
  skipped.sort((a, b) => (a.workload < b.workload ? -1 : a.workload > b.workload ? 1 : 0));
  return { text: JSON.stringify(kept), entries: kept.length, skipped };
}
