/**
 * Older versions of an entry (SPEC §11 `server-version`, §14 "Mirror fidelity"): a registry source
 * keeps every version its registry offers, so a workload pinned to an older one resolves from it.
 * The index holds them compactly, because a catalog can hold tens of thousands of versions and the
 * webhook keeps many catalogs: per server one string, each version as the fields of its entry that
 * differ from the catalogued entry (usually the version and the image tag). A version is unpacked
 * only when a workload names it.
 */
import { makeCatalogServer } from '../../registry/catalog.ts';
import type { CatalogServer, ServerVersion } from '../../registry/model.ts';
import { registryStatusOf } from '../../registry/pre-read.ts';
import { serverJsonToToolhive } from '../../registry/convert/upstream-to-toolhive.ts';
import { officialOf } from '../../registry/status.ts';
import { timeKey } from '../../registry/time.ts';
import { editDistance } from './suggest.ts';
import type { WorkloadEntry } from './entries.ts';

/** One stored version: its version text, whether the registry deleted it, the fields that differ. */
type Packed = [version: string, deleted: 0 | 1, delta: Partial<WorkloadEntry>];

/** entries.ts's workloadEntry (passed in: entries.ts imports this file). */
type ToEntry = (s: CatalogServer) => WorkloadEntry;

/** How many versions a refusal names. */
export const LISTED_VERSIONS = 10;

/** Whether the source registry deleted this version (kept, served on request, never resolved). */
export function isDeleted(v: ServerVersion): boolean {
  return registryStatusOf(v.registryMeta) === 'deleted';
}

/** The entry a version of this server stands for, converted as the catalogued version was. */
function versionEntry(s: CatalogServer, v: ServerVersion, toEntry: ToEntry): WorkloadEntry {
  const status = registryStatusOf(v.registryMeta);
  const meta = v.registryMeta ? { registryMeta: v.registryMeta } : {};
  const c = serverJsonToToolhive(v.upstream, status);
  const server =
    c.kind === 'upstream-only'
      ? makeCatalogServer({ name: s.name, kind: 'upstream-only', upstream: v.upstream, ...meta })
      : makeCatalogServer({ name: s.name, kind: c.kind, toolhive: c.entry, upstream: v.upstream, ...meta });
  return toEntry(server);
}

/**
 * The server's other versions packed against its catalogued entry, newest published first as the
 * source kept them; undefined when it has none. A version equal to the catalogued one is left out.
 */
export function packVersions(s: CatalogServer, latest: WorkloadEntry, toEntry: ToEntry): string | undefined {
  const packed: Packed[] = [];
  const seen = new Set([latest.version]);
  for (const v of newestFirst(s.versions ?? [])) {
    const e = versionEntry(s, v, toEntry);
    if (seen.has(e.version)) continue;
    seen.add(e.version);
    const delta: Partial<WorkloadEntry> = {};
    const base = latest as unknown as Record<string, unknown>;
    for (const [k, value] of Object.entries(e))
      if (JSON.stringify(value) !== JSON.stringify(base[k])) (delta as Record<string, unknown>)[k] = value;
    // Optional fields the older version lacks are absent from it, not inherited from the latest.
    for (const k of Object.keys(latest)) if (!(k in e)) (delta as Record<string, unknown>)[k] = null;
    packed.push([e.version, isDeleted(v) ? 1 : 0, delta]);
  }
  return packed.length > 0 ? JSON.stringify(packed) : undefined;
}

function newestFirst(versions: ServerVersion[]): ServerVersion[] {
  const key = (v: ServerVersion) => timeKey(officialOf(v.registryMeta).publishedAt) ?? -1n;
  return versions
    .map((v, i) => ({ v, i, k: key(v) }))
    .sort((a, b) => (a.k === b.k ? a.i - b.i : a.k > b.k ? -1 : 1))
    .map((x) => x.v);
}

function unpack(latest: WorkloadEntry, delta: Partial<WorkloadEntry>): WorkloadEntry {
  const out: Record<string, unknown> = { ...latest };
  for (const [k, v] of Object.entries(delta)) {
    if (v === null) delete out[k];
    else out[k] = v;
  }
  return out as unknown as WorkloadEntry;
}

/** Every version of the server as packed: parsed on demand, never kept. */
function unpacked(text: string | undefined): Packed[] {
  return text === undefined ? [] : (JSON.parse(text) as Packed[]);
}

/** The versions a workload can name, the catalogued one first and the others newest first. */
export function availableVersions(latest: WorkloadEntry, text: string | undefined): string[] {
  return [latest.version, ...unpacked(text).flatMap(([v, deleted]) => (deleted ? [] : [v]))];
}

export type VersionLookup =
  | { found: WorkloadEntry }
  | { deleted: true; available: string[]; total: number }
  | { missing: true; available: string[]; total: number };

/** The entry of a named version; the versions a refusal lists otherwise (closest first, bounded). */
export function lookupVersion(
  latest: WorkloadEntry,
  text: string | undefined,
  wanted: string,
): VersionLookup {
  if (wanted === 'latest' || wanted === latest.version) return { found: latest };
  const all = unpacked(text);
  const hit = all.find(([v]) => v === wanted);
  if (hit && hit[1] === 0) return { found: unpack(latest, hit[2]) };
  const every = availableVersions(latest, text);
  const available = closestVersions(wanted, every);
  const total = every.length;
  return hit ? { deleted: true, available, total } : { missing: true, available, total };
}

/**
 * Up to LISTED_VERSIONS versions nearest the wanted one (edit distance, so `1.2.4` finds `1.2.3`),
 * ties in the given order (the latest, then newest first); the latest is always named.
 */
export function closestVersions(wanted: string, versions: readonly string[]): string[] {
  const q = wanted.slice(0, 128);
  const scored = versions.map((v, i) => ({ v, i, d: editDistance(q, v.slice(0, 128), 128) }));
  scored.sort((a, b) => a.d - b.d || a.i - b.i);
  const chosen = scored.slice(0, LISTED_VERSIONS).map((s) => s.v);
  const latest = versions[0];
  if (latest !== undefined && !chosen.includes(latest)) chosen[chosen.length - 1] = latest;
  return chosen;
}
