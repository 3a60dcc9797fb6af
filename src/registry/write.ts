/** Writing: one server in either shape, whole documents, and the storage form (see docs/formats.md). */
import { byName, catalogOf, makeCatalogServer } from './catalog.ts';
import { parseJsonDocument } from './json-document.ts';
import {
  DEFAULT_UPSTREAM_VERSION,
  DocumentError,
  OFFICIAL_META,
  TOOLHIVE_SCHEMA_URL,
  UPSTREAM_REGISTRY_SCHEMA_URL,
  isObject,
  type Catalog,
  type CatalogServer,
  type JsonObject,
  type SourceFormat,
} from './model.ts';
import { jsonEqual } from '../api/conversion/json.ts';
import { toolhiveToServerJson } from './toolhive-to-upstream.ts';

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
  const servers: JsonObject = {};
  const remote: JsonObject = {};
  for (const s of catalog.servers) {
    if (!s.toolhive) continue;
    if (s.kind === 'remote') remote[s.name] = s.toolhive;
    else servers[s.name] = s.toolhive;
  }
  return { servers, remote };
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
  const { servers, remote } = toolhiveMaps(catalog);
  const doc: JsonObject = {};
  if (catalog.meta?.version !== undefined) doc.version = catalog.meta.version;
  if (catalog.meta?.lastUpdated !== undefined) doc.last_updated = catalog.meta.lastUpdated;
  doc.servers = servers;
  doc.remote_servers = remote;
  if (catalog.groups) doc.groups = catalog.groups;
  const upstream: JsonObject = {};
  for (const s of [...catalog.servers].sort(byName)) {
    if (!s.upstream && !s.registryMeta) continue;
    const item: JsonObject = {};
    // A server.json that the ToolHive entry regenerates exactly is not stored twice.
    if (s.upstream && s.toolhive && jsonEqual(regenerate(s.name, s.toolhive, s.kind), s.upstream))
      item.derived = true;
    else if (s.upstream) item.server = s.upstream;
    if (s.registryMeta) item._meta = s.registryMeta;
    upstream[s.name] = item;
  }
  if (Object.keys(upstream).length > 0) doc[STORAGE_UPSTREAM_KEY] = upstream;
  return JSON.stringify(doc);
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
  const servers: CatalogServer[] = [];
  const seen = new Set<string>();
  const parts = (name: string, toolhive?: JsonObject, kind?: CatalogServer['kind']) => {
    const item = isObject(extra[name]) ? (extra[name] as JsonObject) : {};
    const upstream =
      item.derived === true && toolhive && kind ? regenerate(name, toolhive, kind) : item.server;
    return {
      ...(isObject(upstream) && { upstream }),
      ...(isObject(item._meta) && { registryMeta: item._meta }),
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
  const meta: NonNullable<Catalog['meta']> = {};
  if (typeof doc.version === 'string') meta.version = doc.version;
  if (typeof doc.last_updated === 'string') meta.lastUpdated = doc.last_updated;
  return catalogOf(servers, meta, Array.isArray(doc.groups) ? doc.groups.filter(isObject) : undefined);
}
