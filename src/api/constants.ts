/** Names shared by every layer: the API group, resource names, and the well-known keys we own. */
export const GROUP = 'toolhive.stacklok.io';
export const KIND = 'MCPRegistry';
export const LIST_KIND = 'MCPRegistryList';
export const PLURAL = 'mcpregistries';
export const SINGULAR = 'mcpregistry';
export const SHORT_NAMES = ['mcpreg', 'mcpr'] as const;
export const CATEGORIES = ['toolhive'] as const;
export const CRD_NAME = `${PLURAL}.${GROUP}`;

export const V1ALPHA1 = 'v1alpha1';
export const V1BETA1 = 'v1beta1';
export const VERSIONS = [V1ALPHA1, V1BETA1] as const;
export type ApiVersionName = (typeof VERSIONS)[number];
export const HUB_VERSION = V1BETA1;
export const STORAGE_VERSION = V1BETA1;

export const API_VERSION_V1ALPHA1 = `${GROUP}/${V1ALPHA1}`;
export const API_VERSION_V1BETA1 = `${GROUP}/${V1BETA1}`;

/** Annotation in which v1beta1 → v1alpha1 conversion keeps what v1alpha1 cannot hold. */
export const ANNOTATION_V1BETA1_SPEC = `${GROUP}/v1beta1-spec`;
/** Any new value of this annotation asks the controller for one sync. */
export const ANNOTATION_SYNC_TRIGGER = `${GROUP}/sync-trigger`;
export const FINALIZER = `${GROUP}/registry-cleanup`;
/**
 * On an MCPRegistry: the other namespaces whose registries may read it through a `registryRef`
 * (comma-separated, `*` = all). Its own namespace may always read it (docs/user-guide.md, federation).
 */
export const ANNOTATION_ALLOWED_READERS = `${GROUP}/allowed-reader-namespaces`;
/**
 * On a Namespace: the registries whose `kubernetes` sources may catalog its workloads (comma-separated
 * `namespace` (every registry there) or `namespace/name`, `*` = all). A registry's own namespace needs
 * none (docs/user-guide.md, discovery). Same consent model as ANNOTATION_ALLOWED_READERS.
 */
export const ANNOTATION_DISCOVERY_READERS = `${GROUP}/discovery-readers`;
export const LABEL_REGISTRY = `${GROUP}/registry`;
export const LABEL_MANAGED_BY = 'app.kubernetes.io/managed-by';
export const MANAGED_BY = 'mcp-registry-operator';

export const SOURCE_TYPES = ['configmap', 'url', 'git', 'registry', 'kubernetes'] as const;
export type SourceType = (typeof SOURCE_TYPES)[number];
export const FORMATS = ['toolhive', 'upstream'] as const;
export type RegistryFormat = (typeof FORMATS)[number];

/**
 * The format a source's data has when the spec does not say (SPEC §8): a `registry` source speaks the
 * upstream MCP registry API, so its data is upstream; the other sources most often hold a ToolHive
 * registry.json. One rule for the mutating webhook, conversion, the controller and the CLI.
 */
export function defaultFormatOf(sourceType: unknown): RegistryFormat {
  // A kubernetes source builds upstream server.json entries from workloads (SPEC §12).
  return sourceType === 'registry' || sourceType === 'kubernetes' ? 'upstream' : 'toolhive';
}
export const PHASES = ['Pending', 'Syncing', 'Ready', 'Failed', 'Terminating'] as const;
export type Phase = (typeof PHASES)[number];
export const CONDITION_TYPES = [
  'SourceAvailable',
  'DataValid',
  'SyncSuccessful',
  'APIReady',
  'Ready',
  // kstatus conventions (docs/gitops.md): present only while they hold.
  'Reconciling',
  'Stalled',
] as const;
export type ConditionType = (typeof CONDITION_TYPES)[number];

export const DEFAULT_CONFIGMAP_KEY = 'registry.json';
export const DEFAULT_GIT_PATH = 'registry.json';

/** Limits shared by the CRD schema and the validating webhook, so both speak the same numbers. */
export const LIMITS = {
  displayName: 200,
  url: 2048,
  filterPatterns: 100,
  filterPattern: 253,
  dnsSubdomain: 253,
  dnsLabel: 63,
  configMapKey: 253,
  gitPath: 1024,
  gitRef: 255,
  duration: 64,
  sources: 16,
  discoveryNamespaces: 32,
  message: 32768,
} as const;
