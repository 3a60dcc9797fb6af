/**
 * One server's detail view model, from the two shapes the API serves for it: the ToolHive entry
 * (`/api/v1/registry/servers/{name}`: tools, tool definitions, env vars, metadata, overview) and the
 * upstream ServerResponse (`?format=upstream`: packages of every registry type, remotes with headers,
 * version, status). Either may lack what the other has (an upstream-only server has no ToolHive entry).
 */
import {
  OFFICIAL_META,
  displayStatus,
  isObj,
  num,
  publisherExtension,
  str,
  type Obj,
  type ServerSummary,
} from './summary.ts';
import { permissionsOf, provenanceOf, type Permissions, type SigstoreProvenance } from './trust.ts';

export interface Variable {
  name: string;
  description?: string;
  required: boolean;
  secret: boolean;
  default?: string;
}

export interface Package {
  registryType: string;
  identifier: string;
  version?: string;
  transport?: string;
  runtimeHint?: string;
  env: Variable[];
}

export interface Remote {
  type: string;
  url: string;
  headers: Variable[];
}

export interface Detail {
  name: string;
  upstreamName: string;
  title?: string;
  description: string;
  overview?: string;
  /** Absent when the data says none (an upstream server without a status). */
  status?: string;
  statusMessage?: string;
  tier?: string;
  transport?: string;
  tags: string[];
  tools: { name: string; description?: string }[];
  env: Variable[];
  packages: Package[];
  remotes: Remote[];
  repositoryUrl?: string;
  /** The version the data gives (server.json's); a ToolHive entry has none, only its image's tag. */
  version?: string;
  imageTag?: string;
  provenance?: SigstoreProvenance;
  permissions?: Permissions;
  /** Other versions the catalog names (ToolHive `docker_tags`); the catalog serves one version per server. */
  otherVersions: string[];
  /** Every version the catalog serves (a mirrored registry keeps them all), newest first, annotated. */
  versions?: string[];
  stars?: number;
  pulls?: number;
  lastUpdated?: string;
}

const list = (v: unknown): Obj[] => (Array.isArray(v) ? v.filter(isObj) : []);
const strings = (v: unknown): string[] =>
  Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : [];

/** ToolHive (`required`, `secret`) and upstream (`isRequired`, `isSecret`) variables alike. */
export function variable(o: Obj): Variable | undefined {
  const name = str(o.name);
  if (!name) return undefined;
  const v: Variable = {
    name,
    required: o.required === true || o.isRequired === true,
    secret: o.secret === true || o.isSecret === true,
  };
  const description = str(o.description);
  const def = o.default ?? o.value;
  if (description) v.description = description;
  if (typeof def === 'string' || typeof def === 'number' || typeof def === 'boolean') v.default = String(def);
  return v;
}

const variables = (v: unknown): Variable[] =>
  list(v)
    .map(variable)
    .filter((x): x is Variable => x !== undefined);

/** The tag of an image reference (`ghcr.io/x/y:v1.2` → `v1.2`); a digest or no tag gives none. */
export function imageTag(ref: string | undefined): string | undefined {
  if (!ref || ref.includes('@')) return undefined;
  const m = /:([\w][\w.-]{0,127})$/.exec(ref.slice(ref.lastIndexOf('/') + 1));
  return m?.[1];
}

/** What the page already knows from the catalog summary: its facts are the honest ones (summary.ts). */
export interface Known {
  format?: 'toolhive' | 'upstream';
  summary?: ServerSummary;
}

export function buildDetail(
  name: string,
  toolhive: Obj | undefined,
  upstream: Obj | undefined,
  known: Known = {},
): Detail {
  // In an upstream catalog the ToolHive shape is a conversion (tier, status filled in): not data.
  const fromToolhive =
    toolhive !== undefined && toolhive.upstream_only !== true && known.format !== 'upstream';
  const th: Obj = fromToolhive ? toolhive : {};
  const server: Obj = isObj(upstream?.server) ? upstream.server : {};
  const official =
    isObj(upstream?._meta) && isObj(upstream._meta[OFFICIAL_META]) ? upstream._meta[OFFICIAL_META] : {};
  const ext = publisherExtension(server);
  const metadata = isObj(th.metadata) ? th.metadata : isObj(ext.metadata) ? ext.metadata : {};
  const repo = isObj(server.repository) ? str(server.repository.url) : undefined;

  const defs = list(th.tool_definitions ?? ext.tool_definitions);
  const described = new Map(defs.map((d) => [str(d.name) ?? '', str(d.description)]));
  const toolNames = strings(th.tools ?? ext.tools);
  for (const d of defs) if (str(d.name) && !toolNames.includes(str(d.name)!)) toolNames.push(str(d.name)!);

  const packages: Package[] = list(server.packages).map((p) => {
    const pkg: Package = {
      registryType: str(p.registryType) ?? 'unknown',
      identifier: str(p.identifier) ?? '',
      env: variables(p.environmentVariables),
    };
    const version = str(p.version) ?? (p.registryType === 'oci' ? imageTag(str(p.identifier)) : undefined);
    const transport = isObj(p.transport) ? str(p.transport.type) : undefined;
    const hint = str(p.runtimeHint);
    if (version) pkg.version = version;
    if (transport) pkg.transport = transport;
    if (hint) pkg.runtimeHint = hint;
    return pkg;
  });
  if (packages.length === 0 && str(th.image))
    packages.push({
      registryType: 'oci',
      identifier: str(th.image)!,
      transport: str(th.transport),
      version: imageTag(str(th.image)),
      env: [],
    });
  const remotes: Remote[] = list(server.remotes).map((r) => ({
    type: str(r.type) ?? 'streamable-http',
    url: str(r.url) ?? '',
    headers: variables(r.headers),
  }));
  if (remotes.length === 0 && str(th.url))
    remotes.push({
      type: str(th.transport) ?? 'streamable-http',
      url: str(th.url)!,
      headers: variables(th.headers),
    });

  const env = variables(th.env_vars);
  if (env.length === 0)
    for (const p of packages) for (const v of p.env) if (!env.some((e) => e.name === v.name)) env.push(v);

  const d: Detail = {
    name,
    upstreamName: str(server.name) ?? name,
    description: str(th.description) ?? str(server.description) ?? '',
    tags: strings(th.tags ?? ext.tags),
    tools: toolNames.map((n) =>
      described.get(n) ? { name: n, description: described.get(n)! } : { name: n },
    ),
    env,
    packages,
    remotes,
    otherVersions: strings(th.docker_tags),
  };
  const opt: Partial<Detail> = {
    title: str(th.title) ?? str(server.title),
    overview: str(th.overview) ?? str(ext.overview),
    statusMessage: str(official.statusMessage),
    status: known.summary
      ? known.summary.status
      : displayStatus(str(th.status) ?? str(ext.status) ?? str(official.status)),
    tier: known.summary ? known.summary.tier : (str(th.tier) ?? str(ext.tier)),
    transport: str(th.transport) ?? packages[0]?.transport ?? remotes[0]?.type,
    repositoryUrl: str(th.repository_url) ?? repo,
    // A ToolHive entry has no version: the converter's server.json carries a placeholder one.
    version: fromToolhive ? undefined : str(server.version),
    imageTag: imageTag(str(th.image) ?? packages.find((p) => p.registryType === 'oci')?.identifier),
    provenance: provenanceOf(th.provenance ?? ext.provenance),
    permissions: permissionsOf(th.permissions ?? ext.permissions),
    stars: num(metadata.stars),
    pulls: num(metadata.pulls),
    lastUpdated: known.summary
      ? known.summary.updatedAt
      : (str(metadata.last_updated) ?? str(official.updatedAt)),
  };
  for (const [k, v] of Object.entries(opt))
    if (v !== undefined) (d as unknown as Record<string, unknown>)[k] = v;
  return d;
}

/** Only web and mail links become clickable; anything else (javascript:, data:, …) stays text. */
/**
 * The versions of a `/v0.1/servers/{name}/versions` answer as the page names them, newest published
 * first (its order): `2.0.0 (latest)`, `1.1.0 (deprecated)`, `1.0.0`.
 */
export function versionList(answer: unknown): string[] {
  const items = isObj(answer) && Array.isArray(answer.servers) ? answer.servers.filter(isObj) : [];
  return items.map((item) => {
    const server = isObj(item.server) ? item.server : {};
    const official = isObj(item._meta) && isObj(item._meta[OFFICIAL_META]) ? item._meta[OFFICIAL_META] : {};
    const status = str(official.status);
    const notes = [
      ...(official.isLatest === true ? ['latest'] : []),
      ...(status && status !== 'active' ? [status] : []),
    ];
    const v = str(server.version) ?? '(no version)';
    return notes.length > 0 ? `${v} (${notes.join(', ')})` : v;
  });
}

export function safeHref(url: string | undefined): string | undefined {
  if (!url) return undefined;
  try {
    const u = new URL(url);
    return u.protocol === 'https:' || u.protocol === 'http:' ? u.href : undefined;
  } catch {
    return undefined;
  }
}
