/**
 * The pure part of a sync: fetched bytes → hash → parse/detect → validate (invalid entries skipped
 * and counted) → per-source filter → merge (later source wins) → registry filter → the catalog to store.
 * The storage text is not built here: the storage layer serializes and gzips the catalog piece by
 * piece (a 10,000-server catalog is ~17 MB of text), and a source that parsed its pages already (the
 * registry API) is read from its objects and hashed from its text's pieces (docs/performance.md).
 */
import { createHash, type Hash } from 'node:crypto';
import {
  DocumentError,
  documentFits,
  documentKeyOf,
  filterCatalog,
  FilterBudget,
  FilterBudgetError,
  filterHash,
  mergeCatalogs,
  boundVersions,
  parseRegistryDocument,
  parseRegistryValue,
  type Catalog,
  type InvalidEntry,
  type VersionsTrimmed,
} from '../../registry/index.ts';
import { DEFAULT_VERSIONS_PER_SERVER } from '../../api/schema/v1beta1.ts';
import { discoveredDocument } from '../../registry/discovery/index.ts';
import type { SpecV1beta1 } from '../../api/types.ts';
import type { DiscoveredSource, FetchedSource } from '../../sources/types.ts';
import type { Body } from '../../sources/fetch/fetch-body.ts';

export interface PipelineResult {
  /** sourcesHash of what was fetched: the same content gives the same hash (a no-op resync writes nothing). */
  hash: string;
  filterHash: string;
  serverCount: number;
  invalid: (InvalidEntry & { source: string })[];
  conflicts: number;
  /**
   * What to store (serializeForStorage gives its stored text). For input read before (the same
   * sources and filters), a getter that reads the catalog when first asked: an unchanged resync that
   * stores nothing never builds it.
   */
  catalog: Catalog;
  /**
   * Set when the filters left nothing of what the sources hold (#21.6): which filters, and how many
   * valid servers the sources had. Absent when something was kept or there was nothing to keep.
   */
  filteredOut?: { by: 'sources' | 'spec'; servers: number };
  /** What was read leniently (a ToolHive `status: "active"`), `source NAME: …`; shown in the Synced Event. */
  warnings?: string[];
  /** Sources with servers over their maxVersionsPerServer, and what was left out (versionsTrimmedMessage). */
  versionsTrimmed?: ({ source: string; max: number } & VersionsTrimmed)[];
}

export class DataError extends Error {
  readonly source: string;
  constructor(source: string, message: string) {
    super(message);
    this.name = 'DataError';
    this.source = source;
  }
}

/** A source as the pipeline reads it: text, or a parsed document. */
type ReadSource = Exclude<FetchedSource, { discovered: DiscoveredSource } | { bytes: Body }>;

/**
 * A `kubernetes` source's workloads mapped to its document (the JSON text and the workloads skipped,
 * with why), and a url source's bytes decoded: here, on the sync worker with the rest of the
 * pipeline, not on the event loop that holds the informers (up to ~0.9 s per 1,000 workloads with
 * large annotations, docs/controller.md) and answers admission (~70 ms to decode 28 MB).
 */
function documentOf(f: FetchedSource): ReadSource {
  if (f.bytes)
    return {
      name: f.name,
      format: f.format,
      text: f.bytes.toString(),
      ...(f.skipped && { skipped: f.skipped }),
    };
  if (!f.discovered) return f;
  const doc = discoveredDocument(f.discovered.workloads);
  return { name: f.name, format: f.format, text: doc.text, skipped: doc.skipped };
}

/** SHA-256 of each source's name and text, in order; a parsed source's text is hashed in pieces. */
export function sourcesHash(fetched: FetchedSource[]): string {
  const h = createHash('sha256');
  for (const f of fetched) hashSource(h, documentOf(f));
  return h.digest('hex');
}

function hashSource(h: Hash, f: ReadSource, piece?: (p: string) => void): void {
  h.update(f.name).update('\0');
  if (f.parsed)
    for (const p of f.parsed.chunks()) {
      h.update(p);
      piece?.(p);
    }
  else h.update(f.text);
  // What a source skipped is part of what it read: a new reason to skip is a change.
  if (f.skipped?.length) h.update(JSON.stringify(f.skipped));
  h.update('\0');
}

/** A fetched source's document key (document-cache.ts) and size, when it came parsed; else undefined. */
type TextKey = { key: string; bytes: number } | undefined;

/**
 * Hashes every source (the sources hash) and, for a parsed source, its document key in the same pass:
 * its text is produced once, piece by piece, before anything reads its objects. The key is only
 * worth its second SHA-256 while the text may still fit the parse-once cache: past that size it is
 * dropped (the cache would not keep the document anyway), so a 10 MB registry is hashed once.
 */
function hashSources(fetched: ReadSource[]): { hash: string; keys: TextKey[] } {
  const h = createHash('sha256');
  const keys = fetched.map((f): TextKey => {
    if (!f.parsed) {
      hashSource(h, f);
      return undefined;
    }
    let bytes = 0;
    let key: ReturnType<typeof documentKeyOf> | undefined = documentKeyOf(f.format);
    hashSource(h, f, (p) => {
      if (!key) return;
      bytes += Buffer.byteLength(p);
      if (documentFits(bytes)) key.update(p);
      else key = undefined;
    });
    return key ? { key: key.digest(), bytes } : { key: '', bytes: Infinity };
  });
  return { hash: h.digest('hex'), keys };
}

/** Reads one fetched source (through the parse-once cache). */
function readSource(f: ReadSource, key: TextKey) {
  if (!f.parsed) return parseRegistryDocument(f.text, f.format);
  return parseRegistryValue(f.parsed.value, f.format, key ?? { key: '', bytes: Infinity });
}

export function specFilterHash(spec: SpecV1beta1): string {
  const filters = filterHash(...spec.sources.map((s) => s.filter), spec.filter);
  // A registry source's version bound shapes what is stored as a filter does, so a new bound is a
  // new sync; without one the hash is what it always was (no rewrite of every registry on upgrade).
  const bounds = spec.sources.map((s) => s.registry?.maxVersionsPerServer ?? null);
  if (bounds.every((b) => b === null)) return filters;
  return createHash('sha256').update(filters).update(JSON.stringify(bounds)).digest('hex');
}

/** What the status says when a source's servers have more versions than its bound (SPEC §14). */
export function versionsTrimmedMessage(t: NonNullable<PipelineResult['versionsTrimmed']>): string {
  return t
    .map(
      (x) =>
        `source ${x.source}: ${x.servers} server${x.servers === 1 ? ' has' : 's have'} more than ${x.max} version${x.max === 1 ? '' : 's'}; ${x.versions} older version${x.versions === 1 ? '' : 's'} left out (maxVersionsPerServer: ${x.max})`,
    )
    .join('; ');
}

/** What the status and the Warning Event say when the filters kept nothing (#21.6). */
export function filteredOutMessage(f: NonNullable<PipelineResult['filteredOut']>): string {
  const n = `${f.servers} server${f.servers === 1 ? '' : 's'}`;
  return f.by === 'spec'
    ? `the filter matched nothing: spec.filter kept none of the ${n} the sources provide`
    : `the filter matched nothing: the sources' filters kept none of their ${n}`;
}

export function runPipeline(spec: SpecV1beta1, sources: FetchedSource[]): PipelineResult {
  const fetched = sources.map(documentOf);
  const { hash, keys } = hashSources(fetched);
  const fHash = specFilterHash(spec);
  // The same sources (names, formats, content) under the same filters read the same: a resync of
  // unchanged data reuses the figures of the last read and reads the catalog only if it is stored.
  const outcome = `${hash}\0${fHash}\0${fetched.map((f) => f.format).join('\0')}`;
  const known = outcomes.get(outcome);
  if (known) {
    outcomes.delete(outcome);
    outcomes.set(outcome, known);
    let catalog: Catalog | undefined;
    return {
      ...known,
      get catalog() {
        catalog ??= read(spec, fetched, keys).catalog;
        return catalog;
      },
    };
  }
  const r = read(spec, fetched, keys);
  const result: PipelineResult = {
    hash,
    filterHash: fHash,
    serverCount: r.catalog.servers.length,
    invalid: r.invalid,
    conflicts: r.conflicts,
    catalog: r.catalog,
    ...(r.warnings.length > 0 && { warnings: r.warnings }),
    ...(r.filteredOut && { filteredOut: r.filteredOut }),
    ...(r.trimmed.length > 0 && { versionsTrimmed: r.trimmed }),
  };
  if (r.invalid.length + r.warnings.length <= MAX_OUTCOME_ENTRIES) {
    // Shared by every later result of the same input: frozen, like the parse cache's results.
    Object.freeze(r.invalid);
    Object.freeze(r.warnings);
    const { catalog: _catalog, ...figures } = result;
    outcomes.set(outcome, Object.freeze(figures));
    if (outcomes.size > MAX_OUTCOMES) outcomes.delete(outcomes.keys().next().value as string);
  }
  return result;
}

/**
 * What runPipeline found for recent inputs, without their catalogs (a count and the invalid entries
 * each: small next to a catalog), least recently used first. A periodic resync of a 10,000-server
 * registry whose data did not change then neither validates nor converts it again (docs/performance.md).
 */
const outcomes = new Map<string, Omit<PipelineResult, 'catalog'>>();
const MAX_OUTCOMES = 64;
/** Inputs with more invalid entries and warnings than this are read again each time (memory bound). */
const MAX_OUTCOME_ENTRIES = 1000;

/** Forgets what runPipeline remembered (for tests). */
export function clearPipelineOutcomes(): void {
  outcomes.clear();
}

function read(spec: SpecV1beta1, fetched: ReadSource[], keys: TextKey[]) {
  const parts: Catalog[] = [];
  const invalid: PipelineResult['invalid'] = [];
  const warnings: string[] = [];
  // One budget for every filter of the sync: servers × patterns is bounded, not only each glob.
  const budget = new FilterBudget();
  const trimmed: NonNullable<PipelineResult['versionsTrimmed']> = [];
  let unfiltered = 0;
  fetched.forEach((f, i) => {
    const source = spec.sources.find((s) => s.name === f.name);
    let parsed;
    try {
      parsed = readSource(f, keys[i]);
    } catch (e) {
      // Whatever parsing a source's bytes throws is a fault of those bytes, never of the controller:
      // a document nested 200,000 levels deep exhausts the stack (RangeError) and must still say so.
      if (e instanceof DocumentError || e instanceof SyntaxError)
        throw new DataError(f.name, `source ${f.name}: ${e.message}`);
      if (e instanceof RangeError)
        throw new DataError(f.name, `source ${f.name}: document nested too deeply to read (${e.message})`);
      throw new DataError(f.name, `source ${f.name}: cannot read document: ${(e as Error).message}`);
    }
    // Loops, not push(...x): a spread passes every element as an argument, and ~120,000 of them
    // (a source of invalid entries) overflow the stack with a RangeError.
    for (const x of parsed.invalid) invalid.push({ ...x, source: f.name });
    for (const x of f.skipped ?? [])
      invalid.push({ entry: x.workload, field: '', reason: x.reason, source: f.name });
    for (const w of parsed.warnings) warnings.push(`source ${f.name}: ${w}`);
    unfiltered += parsed.catalog.servers.length;
    // Every version a registry offers is kept, up to the source's bound (SPEC §14 "Mirror fidelity").
    const max = source?.registry?.maxVersionsPerServer ?? DEFAULT_VERSIONS_PER_SERVER;
    const versions = boundVersions(parsed.catalog, max);
    if (versions.trimmed) trimmed.push({ source: f.name, max, ...versions.trimmed });
    parts.push(
      bounded(f.name, `source ${f.name}`, () => filterCatalog(versions.catalog, source?.filter, budget)),
    );
  });
  const merged = mergeCatalogs(parts);
  const catalog = bounded('', 'spec.filter', () => filterCatalog(merged.catalog, spec.filter, budget));
  const filteredOut: PipelineResult['filteredOut'] =
    catalog.servers.length === 0 && unfiltered > 0
      ? { by: merged.catalog.servers.length === 0 ? 'sources' : 'spec', servers: unfiltered }
      : undefined;
  return { catalog, invalid, warnings, conflicts: merged.conflicts, filteredOut, trimmed };
}

/** Runs one filter; its work limit is a data failure of that filter (InvalidData, docs/controller.md). */
function bounded<T>(source: string, what: string, run: () => T): T {
  try {
    return run();
  } catch (e) {
    if (e instanceof FilterBudgetError) throw new DataError(source, `${what}: ${e.message}`);
    throw e;
  }
}
