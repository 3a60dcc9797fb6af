/**
 * `thv registry add` flags → the v1beta1 MCPRegistry to send. Pure. Flag combinations that cannot
 * mean anything are usage errors here; everything about the values themselves (URL schemes,
 * durations, globs, names) is left to the apiserver's admission, whose messages the CLI prints
 * verbatim, so there is one source of truth for the rules.
 */
import { API_VERSION_V1BETA1, KIND, type SourceType } from '../../api/constants.ts';
import type { MCPRegistryV1beta1, SourceV1beta1, FilterSpec } from '../../api/types.ts';
import { UsageError } from '../errors.ts';

export interface AddFlags {
  type?: SourceType;
  configmap?: string;
  url?: string;
  git?: string;
  branch?: string;
  tag?: string;
  commit?: string;
  path?: string;
  registry?: string;
  /** Discover the ToolHive workloads running in the cluster (SPEC §12). */
  kubernetes?: boolean;
  /** With --kubernetes: the namespaces to discover in (default: the registry's own). */
  namespaces?: string[];
  format?: 'toolhive' | 'upstream';
  interval?: string;
  include?: string[];
  exclude?: string[];
  includeTag?: string[];
  excludeTag?: string[];
  displayName?: string;
  /**
   * The source's name; default its type (`configmap`, `url`, ...). Not `default`, the name
   * conversion gives a v1alpha1 object's source: next to `-n default` it read like the namespace.
   */
  sourceName?: string;
  /** NAME[:KEY] of a Secret with PEM CA certificates for --url or --registry. */
  caSecret?: string;
}

const SOURCE_FLAGS: Record<SourceType, { flag: string; usage: string }> = {
  configmap: { flag: '--configmap', usage: '--configmap NAME[:KEY]' },
  url: { flag: '--url', usage: '--url URL' },
  git: { flag: '--git', usage: '--git REPO' },
  registry: { flag: '--registry', usage: '--registry URL' },
  kubernetes: { flag: '--kubernetes', usage: '--kubernetes [--namespaces NS,...]' },
};

const SOURCE_HINT =
  'Give exactly one of --configmap NAME[:KEY], --url URL, --git REPO, --registry URL or --kubernetes.';

function chosenSource(flags: AddFlags): SourceType {
  const given = (Object.keys(SOURCE_FLAGS) as SourceType[]).filter((t) => flags[t] !== undefined);
  if (given.length > 1)
    throw new UsageError(
      `only one source may be given, got ${given.map((t) => SOURCE_FLAGS[t].flag).join(' and ')}`,
      SOURCE_HINT,
    );
  const [only] = given;
  if (flags.type && only && flags.type !== only)
    throw new UsageError(
      `--type ${flags.type} does not match ${SOURCE_FLAGS[only].flag}`,
      `Use --type ${only}, or leave --type out: it follows from the source flag.`,
    );
  if (!only) {
    if (flags.type)
      throw new UsageError(`--type ${flags.type} needs ${SOURCE_FLAGS[flags.type].usage}`, SOURCE_HINT);
    throw new UsageError('a source is required', SOURCE_HINT);
  }
  return only;
}

function parseNameKey(flag: string, value: string, example: string): { name: string; key?: string } {
  const i = value.indexOf(':');
  const name = i < 0 ? value : value.slice(0, i);
  const key = i < 0 ? undefined : value.slice(i + 1);
  if (!name || key === '')
    throw new UsageError(`${flag} ${JSON.stringify(value)}: expected NAME or NAME:KEY`, example);
  return key === undefined ? { name } : { name, key };
}

export function parseConfigMapRef(value: string): { name: string; key?: string } {
  return parseNameKey(
    '--configmap',
    value,
    'For example --configmap my-catalog or --configmap my-catalog:registry.json.',
  );
}

/** --ca-secret: the CA bundle of an HTTPS source whose certificate is not from a public CA. */
function caBundleRef(flags: AddFlags, type: SourceType): { name: string; key?: string } | undefined {
  if (flags.caSecret === undefined) return undefined;
  if (type !== 'url' && type !== 'registry')
    throw new UsageError(
      '--ca-secret is only valid with --url or --registry',
      'It names a Secret with the PEM CA certificates an HTTPS source is checked against.',
    );
  return parseNameKey(
    '--ca-secret',
    flags.caSecret,
    'For example --ca-secret internal-ca or --ca-secret internal-ca:ca.crt.',
  );
}

function gitOnly(flags: AddFlags, type: SourceType): void {
  for (const [key, flag] of [
    ['branch', '--branch'],
    ['tag', '--tag'],
    ['commit', '--commit'],
    ['path', '--path'],
  ] as const) {
    if (flags[key] !== undefined && type !== 'git')
      throw new UsageError(
        `${flag} is only valid with --git`,
        'For example --git https://github.com/org/repo.git --branch main.',
      );
  }
  const refs = (['branch', 'tag', 'commit'] as const).filter((k) => flags[k] !== undefined);
  if (refs.length > 1)
    throw new UsageError(
      `--${refs.join(', --')} are mutually exclusive`,
      'Pick one of --branch, --tag or --commit (none means the remote’s default branch).',
    );
}

/** --namespaces: comma-separated and repeatable; only meaningful with --kubernetes. */
function discoveryNamespaces(flags: AddFlags, type: SourceType): string[] | undefined {
  if (flags.namespaces === undefined) return undefined;
  if (type !== 'kubernetes')
    throw new UsageError(
      '--namespaces is only valid with --kubernetes',
      'For example --kubernetes --namespaces team-a,team-b (each must consent: see docs/user-guide.md).',
    );
  const list = flags.namespaces.flatMap((n) => n.split(',')).map((n) => n.trim());
  if (list.some((n) => n === ''))
    throw new UsageError(
      `--namespaces ${JSON.stringify(flags.namespaces.join(','))}: empty namespace name`,
      'For example --namespaces team-a,team-b.',
    );
  return list;
}

function buildSource(flags: AddFlags, type: SourceType): SourceV1beta1 {
  const source: SourceV1beta1 = { name: flags.sourceName ?? type, type };
  if (flags.format) source.format = flags.format;
  switch (type) {
    case 'configmap':
      source.configMapRef = parseConfigMapRef(flags.configmap ?? '');
      break;
    case 'url': {
      const ca = caBundleRef(flags, type);
      source.url = { href: flags.url ?? '', ...(ca ? { caBundleRef: ca } : {}) };
      break;
    }
    case 'git': {
      const ref = {
        ...(flags.branch !== undefined ? { branch: flags.branch } : {}),
        ...(flags.tag !== undefined ? { tag: flags.tag } : {}),
        ...(flags.commit !== undefined ? { commit: flags.commit } : {}),
      };
      source.git = {
        repository: flags.git ?? '',
        ...(Object.keys(ref).length ? { ref } : {}),
        ...(flags.path !== undefined ? { path: flags.path } : {}),
      };
      break;
    }
    case 'registry': {
      const ca = caBundleRef(flags, type);
      source.registry = { baseURL: flags.registry ?? '', ...(ca ? { caBundleRef: ca } : {}) };
      break;
    }
    case 'kubernetes': {
      const namespaces = discoveryNamespaces(flags, type);
      if (namespaces) source.kubernetes = { namespaces };
      break;
    }
  }
  return source;
}

export function buildFilter(flags: AddFlags): FilterSpec | undefined {
  const some = (l?: string[]) => (l && l.length ? [...l] : undefined);
  const names = { include: some(flags.include), exclude: some(flags.exclude) };
  const tags = { include: some(flags.includeTag), exclude: some(flags.excludeTag) };
  const prune = (o: { include?: string[]; exclude?: string[] }) => {
    const out: { include?: string[]; exclude?: string[] } = {};
    if (o.include) out.include = o.include;
    if (o.exclude) out.exclude = o.exclude;
    return Object.keys(out).length ? out : undefined;
  };
  const filter: FilterSpec = {};
  const n = prune(names);
  const t = prune(tags);
  if (n) filter.names = n;
  if (t) filter.tags = t;
  return Object.keys(filter).length ? filter : undefined;
}

export function buildRegistry(name: string, namespace: string, flags: AddFlags): MCPRegistryV1beta1 {
  const type = chosenSource(flags);
  gitOnly(flags, type);
  caBundleRef(flags, type);
  discoveryNamespaces(flags, type);
  const filter = buildFilter(flags);
  return {
    apiVersion: API_VERSION_V1BETA1,
    kind: KIND,
    metadata: { name, namespace },
    spec: {
      ...(flags.displayName !== undefined ? { displayName: flags.displayName } : {}),
      sources: [buildSource(flags, type)],
      ...(flags.interval !== undefined ? { syncPolicy: { interval: flags.interval } } : {}),
      ...(filter ? { filter } : {}),
    },
  };
}

/** Which add flag sets each field, so an admission message can be traced back to the flag. */
const FIELD_FLAGS: [string, string][] = [
  ['metadata.name', 'NAME'],
  ['spec.displayName', '--display-name'],
  [`spec.sources[0].name`, '--source-name'],
  [`spec.sources[0].configMapRef.name`, '--configmap NAME'],
  [`spec.sources[0].configMapRef.key`, '--configmap NAME:KEY'],
  [`spec.sources[0].url.href`, '--url'],
  [`spec.sources[0].git.repository`, '--git'],
  [`spec.sources[0].git.ref.branch`, '--branch'],
  [`spec.sources[0].git.ref.tag`, '--tag'],
  [`spec.sources[0].git.ref.commit`, '--commit'],
  [`spec.sources[0].git.ref`, '--branch/--tag/--commit'],
  [`spec.sources[0].git.path`, '--path'],
  [`spec.sources[0].registry.baseURL`, '--registry'],
  [`spec.sources[0].url.caBundleRef`, '--ca-secret'],
  [`spec.sources[0].registry.caBundleRef`, '--ca-secret'],
  [`spec.sources[0].kubernetes.namespaces`, '--namespaces'],
  [`spec.sources[0].format`, '--format'],
  ['spec.syncPolicy.interval', '--interval'],
  ['spec.filter.names.include', '--include'],
  ['spec.filter.names.exclude', '--exclude'],
  ['spec.filter.tags.include', '--include-tag'],
  ['spec.filter.tags.exclude', '--exclude-tag'],
];

/** `spec.sources[0].url.href is --url` for each field an apiserver message names; undefined if none. */
export function flagHint(message: string): string | undefined {
  const seen = new Set<string>();
  const parts: string[] = [];
  for (const m of message.matchAll(/(?:metadata|spec)(?:\.[A-Za-z]+|\[\d+\])*/g)) {
    const field = m[0];
    const hit = FIELD_FLAGS.find(
      ([f]) => field === f || field.startsWith(`${f}[`) || field.startsWith(`${f}.`),
    );
    if (!hit || seen.has(field)) continue;
    seen.add(field);
    parts.push(`${field} is ${hit[1]}`);
  }
  return parts.length ? `Fix the flag and run the command again (${parts.join('; ')}).` : undefined;
}
