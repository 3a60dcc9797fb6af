/**
 * MCPRegistry conversion, hub and spoke: v1beta1 is the hub. `toHub` is total; `fromHub` keeps the
 * first source in the v1alpha1 fields and stashes what v1alpha1 cannot hold in the
 * `toolhive.stacklok.io/v1beta1-spec` annotation, which `toHub` consumes. See docs/conversion.md.
 */
import {
  ANNOTATION_V1BETA1_SPEC,
  API_VERSION_V1ALPHA1,
  API_VERSION_V1BETA1,
  DEFAULT_CONFIGMAP_KEY,
  DEFAULT_GIT_PATH,
  KIND,
  defaultFormatOf,
} from '../constants.ts';
import type { MCPRegistryV1alpha1, MCPRegistryV1beta1 } from '../types.ts';
import { isObject, jsonEqual, type JsonObject } from './json.ts';
import { DEFAULT_SOURCE_NAME, sourceFromHub, sourceToHub, type AlphaSource } from './source.ts';
import { decodeStash, encodeStash, type Stash } from './stash.ts';
import { statusFromHub, statusToHub } from './status.ts';

export class ConversionError extends Error {}

/** Spec fields that only v1alpha1 has; displayName, syncPolicy, filter and unknown fields are copied as they are. */
const ALPHA_ONLY_SPEC = ['format', 'source'];

export function toHub(obj: MCPRegistryV1alpha1): MCPRegistryV1beta1 {
  return toHubObject(obj as unknown as JsonObject) as unknown as MCPRegistryV1beta1;
}

export function fromHub(obj: MCPRegistryV1beta1): MCPRegistryV1alpha1 {
  return fromHubObject(obj as unknown as JsonObject) as unknown as MCPRegistryV1alpha1;
}

function toHubObject(obj: JsonObject): JsonObject {
  const metadata = isObject(obj.metadata) ? { ...obj.metadata } : undefined;
  let stash: Stash = {};
  if (
    metadata &&
    isObject(metadata.annotations) &&
    Object.hasOwn(metadata.annotations, ANNOTATION_V1BETA1_SPEC)
  ) {
    const annotations = { ...metadata.annotations };
    stash = decodeStash(String(annotations[ANNOTATION_V1BETA1_SPEC]));
    delete annotations[ANNOTATION_V1BETA1_SPEC];
    if (Object.keys(annotations).length > 0) metadata.annotations = annotations;
    else delete metadata.annotations;
  }
  const out = withVersion(obj, API_VERSION_V1BETA1, metadata);
  if (isObject(obj.spec)) out.spec = specToHub(obj.spec, stash);
  if (isObject(obj.status)) out.status = statusToHub(obj.status, stash.status);
  return out;
}

function specToHub(spec: JsonObject, stash: Stash): JsonObject {
  const out: JsonObject = {};
  for (const [k, v] of Object.entries(spec)) {
    if (k === 'source') out.sources = sourcesToHub(spec, stash);
    else if (k !== 'format') out[k] = v;
  }
  return out;
}

/**
 * The stashed sources come back exactly when the v1alpha1 view of the first one is unchanged. When the
 * user edited it, the first source becomes what the v1alpha1 fields say (keeping its name), and its
 * v1beta1-only settings (secrets, CA bundle, timeout, per-source filter) are dropped: they belonged to
 * the old location. The other sources are always kept. A default filled in since (by the mutating
 * webhook on a v1alpha1 write) is not an edit: it is kept, and so is the rest of the stashed source.
 */
function sourcesToHub(spec: JsonObject, stash: Stash): JsonObject[] {
  const alpha: AlphaSource = { source: isObject(spec.source) ? spec.source : {}, format: spec.format };
  const [first, ...rest] = stash.sources ?? [];
  if (!first) return [sourceToHub(alpha, DEFAULT_SOURCE_NAME)];
  const stashedView = sourceFromHub(first);
  if (jsonEqual(stashedView.source, alpha.source) && stashedView.format === alpha.format) {
    return [first, ...rest];
  }
  if (jsonEqual(withDefaults(stashedView), withDefaults(alpha)))
    return [withAlphaDefaults(first, alpha), ...rest];
  const name = typeof first.name === 'string' ? first.name : DEFAULT_SOURCE_NAME;
  return [sourceToHub(alpha, name), ...rest];
}

/** The v1alpha1 view with the defaults the mutating webhook applies (SPEC §2.1) filled in. */
function withDefaults(view: AlphaSource): JsonObject {
  const source = structuredClone(view.source);
  if (isObject(source.configmap)) source.configmap.key ??= DEFAULT_CONFIGMAP_KEY;
  if (isObject(source.git)) source.git.path ??= DEFAULT_GIT_PATH;
  return { source, format: view.format ?? defaultFormatOf(source.type) };
}

/** The stashed first source with the defaulted fields the v1alpha1 view now states explicitly. */
function withAlphaDefaults(first: JsonObject, alpha: AlphaSource): JsonObject {
  const out = { ...first };
  if (alpha.format !== undefined) out.format = alpha.format;
  const cm = alpha.source.configmap;
  if (isObject(out.configMapRef) && isObject(cm) && cm.key !== undefined)
    out.configMapRef = { ...out.configMapRef, key: cm.key };
  const git = alpha.source.git;
  if (isObject(out.git) && isObject(git) && git.path !== undefined) out.git = { ...out.git, path: git.path };
  return out;
}

function fromHubObject(obj: JsonObject): JsonObject {
  const metadata = isObject(obj.metadata) ? { ...obj.metadata } : undefined;
  const stash: Stash = {};
  const out = withVersion(obj, API_VERSION_V1ALPHA1, metadata);
  if (isObject(obj.spec)) {
    const { spec, sources } = specFromHub(obj.spec);
    out.spec = spec;
    if (sources) stash.sources = sources;
  }
  if (isObject(obj.status)) {
    const { status, stash: statusStash } = statusFromHub(obj.status);
    out.status = status;
    if (statusStash) stash.status = statusStash;
  }
  // An annotation of that name on a v1beta1 object means nothing; the v1alpha1 view gets only our own.
  const annotations = isObject(metadata?.annotations) ? { ...metadata.annotations } : undefined;
  const hadOld = annotations !== undefined && Object.hasOwn(annotations, ANNOTATION_V1BETA1_SPEC);
  if (stash.sources || stash.status) {
    out.metadata = {
      ...metadata,
      annotations: { ...annotations, [ANNOTATION_V1BETA1_SPEC]: encodeStash(stash) },
    };
  } else if (hadOld && metadata && annotations) {
    delete annotations[ANNOTATION_V1BETA1_SPEC];
    out.metadata = { ...metadata, annotations };
  }
  return out;
}

function specFromHub(spec: JsonObject): { spec: JsonObject; sources?: JsonObject[] } {
  const sources = Array.isArray(spec.sources) ? spec.sources.filter(isObject) : [];
  const first = sources[0];
  if (!first || sources.length !== (spec.sources as unknown[]).length) {
    throw new ConversionError('spec.sources: Required value: at least one source object is needed');
  }
  const alpha = sourceFromHub(first);
  const out: JsonObject = {};
  for (const [k, v] of Object.entries(spec)) {
    if (k === 'sources') {
      if (alpha.format !== undefined) out.format = alpha.format;
      out.source = alpha.source;
    } else if (!ALPHA_ONLY_SPEC.includes(k)) out[k] = v;
  }
  const plain = [sourceToHub(alpha, DEFAULT_SOURCE_NAME)];
  return jsonEqual(plain, sources) ? { spec: out } : { spec: out, sources };
}

function withVersion(obj: JsonObject, apiVersion: string, metadata: JsonObject | undefined): JsonObject {
  const out: JsonObject = {};
  for (const [k, v] of Object.entries(obj)) {
    if (k === 'apiVersion') out.apiVersion = apiVersion;
    else if (k === 'metadata') {
      if (metadata) out.metadata = metadata;
    } else if (k !== 'spec' && k !== 'status') out[k] = v;
  }
  if (!('apiVersion' in out)) out.apiVersion = apiVersion;
  return out;
}

/** Converts one object to `desired` (a full apiVersion). Objects already in that version come back as they are. */
export function convertObject(obj: unknown, desired: string): unknown {
  if (!isObject(obj)) throw new ConversionError('object: Invalid value: must be a JSON object');
  if (obj.kind !== undefined && obj.kind !== KIND) {
    throw new ConversionError(
      `kind: Unsupported value: ${JSON.stringify(obj.kind)}: supported values: "${KIND}"`,
    );
  }
  const from = obj.apiVersion;
  if (from === desired) return obj;
  if (from === API_VERSION_V1ALPHA1 && desired === API_VERSION_V1BETA1) return toHubObject(obj);
  if (from === API_VERSION_V1BETA1 && desired === API_VERSION_V1ALPHA1) return fromHubObject(obj);
  throw new ConversionError(
    `cannot convert ${JSON.stringify(from)} to ${JSON.stringify(desired)}: supported versions are "${API_VERSION_V1ALPHA1}" and "${API_VERSION_V1BETA1}"`,
  );
}
