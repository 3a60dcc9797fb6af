/** Reading registry documents: format detection, entry validation, conversion into the catalog model. */
import { byName as nameOrder, catalogNameOf, catalogOf, makeCatalogServer } from './catalog.ts';
import { parseJsonDocument } from './json-document.ts';
import {
  DocumentError,
  OFFICIAL_META,
  isObject,
  type Catalog,
  type CatalogServer,
  type InvalidEntry,
  type JsonObject,
  type ServerVersion,
  type SourceFormat,
} from './model.ts';
import { serverJsonToToolhive } from './convert/upstream-to-toolhive.ts';
import { normaliseToolhiveStatus, toolhiveStatusOf } from './status.ts';
import { validateEntry } from './validate.ts';
import { registryStatusOf, takePreRead } from './pre-read.ts';
import { DocumentCache } from './document-cache.ts';
import { current, withOthers, withdrawnServer, type Kept } from './versions.ts';

export interface ParseResult {
  catalog: Catalog;
  invalid: InvalidEntry[];
  format: SourceFormat;
  /** `name: reason` for upstream servers ToolHive cannot express, or only in part. */
  unrepresentable: string[];
  /** What was read leniently and normalised (`NAME: status "active" read as "Active" …`). */
  warnings: string[];
}

/** The process's parse cache, shared by the controller, the registry API and the CLI. */
export const documents = new DocumentCache<ParseResult>((text, format) => readRegistryDocument(text, format));

type Shape =
  | 'ToolHive registry'
  | 'upstream API page'
  | 'JSON array of server.json'
  | 'ToolHive upstream wrapper'
  | 'server.json';

const TOOLHIVE_KEY = /^[a-z0-9][a-z0-9-]+[a-z0-9]$/;
const UPSTREAM_NAME = /^[a-zA-Z0-9.-]+\/[a-zA-Z0-9._-]+$/;

function detect(doc: unknown): Shape | undefined {
  if (Array.isArray(doc)) return 'JSON array of server.json';
  if (!isObject(doc)) return undefined;
  if (Array.isArray(doc.servers)) return 'upstream API page';
  if (isObject(doc.servers) || isObject(doc.remote_servers)) return 'ToolHive registry';
  if (isObject(doc.data) && Array.isArray(doc.data.servers)) return 'ToolHive upstream wrapper';
  // One bare server.json (as the upstream examples are), named or not.
  const serverLike = typeof doc.name === 'string' || doc.packages !== undefined || doc.remotes !== undefined;
  const notAWrapper = doc.last_updated === undefined && doc.meta === undefined && doc.data === undefined;
  if (notAWrapper && (serverLike || (typeof doc.version === 'string' && typeof doc.description === 'string')))
    return 'server.json';
  return undefined;
}

/**
 * Reads a registry document, once per content (document-cache.ts): the result is shared between
 * callers that read the same bytes and must not be changed in place (it is frozen).
 */
export function parseRegistryDocument(text: string, format: SourceFormat | 'auto'): ParseResult {
  return documents.get(text, format);
}

/**
 * The same for a document a source has already parsed (`doc` as JSON.parse gives it), once per
 * content too: `text` is the documentKey of its text (document-cache.ts, computed from the text's
 * pieces by the caller, which hashes them anyway) and the text's size in UTF-8 bytes, so the same
 * content shares one entry whichever way it was fetched, and a large document is not kept.
 */
export function parseRegistryValue(
  doc: unknown,
  format: SourceFormat | 'auto',
  text: { key: string; bytes: number },
): ParseResult {
  return documents.getKeyed(text, () => readRegistryValue(doc, format));
}

/** Reads a registry document without the cache (the cache's own reader, and for tests). */
export function readRegistryDocument(text: string, format: SourceFormat | 'auto'): ParseResult {
  return readRegistryValue(parseJsonDocument(text), format);
}

function readRegistryValue(doc: unknown, format: SourceFormat | 'auto'): ParseResult {
  const shape = detect(doc);
  if (!shape) {
    throw new DocumentError(
      'not a registry document: expected a ToolHive registry ({"servers": {...}}), an upstream API page ({"servers": [...]}), a JSON array of server.json, or ToolHive\'s {"data": {"servers": [...]}}',
    );
  }
  const detected: SourceFormat = shape === 'ToolHive registry' ? 'toolhive' : 'upstream';
  if (format !== 'auto' && format !== detected) {
    throw new DocumentError(
      `the document is a ${shape} (${detected} format), but the format is set to ${format}: set format: ${detected}`,
    );
  }
  if (shape === 'upstream API page') refuseTruncatedPage(doc as JsonObject);
  return detected === 'toolhive' ? readToolhive(doc as JsonObject) : readUpstream(doc, shape);
}

/**
 * One page of a paged upstream API answer (`/v0.1/servers?limit=100` saved or fetched by a `url`
 * source) holds only the first servers: reading it as the catalog would silently drop the rest. The
 * `registry` source follows every page and hands over one document without a cursor, so a cursor here
 * always means a truncated catalog (issue #14.4).
 */
function refuseTruncatedPage(doc: JsonObject): void {
  const next = isObject(doc.metadata) ? doc.metadata.nextCursor : undefined;
  if (typeof next !== 'string' || next === '') return;
  const count = Array.isArray(doc.servers) ? doc.servers.length : 0;
  throw new DocumentError(
    `the document is one page of an upstream registry API (${count} servers, and metadata.nextCursor says more follow): reading it would silently drop every later page; use a source of type: registry with the registry's base URL, which follows every page`,
  );
}

function readToolhive(doc: JsonObject): ParseResult {
  const invalid: InvalidEntry[] = [];
  const warnings: string[] = [];
  const servers: CatalogServer[] = [];
  const seen = new Set<string>();
  for (const [mapKey, kind] of [
    ['servers', 'container'],
    ['remote_servers', 'remote'],
  ] as const) {
    const map = doc[mapKey];
    if (map === undefined) continue;
    if (!isObject(map))
      throw new DocumentError(`${mapKey}: must be an object mapping server names to servers`);
    for (const [name, entry] of Object.entries(map)) {
      if (seen.has(name)) {
        invalid.push({
          entry: name,
          field: '',
          reason: 'defined in both servers and remote_servers; the remote_servers entry is skipped',
        });
        continue;
      }
      if (!TOOLHIVE_KEY.test(name) && !UPSTREAM_NAME.test(name)) {
        invalid.push({
          entry: name,
          field: '',
          reason: `name must match ${TOOLHIVE_KEY.source} (or be a reverse-DNS upstream name)`,
        });
        continue;
      }
      const warning = normaliseToolhiveStatus(entry, name);
      if (warning) warnings.push(warning);
      const error = validateEntry(kind, entry);
      if (error) {
        invalid.push({ entry: name, ...error });
        continue;
      }
      seen.add(name);
      servers.push(makeCatalogServer({ name, kind, toolhive: entry as JsonObject }));
    }
  }
  const meta: Catalog['meta'] = {};
  if (typeof doc.version === 'string') meta.version = doc.version;
  if (typeof doc.last_updated === 'string') meta.lastUpdated = doc.last_updated;
  const groups = Array.isArray(doc.groups) ? doc.groups.filter(isObject) : undefined;
  return {
    catalog: catalogOf(servers, meta, groups),
    invalid,
    format: 'toolhive',
    unrepresentable: [],
    warnings,
  };
}

interface Item {
  where: string;
  server: unknown;
  meta?: unknown;
}

function upstreamItems(doc: unknown, shape: Shape): { items: Item[]; meta: Catalog['meta'] } {
  const meta: NonNullable<Catalog['meta']> = {};
  if (shape === 'server.json') return { items: [{ where: '(document)', server: doc }], meta };
  if (shape === 'JSON array of server.json') {
    // Also a bare list of API ServerResponse items ({server, _meta}), as saved from a page's `servers`.
    const items = (doc as unknown[]).map((x, i) =>
      isObject(x) && isObject(x.server) && x.name === undefined
        ? { where: `[${i}]`, server: x.server, meta: x._meta }
        : { where: `[${i}]`, server: x },
    );
    return { items, meta };
  }
  const o = doc as JsonObject;
  if (shape === 'upstream API page') {
    const items = (o.servers as unknown[]).map((item, i) =>
      isObject(item)
        ? { where: `servers[${i}]`, server: item.server, meta: item._meta }
        : { where: `servers[${i}]`, server: undefined },
    );
    return { items, meta };
  }
  if (typeof o.version === 'string') meta.version = o.version;
  if (isObject(o.meta) && typeof o.meta.last_updated === 'string') meta.lastUpdated = o.meta.last_updated;
  const data = o.data as JsonObject;
  return {
    items: (data.servers as unknown[]).map((server, i) => ({ where: `data.servers[${i}]`, server })),
    meta,
  };
}

function readUpstream(doc: unknown, shape: Shape): ParseResult {
  const { items, meta } = upstreamItems(doc, shape);
  const invalid: InvalidEntry[] = [];
  // Every version of each server (an API page lists them all): one is catalogued, the others kept.
  const byName = new Map<string, Kept[]>();
  for (const item of items) {
    const named = isObject(item.server) && typeof item.server.name === 'string' && item.server.name !== '';
    const entry = named ? ((item.server as JsonObject).name as string) : item.where;
    if (!isObject(item.server)) {
      invalid.push({
        entry,
        field: shape === 'upstream API page' ? 'server' : '',
        reason: 'must be an object (a server.json)',
      });
      continue;
    }
    // Validated and converted while the registry source paged, when it was (pre-read.ts).
    const ahead = takePreRead(item.server);
    const error = ahead ? ahead.error : validateEntry('upstream', item.server);
    if (error) {
      invalid.push({ entry, ...error });
      continue;
    }
    const official =
      isObject(item.meta) && isObject(item.meta[OFFICIAL_META]) ? item.meta[OFFICIAL_META] : {};
    const kept: Kept = {
      item,
      server: item.server,
      latest: official.isLatest === true,
      deleted: official.status === 'deleted', // the registry withdrew it: served only on request
      ...(ahead && { ahead }),
    };
    const versions = byName.get(entry);
    if (versions) versions.push(kept);
    else byName.set(entry, [kept]);
  }
  const chosen = new Map<string, Kept & { versions?: ServerVersion[] }>();
  const withdrawn: CatalogServer[] = [];
  for (const [entry, versions] of byName) {
    const c = current(versions);
    if (c) chosen.set(entry, withOthers(c, versions));
    else withdrawn.push(withdrawnServer(catalogNameOf(entry), versions));
  }
  const unrepresentable: string[] = [];
  const warnings: string[] = [];
  const servers: CatalogServer[] = [];
  for (const [upstreamName, { item, server, ahead, versions }] of chosen) {
    const name = catalogNameOf(upstreamName);
    const registryMeta = isObject(item.meta) ? item.meta : undefined;
    const officialStatus = registryStatusOf(registryMeta);
    const converted =
      ahead?.converted && ahead.status === officialStatus
        ? ahead.converted
        : serverJsonToToolhive(server, officialStatus);
    if (converted.kind === 'upstream-only') {
      unrepresentable.push(`${upstreamName}: ${converted.reason}`);
      servers.push(
        makeCatalogServer({
          name,
          kind: 'upstream-only',
          upstream: server,
          ...(registryMeta && { registryMeta }),
          ...(versions && { versions }),
        }),
      );
      continue;
    }
    if (converted.lossy) unrepresentable.push(`${upstreamName}: ${converted.lossy}`);
    const entry = converted.entry;
    if (entry.name === upstreamName) delete entry.name; // the catalog key says it
    // The registry's official status wins over the publisher extension's, in ToolHive output too.
    const official = officialStatus && toolhiveStatusOf(officialStatus);
    if (official) entry.status = official;
    else {
      const warning = normaliseToolhiveStatus(entry, upstreamName);
      if (warning) warnings.push(warning);
    }
    servers.push(
      makeCatalogServer({
        name,
        kind: converted.kind,
        toolhive: entry,
        upstream: server,
        ...(registryMeta && { registryMeta }),
        ...(versions && { versions }),
      }),
    );
  }
  const catalog = catalogOf(servers, meta);
  if (withdrawn.length > 0) catalog.withdrawn = withdrawn.sort(nameOrder);
  return { catalog, invalid, format: 'upstream', unrepresentable, warnings };
}
