/**
 * One source, both ways: the v1alpha1 `format` + `source` pair ⇄ one v1beta1 `spec.sources[]` item.
 * Only the fields both versions can express are mapped here; the rest is the stash's business.
 */
import { copyIf, copyJson, isObject, type JsonObject } from './json.ts';

/** Name given to the single source of a v1alpha1 object that has no stash. */
export const DEFAULT_SOURCE_NAME = 'default';

const REF_KEYS = ['branch', 'tag', 'commit'] as const;

export interface AlphaSource {
  source: JsonObject;
  /** spec.format of the v1alpha1 object, which is the first source's format in v1beta1. */
  format?: unknown;
}

/** v1alpha1 → v1beta1. Total: every present sub-object is mapped, matching `type` or not. */
export function sourceToHub(alpha: AlphaSource, name: string): JsonObject {
  const { source } = alpha;
  const out: JsonObject = { name };
  const type = source.type; // by name, as in sourceFromHub
  if (type !== undefined && Object.hasOwn(source, 'type')) out.type = type;
  if (alpha.format !== undefined) out.format = alpha.format;
  if (source.configmap !== undefined) out.configMapRef = copyJson(source.configmap);
  if (source.url !== undefined) out.url = { href: source.url };
  if (isObject(source.git)) {
    const git = source.git;
    const hub: JsonObject = {};
    copyIf(git, 'repository', hub);
    const ref: JsonObject = {};
    for (const k of REF_KEYS) copyIf(git, k, ref);
    if (Object.keys(ref).length > 0) hub.ref = ref;
    copyIf(git, 'path', hub);
    out.git = hub;
  } else if (source.git !== undefined) {
    out.git = source.git;
  }
  if (isObject(source.registry)) {
    const reg: JsonObject = {};
    copyIf(source.registry, 'url', reg, 'baseURL');
    // registryRef has the same shape in both versions (federation, docs/user-guide.md).
    if (source.registry.registryRef !== undefined) reg.registryRef = copyJson(source.registry.registryRef);
    out.registry = reg;
  } else if (source.registry !== undefined) {
    out.registry = source.registry;
  }
  // Same shape in both versions (SPEC §12).
  if (source.kubernetes !== undefined) out.kubernetes = copyJson(source.kubernetes);
  return out;
}

/** v1beta1 → v1alpha1: the fields of one source that v1alpha1 can hold. */
export function sourceFromHub(src: JsonObject): AlphaSource {
  // type and href read by name rather than through copyIf: that shared helper's accesses see every key
  // of the conversion and go megamorphic, and these two run for every object converted.
  const source: JsonObject = {};
  const type = src.type;
  if (type !== undefined && Object.hasOwn(src, 'type')) source.type = type;
  if (src.configMapRef !== undefined) source.configmap = copyJson(src.configMapRef);
  const url = src.url;
  if (isObject(url)) {
    const href = url.href;
    if (href !== undefined && Object.hasOwn(url, 'href')) source.url = href;
  }
  if (isObject(src.git)) {
    const git: JsonObject = {};
    copyIf(src.git, 'repository', git);
    if (isObject(src.git.ref)) for (const k of REF_KEYS) copyIf(src.git.ref, k, git);
    copyIf(src.git, 'path', git);
    source.git = git;
  }
  if (isObject(src.registry)) {
    const reg: JsonObject = {};
    copyIf(src.registry, 'baseURL', reg, 'url');
    if (src.registry.registryRef !== undefined) reg.registryRef = copyJson(src.registry.registryRef);
    source.registry = reg;
  }
  if (src.kubernetes !== undefined) source.kubernetes = copyJson(src.kubernetes);
  const out: AlphaSource = { source };
  if (src.format !== undefined) out.format = src.format;
  return out;
}
