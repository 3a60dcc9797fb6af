/**
 * Registry data: the public API the controller, the registry API and the CLI code against.
 * Formats and mapping: docs/formats.md.
 */
export type {
  SourceFormat,
  ServerKind,
  CatalogServer,
  Catalog,
  InvalidEntry,
  JsonObject,
  UpstreamStatus,
  OfficialFacts,
  ServerVersion,
} from './model.ts';
export {
  DocumentError,
  TOOLHIVE_NAMESPACE,
  PUBLISHER_PROVIDED,
  OFFICIAL_META,
  UPSTREAM_SCHEMA_URL,
  DEFAULT_UPSTREAM_VERSION,
} from './model.ts';
export type { FilterSpec } from '../api/types.ts';
export { parseRegistryDocument, parseRegistryValue, type ParseResult } from './read.ts';
export { documentFits, documentKey, documentKeyOf } from './document-cache.ts';
export {
  serializeForStorage,
  storageChunks,
  parseStorage,
  toToolhiveServer,
  toUpstreamServerResponse,
  writeRegistry,
  unrepresentableIn,
  STORAGE_UPSTREAM_KEY,
  STORAGE_VERSIONS_KEY,
} from './write.ts';
export {
  filterCatalog,
  filterHash,
  keeps,
  FilterBudget,
  FilterBudgetError,
  MAX_FILTER_WORK,
  TEST_COST,
} from './filter/filter.ts';
export { mergeCatalogs } from './merge.ts';
export { parseGlob, globMatch, GlobError, type GlobResult } from './filter/glob.ts';
export { makeCatalogServer, catalogOf, type ServerParts } from './catalog.ts';
export { validateEntry, prepareValidators, type EntryError } from './validate.ts';
export { boundVersions, type VersionsTrimmed } from './versions.ts';
export { timeKey, rfc3339 } from './time.ts';
export { officialFacts } from './status.ts';
