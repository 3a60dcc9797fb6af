/**
 * ToolHive entry → upstream server.json, following ToolHive's converters (ImageMetadataToServerJSON,
 * RemoteServerMetadataToServerJSON). What server.json has no field for goes into the publisher-provided
 * `io.github.stacklok` extension keyed by image or URL, so upstream-to-toolhive.ts can rebuild the entry.
 */
import {
  DEFAULT_UPSTREAM_VERSION,
  PUBLISHER_PROVIDED,
  TOOLHIVE_NAMESPACE,
  UPSTREAM_SCHEMA_URL,
  isObject,
  str,
  type JsonObject,
} from '../model.ts';

/** Fields mapped to server.json fields proper; everything else of the entry travels in the extension. */
const MAPPED = {
  container: [
    'name',
    'title',
    'description',
    'repository_url',
    'image',
    'transport',
    'target_port',
    'env_vars',
  ],
  remote: ['name', 'title', 'description', 'repository_url', 'url', 'transport', 'headers'],
} as const;
/** Upstream limits: longer values are cut in server.json and kept whole in the extension. */
const MAX_DESCRIPTION = 100;
const MAX_TITLE = 100;

/** `io.github.stacklok/<key>` unless the name is already reverse-DNS (ToolHive's BuildReverseDNSName). */
export function upstreamNameOf(key: string): string {
  return key.includes('/') ? key : `${TOOLHIVE_NAMESPACE}/${key}`;
}

export function toolhiveToServerJson(
  key: string,
  entry: JsonObject,
  kind: 'container' | 'remote',
): JsonObject {
  const name = str(entry.name)?.includes('/') ? (entry.name as string) : upstreamNameOf(key);
  const ext: JsonObject = {};
  for (const [k, v] of Object.entries(entry)) {
    if (!(MAPPED[kind] as readonly string[]).includes(k)) ext[k] = v;
  }
  if (!str(ext.status)) ext.status = 'active'; // ToolHive's default; the extension schema requires status
  if (entry.name !== undefined && entry.name !== name) ext.name = entry.name;

  const server: JsonObject = { $schema: UPSTREAM_SCHEMA_URL, name };
  const title = str(entry.title);
  if (title !== undefined) {
    // Upstream titles are 1–100 characters: an empty or longer one travels whole in the extension.
    if (title !== '') server.title = cut(title, MAX_TITLE);
    if (title.length > MAX_TITLE || title === '') ext.title = title;
  }
  const description = str(entry.description) ?? '';
  server.description = cut(description, MAX_DESCRIPTION);
  if (description.length > MAX_DESCRIPTION) ext.description = description;
  const repo = str(entry.repository_url);
  if (repo !== undefined) server.repository = { url: repo, source: 'github' };
  server.version = DEFAULT_UPSTREAM_VERSION;

  let extKey: string;
  if (kind === 'container') {
    extKey = str(entry.image) ?? '';
    const transportType = str(entry.transport) || 'stdio';
    const transport: JsonObject = { type: transportType };
    if (transportType !== 'stdio') {
      const port = entry.target_port;
      transport.url = typeof port === 'number' && port > 0 ? `http://localhost:${port}` : 'http://localhost';
      // A target_port of 0 cannot be told from none in the URL, so the extension says it.
      if (port !== undefined && !(typeof port === 'number' && port > 0)) ext.target_port = port;
    } else if (entry.target_port !== undefined) {
      ext.target_port = entry.target_port;
    }
    const pkg: JsonObject = { registryType: 'oci', identifier: extKey, transport };
    const env = Array.isArray(entry.env_vars) ? entry.env_vars.filter(isObject) : [];
    if (env.length > 0) pkg.environmentVariables = env.map(envToUpstream);
    if (
      entry.env_vars !== undefined &&
      (env.length === 0 || env.length !== (entry.env_vars as unknown[]).length)
    ) {
      ext.env_vars = entry.env_vars; // empty or odd lists: keep them as they were
    }
    server.packages = [pkg];
  } else {
    extKey = str(entry.url) ?? '';
    const remote: JsonObject = { type: str(entry.transport) || 'sse', url: extKey };
    const headers = Array.isArray(entry.headers) ? entry.headers.filter(isObject) : [];
    if (headers.length > 0) remote.headers = headers.map(headerToUpstream);
    if (
      entry.headers !== undefined &&
      (headers.length === 0 || headers.length !== (entry.headers as unknown[]).length)
    ) {
      ext.headers = entry.headers;
    }
    server.remotes = [remote];
  }
  server._meta = { [PUBLISHER_PROVIDED]: { [TOOLHIVE_NAMESPACE]: { [extKey]: ext } } };
  return server;
}

function cut(s: string, max: number): string {
  return s.length > max ? `${s.slice(0, max - 1)}…` : s;
}

/** A ToolHive env var or header as an upstream KeyValueInput; false booleans are left out, as Go's omitempty does. */
function inputToUpstream(v: JsonObject, extra: readonly string[]): JsonObject {
  const out: JsonObject = {};
  for (const [k, val] of Object.entries(v)) {
    if (k === 'required') {
      if (val === true) out.isRequired = true;
    } else if (k === 'secret') {
      if (val === true) out.isSecret = true;
    } else if (k === 'name' || k === 'description' || k === 'default' || extra.includes(k)) out[k] = val;
  }
  return out;
}

function envToUpstream(v: JsonObject): JsonObject {
  return inputToUpstream(v, []);
}

function headerToUpstream(v: JsonObject): JsonObject {
  return inputToUpstream(v, ['choices']);
}
