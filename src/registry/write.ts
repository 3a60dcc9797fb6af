/** Writing: one server in either shape, whole documents, and the storage form (see docs/formats.md). */
import { byName, catalogOf, makeCatalogServer } from './catalog.ts';
import { parseJsonDocument } from './json-document.ts';
import {
  DEFAULT_UPSTREAM_VERSION,
  DocumentError,
  OFFICIAL_META,
  TOOLHIVE_SCHEMA_URL,
  UPSTREAM_REGISTRY_SCHEMA_URL,
  UPSTREAM_SCHEMA_URL,
  isObject,
  type Catalog,
  type CatalogServer,
  type JsonObject,
  type SourceFormat,
} from './model.ts';
import { jsonEqual } from '../api/conversion/json.ts';
import { toolhiveToServerJson } from './convert/toolhive-to-upstream.ts';
import {
  STORAGE_VERSIONS_KEY,
  storedVersion,
  storedVersionEntries,
  storedVersions,
  withdrawnInStorage,
} from './storage-versions.ts';

export { STORAGE_VERSIONS_KEY };

/** Storage extension key: upstream originals (server.json and registry `_meta`) by catalog name. */
export const STORAGE_UPSTREAM_KEY = 'upstream_servers';

/** One entry in ToolHive shape, `name` first; undefined for a server ToolHive cannot express. */
export function toToolhiveServer(s: CatalogServer): JsonObject | undefined {
  if (!s.toolhive) return undefined;
  const { name: _ignored, ...rest } = s.toolhive;
  return { name: s.name, ...rest };
}

/**
 * One upstream ServerResponse item: the server.json as read, or converted from the ToolHive entry,
 * and the source registry's `_meta` keys other than the official block.
 */
export function toUpstreamServerResponse(s: CatalogServer): { server: JsonObject; _meta?: JsonObject } {
  const server = s.upstream ?? regenerate(s.name, s.toolhive ?? {}, s.kind);
  // The `official` block belongs to whichever registry serves the response, so it is left to the
  // server (ours builds its own); the source registry's block stays readable in `s.registryMeta`.
  const { [OFFICIAL_META]: _official, ...others } = s.registryMeta ?? {};
  return Object.keys(others).length > 0 ? { server, _meta: others } : { server };
}

/** What `to` cannot carry of this catalog, as `name: reason` lines (for `thv registry convert`). */
export function unrepresentableIn(catalog: Catalog, to: SourceFormat): string[] {
  if (to === 'upstream')
    return catalog.groups?.length ? [`groups: ${catalog.groups.length} group(s) have no upstream form`] : [];
  return catalog.servers
    .filter((s) => !s.toolhive)
    .map((s) => `${s.upstreamName}: not expressible in the ToolHive format, left out`);
}

function lastUpdated(catalog: Catalog): string | undefined {
  if (catalog.meta?.lastUpdated) return catalog.meta.lastUpdated;
  const times = catalog.servers.map((s) => s.lastUpdated).filter((t): t is string => !!t);
  return times.sort().at(-1);
}

function toolhiveMaps(catalog: Catalog) {
  const { servers, remote } = toolhiveEntries(catalog);
  // Filled by assignment, as the stored text's objectKeys assumes (a "__proto__" name is no key).
  const fill = (entries: (readonly [string, JsonObject])[]) => {
    const o: JsonObject = {};
    for (const [k, v] of entries) o[k] = v;
    return o;
  };
  return { servers: fill(servers), remote: fill(remote) };
}

/** A whole document: ToolHive `registry.json`, or ToolHive's upstream wrapper `{version, meta, data:{servers}}`. */
export function writeRegistry(catalog: Catalog, to: SourceFormat): string {
  const updated = lastUpdated(catalog);
  if (to === 'toolhive') {
    const { servers, remote } = toolhiveMaps(catalog);
    const doc: JsonObject = {
      $schema: TOOLHIVE_SCHEMA_URL,
      version: catalog.meta?.version ?? DEFAULT_UPSTREAM_VERSION,
    };
    if (updated) doc.last_updated = updated;
    doc.servers = servers;
    doc.remote_servers = remote;
    if (catalog.groups) doc.groups = catalog.groups;
    return `${JSON.stringify(doc, null, 2)}\n`;
  }
  const doc: JsonObject = {
    $schema: UPSTREAM_REGISTRY_SCHEMA_URL,
    version: catalog.meta?.version ?? DEFAULT_UPSTREAM_VERSION,
  };
  if (updated) doc.meta = { last_updated: updated };
  doc.data = { servers: catalog.servers.map((s) => toUpstreamServerResponse(s).server) };
  return `${JSON.stringify(doc, null, 2)}\n`;
}

/**
 * The stored form: a ToolHive registry.json (compact, servers in name order) plus one extension key,
 * `upstream_servers`, holding what the ToolHive form cannot: the upstream originals and upstream-only servers.
 */
export function serializeForStorage(catalog: Catalog): string {
  return [...storageChunks(catalog)].join('');
}

/**
 * serializeForStorage in pieces, one server at a time: their concatenation is exactly that text, but
 * no one has to hold it whole (~17 MB for 10,000 upstream servers; the storage layer gzips it as it
 * comes, docs/performance.md). The text is what JSON.stringify gives for the document
 * `{version?, last_updated?, servers, remote_servers, groups?, upstream_servers?}` built from maps
 * filled in name order, so the pieces follow JavaScript's property order (objectPieces).
 */
export function* storageChunks(catalog: Catalog): Generator<string> {
  const { servers, remote } = toolhiveEntries(catalog);
  yield '{';
  let comma = '';
  if (catalog.meta?.version !== undefined) {
    yield `"version":${JSON.stringify(catalog.meta.version)}`;
    comma = ',';
  }
  if (catalog.meta?.lastUpdated !== undefined) {
    yield `${comma}"last_updated":${JSON.stringify(catalog.meta.lastUpdated)}`;
    comma = ',';
  }
  yield `${comma}"servers":`;
  yield* objectPieces(servers, (v) => v);
  yield ',"remote_servers":';
  yield* objectPieces(remote, (v) => v);
  if (catalog.groups) yield `,"groups":${JSON.stringify(catalog.groups)}`;
  const upstream = [...catalog.servers]
    .sort(byName)
    .filter((s) => s.upstream || s.registryMeta)
    .map((s) => [s.name, s] as const);
  if (upstream.some(([name]) => name !== '__proto__')) {
    yield `,"${STORAGE_UPSTREAM_KEY}":`;
    yield* objectPieces(upstream, upstreamItem);
  }
  const versioned = storedVersionEntries(catalog);
  if (versioned.some(([name]) => name !== '__proto__')) {
    yield `,"${STORAGE_VERSIONS_KEY}":`;
    yield* objectPieces(versioned, (vs) => vs.map(storedVersion));
  }
  yield '}';
}

/** What `upstream_servers` holds for one server. */
function upstreamItem(s: CatalogServer): JsonObject {
  const item: JsonObject = {};
  // A server.json that the ToolHive entry regenerates exactly is not stored twice.
  if (
    s.upstream &&
    s.toolhive &&
    mayBeRegenerated(s.upstream) &&
    jsonEqual(regenerate(s.name, s.toolhive, s.kind), s.upstream)
  )
    item.derived = true;
  else if (s.upstream) item.server = s.upstream;
  if (s.registryMeta) item._meta = s.registryMeta;
  return item;
}

/**
 * False when no regeneration can equal this server.json: toolhiveToServerJson always writes
 * UPSTREAM_SCHEMA_URL and DEFAULT_UPSTREAM_VERSION (test/unit/registry/storage-chunks.test.ts checks
 * the decisions against the full comparison), so a server.json with another `$schema` or `version`
 * is stored as read without converting its entry back and comparing: that was about 40% of the
 * storage text's CPU in a profile of 10,000 upstream servers, none of which could match.
 */
function mayBeRegenerated(upstream: JsonObject): boolean {
  return upstream.$schema === UPSTREAM_SCHEMA_URL && upstream.version === DEFAULT_UPSTREAM_VERSION;
}

function toolhiveEntries(catalog: Catalog) {
  const servers: (readonly [string, JsonObject])[] = [];
  const remote: (readonly [string, JsonObject])[] = [];
  for (const s of catalog.servers) {
    if (!s.toolhive) continue;
    (s.kind === 'remote' ? remote : servers).push([s.name, s.toolhive]);
  }
  return { servers, remote };
}

/** Array indices ("0" … "4294967294" in canonical form): JavaScript orders them first, ascending. */
function isIndexKey(k: string): boolean {
  if (k === '' || k.length > 10 || (k.length > 1 && k[0] === '0') || !/^\d+$/.test(k)) return false;
  return Number(k) < 4294967295;
}

/**
 * The keys an object filled with these entries in order would have, in JavaScript's order: index
 * keys first in ascending order, then the rest as inserted; a repeated key keeps its first place and
 * its last value; `__proto__` sets the prototype instead of a property, so it is not a key.
 */
function objectKeys<V>(entries: readonly (readonly [string, V])[]): [string, V][] {
  const last = new Map<string, V>();
  for (const [k, v] of entries) if (k !== '__proto__') last.set(k, v);
  const keys = [...last.keys()];
  const index = keys.filter(isIndexKey).sort((a, b) => Number(a) - Number(b));
  const rest = index.length > 0 ? keys.filter((k) => !isIndexKey(k)) : keys;
  return [...index, ...rest].map((k) => [k, last.get(k) as V]);
}

/** JSON.stringify of the object those entries fill, one property at a time. */
function* objectPieces<V>(
  entries: readonly (readonly [string, V])[],
  value: (v: V) => unknown,
): Generator<string> {
  let first = true;
  for (const [k, v] of objectKeys(entries)) {
    const json = JSON.stringify(value(v));
    if (json === undefined) continue; // JSON.stringify leaves out properties it cannot write
    yield `${first ? '{' : ','}${JSON.stringify(k)}:${json}`;
    first = false;
  }
  yield first ? '{}' : '}';
}

function regenerate(name: string, toolhive: JsonObject, kind: CatalogServer['kind']): JsonObject {
  return toolhiveToServerJson(name, toolhive, kind === 'remote' ? 'remote' : 'container');
}

/** The exact inverse of serializeForStorage. */
export function parseStorage(text: string): Catalog {
  const doc = parseJsonDocument(text);
  if (!isObject(doc) || !isObject(doc.servers))
    throw new DocumentError('stored catalog: expected a ToolHive registry object');
  const extra = isObject(doc[STORAGE_UPSTREAM_KEY]) ? (doc[STORAGE_UPSTREAM_KEY] as JsonObject) : {};
  const versionsOf = storedVersions(doc[STORAGE_VERSIONS_KEY]);
  const servers: CatalogServer[] = [];
  const seen = new Set<string>();
  const parts = (name: string, toolhive?: JsonObject, kind?: CatalogServer['kind']) => {
    const item = isObject(extra[name]) ? (extra[name] as JsonObject) : {};
    const upstream =
      item.derived === true && toolhive && kind ? regenerate(name, toolhive, kind) : item.server;
    const versions = versionsOf(name);
    return {
      ...(isObject(upstream) && { upstream }),
      ...(isObject(item._meta) && { registryMeta: item._meta }),
      ...(versions && { versions }),
    };
  };
  for (const [mapKey, kind] of [
    ['servers', 'container'],
    ['remote_servers', 'remote'],
  ] as const) {
    const map = isObject(doc[mapKey]) ? (doc[mapKey] as JsonObject) : {};
    for (const [name, entry] of Object.entries(map)) {
      if (!isObject(entry)) continue;
      seen.add(name);
      servers.push(makeCatalogServer({ name, kind, toolhive: entry, ...parts(name, entry, kind) }));
    }
  }
  for (const name of Object.keys(extra)) {
    if (!seen.has(name)) servers.push(makeCatalogServer({ name, kind: 'upstream-only', ...parts(name) }));
  }
  const withdrawn = withdrawnInStorage(versionsOf, (name) => seen.has(name) || Object.hasOwn(extra, name));
  const meta: NonNullable<Catalog['meta']> = {};
  if (typeof doc.version === 'string') meta.version = doc.version;
  if (typeof doc.last_updated === 'string') meta.lastUpdated = doc.last_updated;
  const catalog = catalogOf(
    servers,
    meta,
    Array.isArray(doc.groups) ? doc.groups.filter(isObject) : undefined,
  );
  if (withdrawn.length > 0) catalog.withdrawn = withdrawn.sort(byName);
  return catalog;
}
