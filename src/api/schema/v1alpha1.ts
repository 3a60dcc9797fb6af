/**
 * v1alpha1: the design document's shape. One `source` with a `type` and the matching sub-object,
 * and a flat status. Served, not stored; converted to and from v1beta1 by the conversion webhook.
 */
import { Type, type Static } from '@sinclair/typebox';
import { LIMITS, SOURCE_TYPES } from '../constants.ts';
import * as c from './common.ts';
import { kubernetesSource, requiredSubObject } from './kubernetes.ts';

const configmapSource = c.obj(
  { name: c.configMapName, key: Type.Optional(c.configMapKey) },
  'A ConfigMap in the registry’s namespace holding the registry document. Required when type is `configmap`.',
);

const urlSource = c.str('An `https://` URL of a registry JSON document. Required when type is `url`.', {
  minLength: 1,
  maxLength: LIMITS.url,
});

const gitSource = c.obj(
  {
    repository: c.gitRepository,
    branch: Type.Optional(c.gitBranch),
    tag: Type.Optional(c.gitTag),
    commit: Type.Optional(c.gitCommit),
    path: Type.Optional(c.gitPath),
  },
  'A file in a Git repository. At most one of branch, tag or commit; none means the remote’s default branch. Required when type is `git`.',
  { 'x-kubernetes-validations': [c.atMostOneRef] },
);

const registrySource = c.obj(
  {
    url: Type.Optional(
      c.str(
        'Base URL of an MCP registry API serving `/v0.1/servers`: `https`, no query or fragment. Exactly one of url and registryRef.',
        {
          minLength: 1,
          maxLength: LIMITS.url,
        },
      ),
    ),
    registryRef: Type.Optional(c.registryRef),
  },
  'An MCP registry API (the upstream `/v0.1/servers` API): a URL or another MCPRegistry (`registryRef`). Required when type is `registry`.',
  { 'x-kubernetes-validations': c.oneRegistryTarget('url') },
);

/** CEL: exactly the sub-object named by `type` is set. One rule per sub-object, so each error names its field. */
function oneOfRules(fields: Record<(typeof SOURCE_TYPES)[number], string>) {
  return Object.entries(fields).flatMap(([type, field]) => [
    ...requiredSubObject(type, field),
    {
      rule: `self.type == '${type}' || !has(self.${field})`,
      messageExpression: `'${field} must not be set when type is \\'' + self.type + '\\''`,
      fieldPath: `.${field}`,
      reason: 'FieldValueForbidden',
    },
  ]);
}

export const sourceV1alpha1 = c.obj(
  {
    type: c.stringEnum(
      SOURCE_TYPES,
      'Kind of source: `configmap`, `url`, `git`, `registry` or `kubernetes`.',
    ),
    configmap: Type.Optional(configmapSource),
    url: Type.Optional(urlSource),
    git: Type.Optional(gitSource),
    registry: Type.Optional(registrySource),
    kubernetes: Type.Optional(kubernetesSource),
  },
  'Where the registry data comes from. Exactly the sub-object named by `type` must be set.',
  {
    'x-kubernetes-validations': oneOfRules({
      configmap: 'configmap',
      url: 'url',
      git: 'git',
      registry: 'registry',
      kubernetes: 'kubernetes',
    }),
  },
);

export const specV1alpha1 = c.obj(
  {
    displayName: Type.Optional(c.displayName),
    format: Type.Optional(c.format),
    source: sourceV1alpha1,
    syncPolicy: Type.Optional(c.syncPolicy),
    filter: Type.Optional(c.filter),
    enforceServers: Type.Optional(c.enforceServers),
  },
  'Desired state of the MCPRegistry: where its catalog comes from and which servers it keeps.',
);

export const storageRefV1alpha1 = c.obj(
  {
    type: c.stringEnum(['configmap'] as const, 'Kind of storage; always `configmap`.'),
    configMapRef: Type.Optional(
      c.obj(
        { name: c.str('Name of the storage ConfigMap (the first one, or the index when sharded).') },
        'The storage ConfigMap.',
      ),
    ),
  },
  'Where the controller stored the synced catalog.',
);

export const statusV1alpha1 = c.obj(
  {
    phase: Type.Optional(c.phase),
    message: Type.Optional(
      c.str('Human-readable summary of the current phase.', { maxLength: LIMITS.message }),
    ),
    lastSyncTime: Type.Optional(c.time('When the catalog was last stored successfully.')),
    lastSyncHash: Type.Optional(c.str('SHA-256 of the source bytes of the last successful sync.')),
    serverCount: Type.Optional(c.count('Number of servers in the stored catalog, after filtering.')),
    syncAttempts: Type.Optional(c.count('Sync attempts since the last success (0 after a success).')),
    storageRef: Type.Optional(storageRefV1alpha1),
    apiEndpoint: Type.Optional(c.str('In-cluster URL of this registry’s REST API.')),
    lastManualSyncTrigger: Type.Optional(
      c.str('Value of the `toolhive.stacklok.io/sync-trigger` annotation the controller last acted on.'),
    ),
    observedGeneration: Type.Optional(c.observedGeneration),
    conditions: Type.Optional(c.conditions),
  },
  'Observed state of the MCPRegistry, written by the controller.',
);

export const mcpRegistryV1alpha1 = c.registryObject(
  specV1alpha1,
  statusV1alpha1,
  'MCPRegistry is a catalog of MCP servers synced from a ConfigMap, URL, Git repository or MCP registry API. It never deploys the servers.',
);

export type SourceV1alpha1 = Static<typeof sourceV1alpha1>;
export type SpecV1alpha1 = Static<typeof specV1alpha1>;
export type StatusV1alpha1 = Static<typeof statusV1alpha1>;
