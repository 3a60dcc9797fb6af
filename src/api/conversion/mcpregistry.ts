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
import { copyJson, isObject, jsonEqual, put, type JsonObject } from './json.ts';
import { DEFAULT_SOURCE_NAME, sourceFromHub, sourceToHub, type AlphaSource } from './source.ts';
import { decodeStash, encodeStash, type Stash } from './stash.ts';
import { statusFromHub, statusToHub } from './status.ts';

export class ConversionError extends Error {}

export function toHub(obj: MCPRegistryV1alpha1): MCPRegistryV1beta1 {
  return toHubObject(obj as unknown as JsonObject) as unknown as MCPRegistryV1beta1;
}

export function fromHub(obj: MCPRegistryV1beta1): MCPRegistryV1alpha1 {
  return fromHubObject(obj as unknown as JsonObject) as unknown as MCPRegistryV1alpha1;
}

function toHubObject(obj: JsonObject): JsonObject {
  const metaIn = isObject(obj.metadata) ? obj.metadata : undefined;
  const annotationsIn = metaIn && isObject(metaIn.annotations) ? metaIn.annotations : undefined;
  let stash: Stash = {};
  let metadata = metaIn;
  if (annotationsIn && Object.hasOwn(annotationsIn, ANNOTATION_V1BETA1_SPEC)) {
    stash = decodeStash(String(annotationsIn[ANNOTATION_V1BETA1_SPEC]));
    // Built without the stash key rather than copied and `delete`d: a delete turns the object into a
    // slow dictionary for the JSON.stringify that follows.
    const annotations = without(annotationsIn, ANNOTATION_V1BETA1_SPEC);
    metadata = {};
    for (const k of Object.keys(metaIn!)) {
      if (k !== 'annotations') put(metadata, k, metaIn![k]);
      else if (annotations) metadata.annotations = annotations;
    }
  }
  const out = withVersion(obj, API_VERSION_V1BETA1, metadata);
  if (isObject(obj.spec)) out.spec = specToHub(obj.spec, stash);
  if (isObject(obj.status)) out.status = statusToHub(obj.status, stash.status);
  return out;
}

/** `obj` without `key`, or undefined when nothing else is left. */
function without(obj: JsonObject, key: string): JsonObject | undefined {
  const out: JsonObject = {};
  let n = 0;
  for (const k of Object.keys(obj)) {
    if (k === key) continue;
    put(out, k, obj[k]);
    n++;
  }
  return n > 0 ? out : undefined;
}

function specToHub(spec: JsonObject, stash: Stash): JsonObject {
  const out: JsonObject = {};
  for (const k of Object.keys(spec)) {
    if (k === 'source') out.sources = sourcesToHub(spec, stash);
    else if (k !== 'format' && k !== 'api') out[k] = spec[k];
  }
  // v1alpha1 has no spec.api (the apiserver prunes one written there): it lives in the stash only.
  if (stash.api) out.api = stash.api;
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
  const source = copyJson(view.source) as JsonObject;
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
  const stash: Stash = {};
  let spec: JsonObject | undefined;
  if (isObject(obj.spec)) {
    const r = specFromHub(obj.spec);
    spec = r.spec;
    if (r.sources) stash.sources = r.sources;
    if (r.api) stash.api = r.api;
  }
  let status: JsonObject | undefined;
  if (isObject(obj.status)) {
    const r = statusFromHub(obj.status);
    status = r.status;
    if (r.stash) stash.status = r.stash;
  }
  const metaIn = isObject(obj.metadata) ? obj.metadata : undefined;
  const out = withVersion(obj, API_VERSION_V1ALPHA1, metaIn && alphaMetadata(metaIn, stash));
  if (spec) out.spec = spec;
  if (status) out.status = status;
  // No metadata object in (never from the apiserver) but a stash to keep: it gets one, last.
  if (!metaIn && (stash.sources || stash.api || stash.status)) out.metadata = alphaMetadata({}, stash);
  return out;
}

/**
 * The v1alpha1 metadata: the same, plus our stash annotation when there is something to stash. An
 * annotation of that name on a v1beta1 object means nothing; the v1alpha1 view gets only our own.
 * Built in one copy (the metadata is copied only when it changes, as the other fields are not).
 */
function alphaMetadata(metadata: JsonObject, stash: Stash): JsonObject {
  const annotations = isObject(metadata.annotations) ? metadata.annotations : undefined;
  if (stash.sources || stash.api || stash.status) {
    // A computed key in a literal makes V8 build a slower object than a plain store does.
    const withStash: JsonObject = { ...annotations };
    withStash[ANNOTATION_V1BETA1_SPEC] = encodeStash(stash);
    return { ...metadata, annotations: withStash };
  }
  if (annotations && Object.hasOwn(annotations, ANNOTATION_V1BETA1_SPEC)) {
    return { ...metadata, annotations: without(annotations, ANNOTATION_V1BETA1_SPEC) ?? {} };
  }
  return metadata;
}

function specFromHub(spec: JsonObject): { spec: JsonObject; sources?: JsonObject[]; api?: JsonObject } {
  const sources = spec.sources;
  if (!Array.isArray(sources) || sources.length === 0 || !sources.every(isObject)) {
    throw new ConversionError('spec.sources: Required value: at least one source object is needed');
  }
  const first = sources[0] as JsonObject;
  const alpha = sourceFromHub(first);
  const out: JsonObject = {};
  const keys = Object.keys(spec);
  for (let i = 0; i < keys.length; i++) {
    const k = keys[i]!;
    if (k === 'sources') {
      if (alpha.format !== undefined) out.format = alpha.format;
      out.source = alpha.source;
    } else if (k !== 'format' && k !== 'source' && k !== 'api') {
      // format and source are v1alpha1-only spec fields (compared inline: a Set lookup per key cost
      // more); displayName, syncPolicy, filter and unknown fields are copied as they are.
      out[k] = spec[k];
    }
  }
  // The stash is needed unless the list is exactly what the v1alpha1 fields convert back to: one
  // source named "default". Checked cheapest first; most multi-source objects stop at the length.
  const plain =
    sources.length === 1 &&
    first.name === DEFAULT_SOURCE_NAME &&
    jsonEqual(sourceToHub(alpha, DEFAULT_SOURCE_NAME), first);
  const api = isObject(spec.api) ? { api: spec.api } : {};
  return plain ? { spec: out, ...api } : { spec: out, sources: sources as JsonObject[], ...api };
}

function withVersion(obj: JsonObject, apiVersion: string, metadata: JsonObject | undefined): JsonObject {
  const out: JsonObject = {};
  for (const k of Object.keys(obj)) {
    if (k === 'apiVersion') out.apiVersion = apiVersion;
    else if (k === 'metadata') {
      if (metadata) out.metadata = metadata;
    } else if (k !== 'spec' && k !== 'status') out[k] = obj[k];
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
