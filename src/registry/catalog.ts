/** Building catalog servers from their source pieces; the only place summary fields are derived. */
import {
  DEFAULT_UPSTREAM_VERSION,
  TOOLHIVE_NAMESPACE,
  isObject,
  str,
  strings,
  type Catalog,
  type CatalogServer,
  type JsonObject,
  type ServerKind,
  type ServerVersion,
} from './model.ts';
import { upstreamNameOf } from './convert/toolhive-to-upstream.ts';
import { toolhiveExtension } from './convert/upstream-to-toolhive.ts';
import { officialFacts, officialOf } from './status.ts';

export interface ServerParts {
  name: string;
  kind: ServerKind;
  toolhive?: JsonObject;
  upstream?: JsonObject;
  registryMeta?: JsonObject;
  versions?: ServerVersion[];
}

const TOOLHIVE_KEY = /^[a-z0-9][a-z0-9-]+[a-z0-9]$/;

/**
 * The catalog key of an upstream name: ToolHive's own namespace is stripped (ExtractServerName) when
 * what remains is a valid ToolHive name, so the key also works in a ToolHive registry.json.
 */
export function catalogNameOf(upstreamName: string): string {
  const prefix = `${TOOLHIVE_NAMESPACE}/`;
  const rest = upstreamName.slice(prefix.length);
  return upstreamName.startsWith(prefix) && TOOLHIVE_KEY.test(rest) ? rest : upstreamName;
}

export function makeCatalogServer(parts: ServerParts): CatalogServer {
  const th = parts.toolhive;
  const up = parts.upstream;
  const official = officialOf(parts.registryMeta);
  // For servers ToolHive cannot express, the extension (if any) still gives tags, tools, tier.
  const ext = th ?? (up ? toolhiveExtension(up) : undefined) ?? {};
  const s: CatalogServer = {
    name: parts.name,
    kind: parts.kind,
    tags: strings(ext.tags),
    tools: strings(ext.tools),
    upstreamName: str(up?.name) ?? upstreamNameOf(parts.name),
    version: str(up?.version) ?? DEFAULT_UPSTREAM_VERSION,
    official: officialFacts(parts.registryMeta, ext.status),
  };
  const set = <K extends keyof CatalogServer>(k: K, v: CatalogServer[K] | undefined) => {
    if (v !== undefined) s[k] = v;
  };
  set('description', str(th?.description) ?? str(up?.description));
  set('title', str(th?.title) ?? str(up?.title));
  set('tier', str(ext.tier));
  set('transport', str(th?.transport) ?? upstreamTransport(up));
  set('image', str(th?.image));
  set('url', str(th?.url));
  set(
    'repositoryUrl',
    str(th?.repository_url) ?? (isObject(up?.repository) ? str(up.repository.url) : undefined),
  );
  set(
    'lastUpdated',
    (isObject(ext.metadata) ? str(ext.metadata.last_updated) : undefined) ?? str(official.updatedAt),
  );
  if (th) s.toolhive = th;
  if (up) s.upstream = up;
  if (parts.registryMeta) s.registryMeta = parts.registryMeta;
  if (parts.versions && parts.versions.length > 0) s.versions = parts.versions;
  return s;
}

function upstreamTransport(up: JsonObject | undefined): string | undefined {
  const pkg = Array.isArray(up?.packages) ? up.packages.find(isObject) : undefined;
  return pkg && isObject(pkg.transport) ? str(pkg.transport.type) : undefined;
}

export function byName(a: CatalogServer, b: CatalogServer): number {
  return a.name < b.name ? -1 : a.name > b.name ? 1 : 0;
}

/** A catalog from servers in any order: sorted by name, the later of two with one name wins. */
export function catalogOf(servers: CatalogServer[], meta?: Catalog['meta'], groups?: JsonObject[]): Catalog {
  const map = new Map<string, CatalogServer>();
  for (const s of servers) map.set(s.name, s);
  const catalog: Catalog = { servers: [...map.values()].sort(byName) };
  if (meta && (meta.version !== undefined || meta.lastUpdated !== undefined)) catalog.meta = meta;
  if (groups) catalog.groups = groups;
  return catalog;
}
