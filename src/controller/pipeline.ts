/**
 * The pure part of a sync: fetched bytes → hash → parse/detect → validate (invalid entries skipped
 * and counted) → per-source filter → merge (later source wins) → registry filter → storage text.
 */
import { createHash } from 'node:crypto';
import {
  DocumentError,
  filterCatalog,
  filterHash,
  mergeCatalogs,
  parseRegistryDocument,
  serializeForStorage,
  type Catalog,
  type InvalidEntry,
} from '../registry/index.ts';
import type { SpecV1beta1 } from '../api/types.ts';
import type { FetchedSource } from '../sources/types.ts';

export interface PipelineResult {
  text: string;
  hash: string;
  filterHash: string;
  serverCount: number;
  invalid: (InvalidEntry & { source: string })[];
  conflicts: number;
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

export function sourcesHash(fetched: FetchedSource[]): string {
  const h = createHash('sha256');
  for (const f of fetched) h.update(f.name).update('\0').update(f.text).update('\0');
  return h.digest('hex');
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
  for (const f of fetched) {
    const source = spec.sources.find((s) => s.name === f.name);
    let parsed;
    try {
      parsed = parseRegistryDocument(f.text, f.format);
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
    text: serializeForStorage(catalog),
    hash: sourcesHash(fetched),
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
