/**
 * v1beta1: the structured, multi-source shape. The storage version and the conversion hub.
 */
import { Type, type Static } from '@sinclair/typebox';
import { LIMITS, SOURCE_TYPES } from '../constants.ts';
import * as c from './common.ts';
import { kubernetesSource, requiredSubObject } from './kubernetes.ts';
import { apiSpec } from './api.ts';

const configMapRef = c.obj(
  { name: c.configMapName, key: Type.Optional(c.configMapKey) },
  'A ConfigMap in the registry’s namespace holding the registry document. Required when type is `configmap`.',
);

/** Shared by the URL and registry sources: both send these headers with every request. */
function headersSecretRef() {
  return c.obj(
    {
      name: c.str('Name of a Secret in the registry’s namespace.', {
        minLength: 1,
        maxLength: LIMITS.dnsSubdomain,
        pattern: c.DNS_SUBDOMAIN_PATTERN,
      }),
    },
    'A Secret whose keys and values are sent as HTTP request headers (for example `Authorization`).',
  );
}

const urlSource = c.obj(
  {
    href: c.str('An `https://` URL of a registry JSON document.', { minLength: 1, maxLength: LIMITS.url }),
    caBundleRef: Type.Optional(
      c.secretKeyRef('A Secret holding PEM CA certificates to trust for this URL. Key defaults to `ca.crt`.'),
    ),
    headersSecretRef: Type.Optional(headersSecretRef()),
    timeout: Type.Optional(
      c.str(
        'Timeout of one fetch, as a Go duration greater than 0 and at most `10m` (a slow source must not hold a controller worker for long). Defaults to `30s`.',
        { maxLength: LIMITS.duration },
      ),
    ),
  },
  'A registry JSON document served over HTTPS. Required when type is `url`.',
);

const gitRef = c.obj(
  { branch: Type.Optional(c.gitBranch), tag: Type.Optional(c.gitTag), commit: Type.Optional(c.gitCommit) },
  'What to check out: at most one of branch, tag or commit; none means the remote’s default branch.',
  { 'x-kubernetes-validations': [c.atMostOneRef] },
);

const gitSource = c.obj(
  {
    repository: c.gitRepository,
    ref: Type.Optional(gitRef),
    path: Type.Optional(c.gitPath),
    authSecretRef: Type.Optional(
      c.secretKeyRef(
        'A Secret with credentials: `username` and `password` (or `token`) for https, `ssh-privatekey` and optionally `known_hosts` for ssh.',
      ),
    ),
  },
  'A file in a Git repository. Required when type is `git`.',
);

/** The bound on versions kept per server (SPEC §14), and its default: generous, as a mirror should be. */
export const MAX_VERSIONS_PER_SERVER = 10_000;
export const DEFAULT_VERSIONS_PER_SERVER = 100;
/** Every how many syncs a registry source is read whole (SPEC §16), and the bound on it. */
export const DEFAULT_FULL_SYNC_EVERY = 10;
export const MAX_FULL_SYNC_EVERY = 1000;

const registrySource = c.obj(
  {
    baseURL: Type.Optional(
      c.str(
        'Base URL of an MCP registry API serving `/v0.1/servers`: `https`, no query or fragment. Exactly one of baseURL and registryRef.',
        {
          minLength: 1,
          maxLength: LIMITS.url,
        },
      ),
    ),
    registryRef: Type.Optional(c.registryRef),
    caBundleRef: Type.Optional(
      c.secretKeyRef(
        'A Secret holding PEM CA certificates to trust for this registry (a private registry with its own CA). Key defaults to `ca.crt`.',
      ),
    ),
    authSecretRef: Type.Optional(
      c.secretKeyRef(
        'A Secret holding a bearer token sent as `Authorization: Bearer <token>` to the registry API. Key defaults to `token`. Wins over an `Authorization` key in headersSecretRef.',
      ),
    ),
    headersSecretRef: Type.Optional(headersSecretRef()),
    maxVersionsPerServer: Type.Optional(
      Type.Integer({
        description: `How many versions of each server are kept and served: the latest and the most recently published others, 1 to ${MAX_VERSIONS_PER_SERVER}. Defaults to ${DEFAULT_VERSIONS_PER_SERVER}; when a server has more, the status says how many were left out. \`1\` asks the registry for its latest versions only (\`version=latest\`): the fewest bytes.`,
        minimum: 1,
        maximum: MAX_VERSIONS_PER_SERVER,
        format: 'int32',
      }),
    ),
    fullSyncEvery: Type.Optional(
      Type.Integer({
        description: `Every how many syncs the registry is read whole, 1 to ${MAX_FULL_SYNC_EVERY}; the syncs between read only what changed since the registry's own latest \`updatedAt\` (\`updated_since\`). Defaults to ${DEFAULT_FULL_SYNC_EVERY}. \`1\` reads it whole every time. A whole read also follows an operator restart or a move to another replica, and replaces every read of a registry that does not honour \`updated_since\` (the SourceAvailable condition then says so). A \`registryRef\` source is read whole every time (another MCPRegistry's catalog can lose servers outright).`,
        minimum: 1,
        maximum: MAX_FULL_SYNC_EVERY,
        format: 'int32',
      }),
    ),
  },
  'An MCP registry API (the upstream `/v0.1/servers` API), paged with `limit=100` and `include_deleted=true`, every version of each server kept (up to `maxVersionsPerServer`): a URL (`baseURL`) or another MCPRegistry (`registryRef`). Required when type is `registry`.',
  { 'x-kubernetes-validations': c.oneRegistryTarget('baseURL') },
);

const FIELD_BY_TYPE = {
  configmap: 'configMapRef',
  url: 'url',
  git: 'git',
  registry: 'registry',
  kubernetes: 'kubernetes',
} as const;

function oneOfRules() {
  return SOURCE_TYPES.flatMap((type) => {
    const field = FIELD_BY_TYPE[type];
    return [
      ...requiredSubObject(type, field),
      {
        rule: `self.type == '${type}' || !has(self.${field})`,
        messageExpression: `'${field} must not be set when type is \\'' + self.type + '\\''`,
        fieldPath: `.${field}`,
        reason: 'FieldValueForbidden',
      },
    ];
  });
}

export const sourceV1beta1 = c.obj(
  {
    name: c.str('Name of this source, unique in the list; used in status and logs.', {
      minLength: 1,
      maxLength: LIMITS.dnsLabel,
      pattern: c.DNS_LABEL_PATTERN,
    }),
    type: c.stringEnum(
      SOURCE_TYPES,
      'Kind of source: `configmap`, `url`, `git`, `registry` or `kubernetes`.',
    ),
    format: Type.Optional(c.format),
    configMapRef: Type.Optional(configMapRef),
    url: Type.Optional(urlSource),
    git: Type.Optional(gitSource),
    registry: Type.Optional(registrySource),
    kubernetes: Type.Optional(kubernetesSource),
    filter: Type.Optional(c.filter),
  },
  'One source of registry data. Exactly the sub-object named by `type` must be set.',
  { 'x-kubernetes-validations': oneOfRules() },
);

export const specV1beta1 = c.obj(
  {
    displayName: Type.Optional(c.displayName),
    sources: c.list(
      sourceV1beta1,
      'Sources merged into one catalog, in order: on a duplicate server name the later source wins.',
      {
        minItems: 1,
        maxItems: LIMITS.sources,
        'x-kubernetes-list-type': 'map',
        'x-kubernetes-list-map-keys': ['name'],
      },
    ),
    syncPolicy: Type.Optional(c.syncPolicy),
    filter: Type.Optional(c.filter),
    enforceServers: Type.Optional(c.enforceServers),
    api: Type.Optional(apiSpec),
  },
  'Desired state of the MCPRegistry: its sources, sync policy and the filter applied after merging.',
);

export const syncStatusV1beta1 = c.obj(
  {
    lastSyncTime: Type.Optional(c.time('When the catalog was last stored successfully.')),
    lastAttemptTime: Type.Optional(c.time('When the last sync attempt started.')),
    hash: Type.Optional(c.str('SHA-256 of the source bytes of the last successful sync.')),
    filterHash: Type.Optional(c.str('SHA-256 of the filters applied at the last successful sync.')),
    attempts: Type.Optional(c.count('Sync attempts since the last success (0 after a success).')),
    serverCount: Type.Optional(c.count('Number of servers in the stored catalog, after filtering.')),
    invalidServerCount: Type.Optional(c.count('Entries skipped at the last sync because they were invalid.')),
    conflictCount: Type.Optional(c.count('Server names defined by more than one source at the last sync.')),
    lastManualSyncTrigger: Type.Optional(
      c.str('Value of the `toolhive.stacklok.io/sync-trigger` annotation the controller last acted on.'),
    ),
  },
  'Details of data synchronisation.',
);

export const storageStatusV1beta1 = c.obj(
  {
    configMaps: Type.Optional(
      c.list(c.str('Name of a storage ConfigMap.'), 'Storage ConfigMaps, the index (or only one) first.', {
        maxItems: 1024,
      }),
    ),
    bytes: Type.Optional(
      Type.Integer({
        description: 'Size of the stored catalog before compression.',
        minimum: 0,
        format: 'int64',
      }),
    ),
    compressed: Type.Optional(
      Type.Boolean({ description: 'Whether the stored catalog is gzip-compressed.' }),
    ),
  },
  'Where and how the synced catalog is stored.',
);

export const apiStatusV1beta1 = c.obj(
  {
    endpoint: Type.Optional(c.str('In-cluster URL of this registry’s REST API.')),
    readyReplicas: Type.Optional(c.count('Ready replicas of the registry API Deployment.')),
  },
  'State of this registry’s REST API workload.',
);

export const statusV1beta1 = c.obj(
  {
    phase: Type.Optional(c.phase),
    message: Type.Optional(
      c.str('Human-readable summary of the current phase.', { maxLength: LIMITS.message }),
    ),
    observedGeneration: Type.Optional(c.observedGeneration),
    conditions: Type.Optional(c.conditions),
    sync: Type.Optional(syncStatusV1beta1),
    storage: Type.Optional(storageStatusV1beta1),
    api: Type.Optional(apiStatusV1beta1),
  },
  'Observed state of the MCPRegistry, written by the controller.',
);

export const mcpRegistryV1beta1 = c.registryObject(
  specV1beta1,
  statusV1beta1,
  'MCPRegistry is a catalog of MCP servers merged from ConfigMaps, URLs, Git repositories and MCP registry APIs. It never deploys the servers.',
);

export type SourceV1beta1 = Static<typeof sourceV1beta1>;
export type SpecV1beta1 = Static<typeof specV1beta1>;
export type StatusV1beta1 = Static<typeof statusV1beta1>;
export type ConditionV1 = Static<typeof c.condition>;
export type FilterSpec = Static<typeof c.filter>;
