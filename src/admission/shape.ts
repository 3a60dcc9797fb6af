/**
 * The two API versions name the same things differently. This file is the one place that knows
 * where: the rest of the admission core walks `SourceView`s and gets field paths as the user wrote them
 * (`spec.source.url` in v1alpha1, `spec.sources[0].url.href` in v1beta1).
 */
import { V1ALPHA1, type ApiVersionName } from '../api/constants.ts';

export type Obj = Record<string, unknown>;
export const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

export interface SourceView {
  /** `spec.source` or `spec.sources[i]`. */
  path: string;
  source: Obj;
  /** The object holding the source's `format` (the spec in v1alpha1, the source in v1beta1). */
  formatHolder: Obj;
  formatPath: string;
  /** Field names of the sub-objects by type. */
  fields: { configmap: string; url: string; git: string; registry: string; kubernetes: string };
}

export const FIELDS_V1ALPHA1 = {
  configmap: 'configmap',
  url: 'url',
  git: 'git',
  registry: 'registry',
  kubernetes: 'kubernetes',
};
export const FIELDS_V1BETA1 = {
  configmap: 'configMapRef',
  url: 'url',
  git: 'git',
  registry: 'registry',
  kubernetes: 'kubernetes',
};

/** The sources of a spec, skipping anything that is not an object (the structural check reports those). */
export function sourcesOf(version: ApiVersionName, spec: Obj): SourceView[] {
  if (version === V1ALPHA1) {
    return isObj(spec.source)
      ? [
          {
            path: 'spec.source',
            source: spec.source,
            formatHolder: spec,
            formatPath: 'spec.format',
            fields: FIELDS_V1ALPHA1,
          },
        ]
      : [];
  }
  if (!Array.isArray(spec.sources)) return [];
  return spec.sources.flatMap((s, i): SourceView[] =>
    isObj(s)
      ? [
          {
            path: `spec.sources[${i}]`,
            source: s,
            formatHolder: s,
            formatPath: `spec.sources[${i}].format`,
            fields: FIELDS_V1BETA1,
          },
        ]
      : [],
  );
}

export type RefKind = 'branch' | 'tag' | 'commit';

/** Where a git source keeps branch/tag/commit: on the git object (v1alpha1) or under `ref` (v1beta1). */
export function gitRefHolder(version: ApiVersionName, git: Obj): { holder: Obj | undefined; path: string } {
  if (version === V1ALPHA1) return { holder: git, path: '' };
  return { holder: isObj(git.ref) ? git.ref : undefined, path: '.ref' };
}

/** The URL string of a `url` source and the path to it, or undefined when absent or not a string. */
export function urlOf(
  version: ApiVersionName,
  view: SourceView,
): { value: unknown; path: string } | undefined {
  const u = view.source.url;
  if (u === undefined) return undefined;
  if (version === V1ALPHA1) return { value: u, path: `${view.path}.url` };
  if (!isObj(u)) return undefined;
  return { value: u.href, path: `${view.path}.url.href` };
}

/** The base URL of a `registry` source and the path to it. */
export function registryUrlOf(
  version: ApiVersionName,
  view: SourceView,
): { value: unknown; path: string } | undefined {
  const r = view.source.registry;
  if (!isObj(r)) return undefined;
  const key = version === V1ALPHA1 ? 'url' : 'baseURL';
  return { value: r[key], path: `${view.path}.registry.${key}` };
}
