/**
 * Schema pieces shared by both API versions. Every node carries a description because the
 * CRD generated from these objects is what `kubectl explain` shows.
 */
import { Type, type TSchema, type TProperties, type ObjectOptions } from '@sinclair/typebox';
import { CONDITION_TYPES, FORMATS, LIMITS, PHASES } from '../constants.ts';

/** A closed object: unknown fields are errors for the runtime validator (the apiserver prunes them). */
export function obj<T extends TProperties>(properties: T, description: string, options: ObjectOptions = {}) {
  return Type.Object(properties, { description, additionalProperties: false, ...options });
}

export function str(description: string, options: Record<string, unknown> = {}) {
  return Type.String({ description, ...options });
}

export function stringEnum<const T extends readonly string[]>(values: T, description: string) {
  return Type.Unsafe<T[number]>({ type: 'string', enum: [...values], description });
}

export function list<T extends TSchema>(
  items: T,
  description: string,
  options: Record<string, unknown> = {},
) {
  return Type.Array(items, { description, ...options });
}

export const DNS_SUBDOMAIN_PATTERN = '^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$';
export const DNS_LABEL_PATTERN = '^[a-z0-9]([-a-z0-9]*[a-z0-9])?$';
export const CONFIGMAP_KEY_PATTERN = '^[-._a-zA-Z0-9]+$';
export const COMMIT_PATTERN = '^[0-9a-fA-F]{7,40}$';

export const format = stringEnum(
  FORMATS,
  'Format of the source data: `toolhive` (registry.json with servers and remote_servers) or `upstream` (the MCP registry server.json format). Defaults to `upstream` for a `registry` source and to `toolhive` for the others.',
);

export const displayName = str('Human-readable name of the registry, shown by `thv registry info`.', {
  maxLength: LIMITS.displayName,
});

/** SPEC §11: the same field and meaning in both versions, so conversion carries it unchanged. */
export const enforceServers = Type.Boolean({
  description:
    "When true, every MCPServer image (and MCPRemoteProxy / MCPServerEntry remote URL) created or changed in this namespace must be listed by at least one MCPRegistry of the namespace (ToolHive's `enforceServers`: one enforcing registry turns enforcement on for the whole namespace). Workloads that predate it are never changed, and an update that keeps their image or URL is allowed with a warning.",
});

export const interval = str(
  'How often to sync, as a Go duration (`30m`, `1h30m`). Absent: sync only when the source or the spec changes, or on demand through the `toolhive.stacklok.io/sync-trigger` annotation.',
  { maxLength: LIMITS.duration },
);

export const syncPolicy = obj(
  { interval: Type.Optional(interval) },
  'When the registry is synced automatically.',
);

const patternList = (what: string) =>
  list(
    str(
      `A glob: \`*\` matches any run of characters including \`/\`, \`?\` one character, \`[...]\` a class.`,
      {
        maxLength: LIMITS.filterPattern,
        minLength: 1,
      },
    ),
    what,
    { maxItems: LIMITS.filterPatterns },
  );

const tagList = (what: string) =>
  list(
    str('A tag, matched exactly and case-sensitively.', { maxLength: LIMITS.filterPattern, minLength: 1 }),
    what,
    {
      maxItems: LIMITS.filterPatterns,
    },
  );

export const filter = obj(
  {
    names: Type.Optional(
      obj(
        {
          include: Type.Optional(
            patternList('Server name globs to keep. When non-empty, only matching servers are kept.'),
          ),
          exclude: Type.Optional(patternList('Server name globs to drop. Exclusion wins over inclusion.')),
        },
        'Filter on server names.',
      ),
    ),
    tags: Type.Optional(
      obj(
        {
          include: Type.Optional(
            tagList(
              'Tags to keep. When non-empty, a server is kept only if it has one of them; servers without tags are dropped.',
            ),
          ),
          exclude: Type.Optional(tagList('Tags to drop. A server with any of them is dropped.')),
        },
        'Filter on server tags.',
      ),
    ),
  },
  'Which servers of the source catalog the registry keeps. Name and tag filters are ANDed; exclusion wins.',
);

export const configMapName = str('Name of a ConfigMap in the registry’s namespace.', {
  minLength: 1,
  maxLength: LIMITS.dnsSubdomain,
  pattern: DNS_SUBDOMAIN_PATTERN,
});

export const configMapKey = str(
  'Key in the ConfigMap holding the registry document. Defaults to `registry.json`.',
  {
    minLength: 1,
    maxLength: LIMITS.configMapKey,
    pattern: CONFIGMAP_KEY_PATTERN,
  },
);

export const gitRepository = str(
  'Git repository to clone: `https://…`, `ssh://…`, `git@host:org/repo.git`, or `file://…` where the platform policy allows it.',
  { minLength: 1, maxLength: LIMITS.url },
);

export const gitPath = str(
  'Path of the registry document inside the repository, relative, ending in `.json`. Defaults to `registry.json`.',
  { minLength: 1, maxLength: LIMITS.gitPath },
);

export const gitBranch = str('Branch to check out.', { minLength: 1, maxLength: LIMITS.gitRef });
export const gitTag = str('Tag to check out.', { minLength: 1, maxLength: LIMITS.gitRef });
export const gitCommit = str('Commit to check out, 7 to 40 hexadecimal characters.', {
  pattern: COMMIT_PATTERN,
  minLength: 7,
  maxLength: 40,
});

/** CEL: at most one of branch, tag or commit. */
export const atMostOneRef = {
  rule: '[has(self.branch), has(self.tag), has(self.commit)].filter(x, x).size() <= 1',
  message: 'at most one of branch, tag or commit may be set',
};

/**
 * Another MCPRegistry whose REST API a `registry` source reads (federation, SPEC §8). The controller
 * resolves it to that registry's API Service; the referenced registry decides who may read it.
 */
export const registryRef = obj(
  {
    name: str('Name of the MCPRegistry to read.', {
      minLength: 1,
      maxLength: LIMITS.dnsSubdomain,
      pattern: DNS_SUBDOMAIN_PATTERN,
    }),
    namespace: Type.Optional(
      str(
        'Namespace of that MCPRegistry; defaults to this registry’s namespace. Another namespace must allow this one in the referenced registry’s `toolhive.stacklok.io/allowed-reader-namespaces` annotation.',
        { minLength: 1, maxLength: LIMITS.dnsLabel, pattern: DNS_LABEL_PATTERN },
      ),
    ),
  },
  'Another MCPRegistry to read through its REST API (`http://<name>-api.<namespace>.svc:8080`), instead of a URL. Its servers are read after its own filters; this source’s and this registry’s filters apply on top.',
);

/** CEL for a registry source: exactly one of the URL field (`baseURL` / `url`) and registryRef. */
export function oneRegistryTarget(urlField: string) {
  return [
    {
      rule: `has(self.${urlField}) || has(self.registryRef)`,
      message: `exactly one of ${urlField} or registryRef is required`,
      reason: 'FieldValueRequired',
    },
    {
      rule: `!has(self.${urlField}) || !has(self.registryRef)`,
      message: `registryRef must not be set when ${urlField} is set`,
      fieldPath: '.registryRef',
      reason: 'FieldValueForbidden',
    },
  ];
}

export function secretKeyRef(description: string) {
  return obj(
    {
      name: str('Name of a Secret in the registry’s namespace.', {
        minLength: 1,
        maxLength: LIMITS.dnsSubdomain,
        pattern: DNS_SUBDOMAIN_PATTERN,
      }),
      key: Type.Optional(
        str('Key in the Secret. Each reference documents its default.', {
          minLength: 1,
          maxLength: LIMITS.configMapKey,
          pattern: CONFIGMAP_KEY_PATTERN,
        }),
      ),
    },
    description,
  );
}

export const phase = stringEnum(
  PHASES,
  'Summary of the registry’s state: `Pending` (not synced yet), `Syncing`, `Ready` (data stored), `Failed` (last sync failed; the last good data is kept), `Terminating`.',
);

export const condition = obj(
  {
    type: str(`Type of the condition: one of ${CONDITION_TYPES.join(', ')}.`, {
      maxLength: 316,
      pattern:
        '^([a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*/)?(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])$',
    }),
    status: stringEnum(
      ['True', 'False', 'Unknown'] as const,
      'Status of the condition: True, False or Unknown.',
    ),
    observedGeneration: Type.Optional(
      Type.Integer({
        description: 'The metadata.generation this condition was computed from.',
        minimum: 0,
        format: 'int64',
      }),
    ),
    lastTransitionTime: str('When the condition last changed status.', { format: 'date-time' }),
    reason: str('Machine-readable CamelCase reason for the last transition.', {
      minLength: 1,
      maxLength: 1024,
      pattern: '^[A-Za-z]([A-Za-z0-9_,:]*[A-Za-z0-9_])?$',
    }),
    message: str('Human-readable details of the last transition.', { maxLength: LIMITS.message }),
  },
  'One aspect of the registry’s state, in the metav1.Condition shape.',
);

export const conditions = list(
  condition,
  'Conditions: SourceAvailable, DataValid, SyncSuccessful, APIReady and Ready; with kstatus conventions, Reconciling while a first sync runs and Stalled while the last sync failed (docs/gitops.md).',
  {
    'x-kubernetes-list-type': 'map',
    'x-kubernetes-list-map-keys': ['type'],
    maxItems: 16,
  },
);

export const time = (description: string) => str(description, { format: 'date-time' });
export const count = (description: string) => Type.Integer({ description, minimum: 0, format: 'int32' });
export const observedGeneration = Type.Integer({
  description: 'The metadata.generation the controller last acted on.',
  minimum: 0,
  format: 'int64',
});

/** Minimal metadata schema: the apiserver owns metadata validation; the CRD may only say `type: object`. */
export const metadata = Type.Object(
  {},
  { description: 'Standard object metadata.', additionalProperties: true },
);

/** The whole object of one version: the standard envelope around that version's spec and status. */
export function registryObject<S extends TSchema, T extends TSchema>(
  spec: S,
  status: T,
  description: string,
) {
  return obj(
    {
      apiVersion: Type.Optional(str('APIVersion of this representation of the object.')),
      kind: Type.Optional(str('Kind of the object: MCPRegistry.')),
      metadata: Type.Optional(metadata),
      spec,
      status: Type.Optional(status),
    },
    description,
  );
}
