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
  documentKeyOf,
  filterCatalog,
  filterHash,
  mergeCatalogs,
  parseRegistryDocument,
  parseRegistryValue,
  type Catalog,
  type InvalidEntry,
} from '../registry/index.ts';
import type { SpecV1beta1 } from '../api/types.ts';
import type { FetchedSource } from '../sources/types.ts';

export interface PipelineResult {
  /** sourcesHash of what was fetched: the same content gives the same hash (a no-op resync writes nothing). */
  hash: string;
  filterHash: string;
  serverCount: number;
  invalid: (InvalidEntry & { source: string })[];
  conflicts: number;
  /** What to store (serializeForStorage gives its stored text). */
  catalog: Catalog;
  /**
   * Set when the filters left nothing of what the sources hold (#21.6): which filters, and how many
   * valid servers the sources had. Absent when something was kept or there was nothing to keep.
   */
  filteredOut?: { by: 'sources' | 'spec'; servers: number };
  /** What was read leniently (a ToolHive `status: "active"`), `source NAME: …`; shown in the Synced Event. */
  warnings?: string[];
}

export class DataError extends Error {
  readonly source: string;
  constructor(source: string, message: string) {
    super(message);
    this.name = 'DataError';
    this.source = source;
  }
}

/** SHA-256 of each source's name and text, in order; a parsed source's text is hashed in pieces. */
export function sourcesHash(fetched: FetchedSource[]): string {
  const h = createHash('sha256');
  for (const f of fetched) hashSource(h, f);
  return h.digest('hex');
}

function hashSource(h: Hash, f: FetchedSource, piece?: (p: string) => void): void {
  h.update(f.name).update('\0');
  if (f.parsed)
    for (const p of f.parsed.chunks()) {
      h.update(p);
      piece?.(p);
    }
  else h.update(f.text);
  h.update('\0');
}

/**
 * Reads one fetched source (through the parse-once cache). A parsed source's text is produced once,
 * piece by piece, for the sources hash and the cache key together, before anything reads its objects.
 */
function readSource(h: Hash, f: FetchedSource) {
  if (!f.parsed) {
    hashSource(h, f);
    return parseRegistryDocument(f.text, f.format);
  }
  let bytes = 0;
  const key = documentKeyOf(f.format);
  hashSource(h, f, (p) => {
    bytes += Buffer.byteLength(p);
    key.update(p);
  });
  return parseRegistryValue(f.parsed.value, f.format, { key: key.digest(), bytes });
}

export function specFilterHash(spec: SpecV1beta1): string {
  return filterHash(...spec.sources.map((s) => s.filter), spec.filter);
}

/** What the status and the Warning Event say when the filters kept nothing (#21.6). */
export function filteredOutMessage(f: NonNullable<PipelineResult['filteredOut']>): string {
  const n = `${f.servers} server${f.servers === 1 ? '' : 's'}`;
  return f.by === 'spec'
    ? `the filter matched nothing: spec.filter kept none of the ${n} the sources provide`
    : `the filter matched nothing: the sources' filters kept none of their ${n}`;
}

export function runPipeline(spec: SpecV1beta1, fetched: FetchedSource[]): PipelineResult {
  const parts: Catalog[] = [];
  const invalid: PipelineResult['invalid'] = [];
  const warnings: string[] = [];
  let unfiltered = 0;
  const hash = createHash('sha256');
  for (const f of fetched) {
    const source = spec.sources.find((s) => s.name === f.name);
    let parsed;
    try {
      parsed = readSource(hash, f);
    } catch (e) {
      // Whatever parsing a source's bytes throws is a fault of those bytes, never of the controller:
      // a document nested 200,000 levels deep exhausts the stack (RangeError) and must still say so.
      if (e instanceof DocumentError || e instanceof SyntaxError)
        throw new DataError(f.name, `source ${f.name}: ${e.message}`);
      if (e instanceof RangeError)
        throw new DataError(f.name, `source ${f.name}: document nested too deeply to read (${e.message})`);
      throw new DataError(f.name, `source ${f.name}: cannot read document: ${(e as Error).message}`);
    }
    invalid.push(...parsed.invalid.map((x) => ({ ...x, source: f.name })));
    warnings.push(...parsed.warnings.map((w) => `source ${f.name}: ${w}`));
    unfiltered += parsed.catalog.servers.length;
    parts.push(filterCatalog(parsed.catalog, source?.filter));
  }
  const merged = mergeCatalogs(parts);
  const catalog = filterCatalog(merged.catalog, spec.filter);
  return {
    hash: hash.digest('hex'),
    filterHash: specFilterHash(spec),
    serverCount: catalog.servers.length,
    invalid,
    conflicts: merged.conflicts,
    catalog,
    ...(warnings.length > 0 && { warnings }),
    ...(catalog.servers.length === 0 &&
      unfiltered > 0 && {
        filteredOut: { by: merged.catalog.servers.length === 0 ? 'sources' : 'spec', servers: unfiltered },
      }),
  };
}
