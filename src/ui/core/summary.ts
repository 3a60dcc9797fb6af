/**
 * The catalog page's list data: one small record per server, derived from the API snapshot's entries
 * (the same objects the API serves, so the page never holds a second copy of the catalog). Pure: used
 * by the server to build `/ui/catalog.json` once per snapshot, and by the browser as its types.
 */

/** What the summary builder needs from a snapshot entry (structurally the registry API's ApiEntry). */
export interface SummaryEntry {
  readonly name: string;
  readonly description: string;
  readonly tags: readonly string[];
  readonly toolhive: Readonly<Record<string, unknown>>;
  readonly server: Readonly<Record<string, unknown>>;
  readonly meta: Readonly<Record<string, unknown>>;
  readonly updatedAt: string;
}

export interface SummaryInfo {
  readonly name: string;
  /** The source document's format: an upstream catalog's ToolHive fields are filled by conversion, not data. */
  readonly format?: 'toolhive' | 'upstream';
  readonly displayName?: string;
  readonly serverCount: number;
  readonly lastUpdated?: string;
  readonly version?: string;
}

export interface ServerSummary {
  name: string;
  /** The upstream server.json name (`io.github.stacklok/github`) when it differs from `name`. */
  fullName?: string;
  title?: string;
  description: string;
  tier?: string;
  transport?: string;
  /** Display form: Active, Deprecated, Deleted (or the source's own word, capitalised); absent when the data says none. */
  status?: string;
  tags: string[];
  stars?: number;
  updatedAt?: string;
}

export interface CatalogSummary {
  registry: {
    name: string;
    displayName?: string;
    format?: 'toolhive' | 'upstream';
    serverCount: number;
    lastUpdated?: string;
    version?: string;
  };
  servers: ServerSummary[];
}

export const PUBLISHER_META = 'io.modelcontextprotocol.registry/publisher-provided';
export const OFFICIAL_META = 'io.modelcontextprotocol.registry/official';

export type Obj = Readonly<Record<string, unknown>>;

export const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
export const str = (v: unknown): string | undefined => (typeof v === 'string' && v !== '' ? v : undefined);
export const num = (v: unknown): number | undefined =>
  typeof v === 'number' && Number.isFinite(v) ? v : undefined;

/** The ToolHive extension an upstream server.json carries (`_meta` publisher-provided, first one found). */
export function publisherExtension(server: Obj | undefined): Obj {
  const pp = isObj(server?._meta) ? server._meta[PUBLISHER_META] : undefined;
  if (!isObj(pp)) return {};
  for (const ns of Object.values(pp)) {
    if (!isObj(ns)) continue;
    for (const ext of Object.values(ns)) if (isObj(ext)) return ext;
  }
  return {};
}

/** `active`, `DEPRECATED`, `Deprecated` → `Active`, `Deprecated`; missing → Active (ToolHive's default). */
export function displayStatus(raw: string | undefined): string {
  const s = (raw ?? 'active').trim().toLowerCase();
  return s === '' ? 'Active' : s[0]!.toUpperCase() + s.slice(1);
}

function upstreamTransport(server: Obj): string | undefined {
  for (const key of ['packages', 'remotes'] as const) {
    const list = server[key];
    const first = Array.isArray(list) ? list.find(isObj) : undefined;
    if (!first) continue;
    const t = key === 'packages' ? (isObj(first.transport) ? first.transport.type : undefined) : first.type;
    if (str(t)) return str(t);
  }
  return undefined;
}

/**
 * What the data says about a server, and nothing else. In an upstream catalog the ToolHive entry's tier
 * (`Community`) and status are filled by the conversion because ToolHive's format requires them, and the
 * API's timestamps fall back to the catalog's date or the load time: those are not facts about the
 * server, so only the publisher's extension, a status other than the default, and real dates count.
 */
export interface DataOrigin {
  format?: 'toolhive' | 'upstream';
  /** Times that are not the server's own (the snapshot's load time, the catalog's date). */
  notServerTimes?: readonly string[];
}

export function summarize(e: SummaryEntry, p: DataOrigin = {}): ServerSummary {
  const th = p.format === 'upstream' ? {} : e.toolhive;
  const ext = publisherExtension(e.server);
  const official = isObj(e.meta[OFFICIAL_META]) ? e.meta[OFFICIAL_META] : {};
  const metadata = isObj(th.metadata) ? th.metadata : isObj(ext.metadata) ? ext.metadata : {};
  const officialStatus = str(official.status);
  const rawStatus =
    str(th.status) ??
    str(ext.status) ??
    (p.format === 'upstream' && officialStatus?.toLowerCase() === 'active' ? undefined : officialStatus);
  const s: ServerSummary = { name: e.name, description: e.description, tags: [...e.tags] };
  if (rawStatus || p.format !== 'upstream') s.status = displayStatus(rawStatus);
  const fullName = str(e.server.name);
  if (fullName && fullName !== e.name) s.fullName = fullName;
  const title = str(th.title) ?? str(e.server.title);
  const tier = str(th.tier) ?? str(ext.tier);
  const transport = str(th.transport) ?? upstreamTransport(e.server);
  const stars = num(metadata.stars);
  const ownTime = str(e.updatedAt) && !p.notServerTimes?.includes(e.updatedAt) ? e.updatedAt : undefined;
  const updatedAt = str(metadata.last_updated) ?? ownTime;
  if (title) s.title = title;
  if (tier) s.tier = tier;
  if (transport) s.transport = transport;
  if (stars !== undefined) s.stars = stars;
  if (updatedAt) s.updatedAt = updatedAt;
  return s;
}

export function catalogSummary(
  info: SummaryInfo,
  entries: readonly SummaryEntry[],
  loadedAt?: string,
): CatalogSummary {
  const registry: CatalogSummary['registry'] = { name: info.name, serverCount: info.serverCount };
  if (info.displayName) registry.displayName = info.displayName;
  if (info.format) registry.format = info.format;
  if (info.lastUpdated) registry.lastUpdated = info.lastUpdated;
  if (info.version) registry.version = info.version;
  const notServerTimes = [loadedAt, info.lastUpdated].filter((t): t is string => t !== undefined);
  const p: DataOrigin = { notServerTimes, ...(info.format && { format: info.format }) };
  return { registry, servers: entries.map((e) => summarize(e, p)) };
}

/** A server by its catalog key or its full upstream name. */
export function findServer(servers: readonly ServerSummary[], name: string): ServerSummary | undefined {
  return servers.find((s) => s.name === name) ?? servers.find((s) => s.fullName === name);
}
