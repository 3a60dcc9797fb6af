/**
 * Upstream server.json → ToolHive entry, following ToolHive's converters (ServerJSONToImageMetadata,
 * ServerJSONToRemoteServerMetadata): a server with remotes becomes a remote server from the first
 * remote; otherwise it needs exactly one OCI package. The `io.github.stacklok` extension fills in the rest.
 */
import { PUBLISHER_PROVIDED, TOOLHIVE_NAMESPACE, isObject, str, type JsonObject } from '../model.ts';

export type ToolhiveConversion =
  | { kind: 'container' | 'remote'; entry: JsonObject; lossy?: string }
  | { kind: 'upstream-only'; reason: string };

/** The ToolHive extension object for this server: the one keyed by its image or URL, else the first. */
export function toolhiveExtension(server: JsonObject, key?: string): JsonObject | undefined {
  const meta = isObject(server._meta) ? server._meta : undefined;
  const pp = meta && isObject(meta[PUBLISHER_PROVIDED]) ? meta[PUBLISHER_PROVIDED] : undefined;
  const ns = pp && isObject(pp[TOOLHIVE_NAMESPACE]) ? pp[TOOLHIVE_NAMESPACE] : undefined;
  if (!ns) return undefined;
  if (key !== undefined && isObject(ns[key])) return ns[key];
  return Object.values(ns).find(isObject);
}

/**
 * Tags other publishers attached to this image or URL (`_meta.publisher-provided.<namespace>.<key>.tags`).
 * ToolHive's registry server filters on the tags of every publisher namespace, not only its own, so a
 * catalog published under `io.github.example` filters the same way here.
 */
export function publisherTags(server: JsonObject, key: string): string[] {
  const meta = isObject(server._meta) ? server._meta : undefined;
  const pp = meta && isObject(meta[PUBLISHER_PROVIDED]) ? meta[PUBLISHER_PROVIDED] : undefined;
  const tags = new Set<string>();
  for (const [ns, byKey] of Object.entries(pp ?? {})) {
    if (ns === TOOLHIVE_NAMESPACE || !isObject(byKey) || !isObject(byKey[key])) continue;
    const t = byKey[key].tags;
    if (Array.isArray(t)) for (const x of t) if (typeof x === 'string') tags.add(x);
  }
  return [...tags];
}

/** Extension keys that are written from server.json fields, never copied from the extension. */
const FROM_SERVER = new Set(['image', 'url', 'repository_url']);

/**
 * `registryStatus` is the upstream registry's status of the server (`active`, `deprecated`), used for
 * the ToolHive `status` of a server that carries no ToolHive extension.
 */
export function serverJsonToToolhive(server: JsonObject, registryStatus?: string): ToolhiveConversion {
  const status = registryStatus === 'deprecated' ? 'Deprecated' : 'Active';
  const remotes = Array.isArray(server.remotes) ? server.remotes.filter(isObject) : [];
  const packages = Array.isArray(server.packages) ? server.packages.filter(isObject) : [];
  if (remotes.length > 0) {
    const notes: string[] = [];
    if (remotes.length > 1) notes.push(`${remotes.length} remotes; ToolHive keeps only the first`);
    if (packages.length > 0) notes.push(`packages are dropped in favour of the remote`);
    const entry = remoteEntry(server, remotes[0]!, status);
    return notes.length > 0 ? { kind: 'remote', entry, lossy: notes.join('; ') } : { kind: 'remote', entry };
  }
  const oci = packages.filter((p) => p.registryType === 'oci');
  if (oci.length === 1 && packages.length === 1)
    return { kind: 'container', entry: containerEntry(server, oci[0]!, status) };
  if (oci.length === 1) {
    const others = packages.filter((p) => p.registryType !== 'oci').map((p) => String(p.registryType));
    return {
      kind: 'container',
      entry: containerEntry(server, oci[0]!, status),
      lossy: `${others.join(', ')} package(s) dropped; ToolHive keeps the OCI image`,
    };
  }
  if (oci.length > 1)
    return { kind: 'upstream-only', reason: `${oci.length} OCI packages; ToolHive can hold one image` };
  if (packages.length === 0) return { kind: 'upstream-only', reason: 'no packages and no remotes' };
  const types = [...new Set(packages.map((p) => String(p.registryType)))].join(', ');
  return {
    kind: 'upstream-only',
    reason: `${types} package(s) only; ToolHive can express OCI images and remotes`,
  };
}

function common(server: JsonObject, ext: JsonObject | undefined, status: string, key: string): JsonObject {
  const entry: JsonObject = {};
  for (const [k, v] of Object.entries(ext ?? {})) if (!FROM_SERVER.has(k)) entry[k] = v;
  if (entry.name === undefined) entry.name = server.name;
  if (entry.title === undefined && server.title !== undefined) entry.title = server.title;
  if (entry.description === undefined) entry.description = server.description;
  if (isObject(server.repository) && server.repository.url !== undefined)
    entry.repository_url = server.repository.url;
  if (!ext) {
    // Not a ToolHive-published server: fill what the ToolHive format requires.
    entry.status = status;
    entry.tier = 'Community';
    entry.tools = [];
  }
  if (entry.tags === undefined) {
    const tags = publisherTags(server, key);
    if (tags.length > 0) entry.tags = tags;
  }
  return entry;
}

function containerEntry(server: JsonObject, pkg: JsonObject, status: string): JsonObject {
  const image = str(pkg.identifier) ?? '';
  const ext = toolhiveExtension(server, image);
  const entry = common(server, ext, status, image);
  entry.image = image;
  const transport = isObject(pkg.transport) ? pkg.transport : {};
  entry.transport = str(transport.type) ?? 'stdio';
  const port = portOf(str(transport.url));
  if (port !== undefined) entry.target_port = port;
  const env = [
    ...(Array.isArray(pkg.environmentVariables) ? pkg.environmentVariables.filter(isObject) : []).map(
      inputToToolhive,
    ),
    ...envFromRuntimeArguments(pkg),
  ];
  if (env.length > 0) entry.env_vars = env;
  const args = flattenArguments(pkg.packageArguments);
  if (args.length > 0) entry.args = args;
  return entry;
}

function remoteEntry(server: JsonObject, remote: JsonObject, status: string): JsonObject {
  const url = str(remote.url) ?? '';
  const ext = toolhiveExtension(server, url);
  const entry = common(server, ext, status, url);
  entry.url = url;
  entry.transport = str(remote.type) ?? 'sse';
  const headers = Array.isArray(remote.headers) ? remote.headers.filter(isObject) : [];
  if (headers.length > 0) entry.headers = headers.map(inputToToolhive);
  return entry;
}

function portOf(url: string | undefined): number | undefined {
  if (!url) return undefined;
  const m = /^[a-z][a-z0-9+.-]*:\/\/[^/:?#]*:(\d+)/i.exec(url);
  return m ? Number(m[1]) : undefined;
}

/** Upstream KeyValueInput → ToolHive env var or header. `required` is always written, `secret` only when true. */
function inputToToolhive(v: JsonObject): JsonObject {
  const out: JsonObject = { name: v.name };
  if (v.description !== undefined) out.description = v.description;
  out.required = v.isRequired === true;
  if (v.isSecret === true) out.secret = true;
  if (v.default !== undefined) out.default = v.default;
  if (v.choices !== undefined) out.choices = v.choices;
  return out;
}

/** `-e KEY=value` / `--env KEY={var}` runtime arguments, as ToolHive reads them. */
function envFromRuntimeArguments(pkg: JsonObject): JsonObject[] {
  const args = Array.isArray(pkg.runtimeArguments) ? pkg.runtimeArguments.filter(isObject) : [];
  const out: JsonObject[] = [];
  for (const a of args) {
    if (a.type !== 'named' || (a.name !== '-e' && a.name !== '--env')) continue;
    const m = /^([A-Za-z_][A-Za-z0-9_]*)=(.*)$/s.exec(str(a.value) ?? '');
    if (!m) continue;
    const [, key, value] = m as unknown as [string, string, string];
    const env: JsonObject = { name: key };
    if (a.description !== undefined) env.description = a.description;
    env.required = a.isRequired === true;
    const ref = /^\{([^}]+)\}$/.exec(value);
    const variables = isObject(a.variables) ? a.variables : {};
    const variable = ref && isObject(variables[ref[1]!]) ? (variables[ref[1]!] as JsonObject) : undefined;
    if (variable) {
      if (variable.isRequired === true) env.required = true;
      if (variable.isSecret === true) env.secret = true;
      if (variable.default !== undefined) env.default = variable.default;
    } else if (!ref) {
      env.default = value;
    }
    out.push(env);
  }
  return out;
}

/** packageArguments as a flat argv: a named argument's name then its value, a positional one's value. */
function flattenArguments(raw: unknown): string[] {
  const out: string[] = [];
  for (const a of Array.isArray(raw) ? raw.filter(isObject) : []) {
    if (a.type === 'named') {
      if (typeof a.name === 'string') out.push(a.name);
      if (typeof a.value === 'string') out.push(a.value);
    } else {
      const v = str(a.value) ?? str(a.valueHint);
      if (v !== undefined) out.push(v);
    }
  }
  return out;
}
