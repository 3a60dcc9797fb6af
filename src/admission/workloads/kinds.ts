/**
 * Workload admission (SPEC §11): ToolHive workloads that reference registry entries. This folder holds
 * the pure decisions only (resolution, matching, enforcement, messages); the webhook routes that gather
 * what they need from the cluster live in src/webhook/workloads/. Imports: core only (src/api,
 * src/registry, the rest of src/admission).
 *
 * This file: the kinds we handle and the field names each generation of ToolHive's CRDs uses.
 */

/** ToolHive's workload group (not ours: our MCPRegistry is toolhive.stacklok.io). */
export const WORKLOAD_GROUP = 'toolhive.stacklok.dev';

export const ANNOTATION_REGISTRY = 'toolhive.stacklok.io/registry';
export const ANNOTATION_SERVER = 'toolhive.stacklok.io/server';
export const ANNOTATION_SERVER_VERSION = 'toolhive.stacklok.io/server-version';
export const ANNOTATION_RESOLVED = 'toolhive.stacklok.io/resolved';
/** Namespace label that makes the enforcing webhook fail closed there (docs/admission.md). */
export const LABEL_ENFORCE = 'toolhive.stacklok.io/enforce-servers';
/** Namespace label that exempts a namespace from the policy's registries (never from its own). */
export const LABEL_EXEMPT = 'toolhive.stacklok.io/enforcement';
export const EXEMPT_VALUE = 'exempt';

export type WorkloadKind = 'MCPServer' | 'MCPRemoteProxy' | 'MCPServerEntry';

export interface KindInfo {
  kind: WorkloadKind;
  plural: string;
  /** What the workload runs: an image (MCPServer) or a remote URL (the other two). */
  runs: 'image' | 'remote';
}

export const WORKLOAD_KINDS: readonly KindInfo[] = [
  { kind: 'MCPServer', plural: 'mcpservers', runs: 'image' },
  { kind: 'MCPRemoteProxy', plural: 'mcpremoteproxies', runs: 'remote' },
  { kind: 'MCPServerEntry', plural: 'mcpserverentries', runs: 'remote' },
];

export function kindInfo(kind: unknown): KindInfo | undefined {
  return WORKLOAD_KINDS.find((k) => k.kind === kind);
}

export function kindByPlural(plural: string): KindInfo | undefined {
  return WORKLOAD_KINDS.find((k) => k.plural === plural);
}

/**
 * The spec fields of each kind in the newest generation (2026-08-21), used when the served schema is
 * not known (offline `thv registry validate`). The webhook uses the installed CRD's own field list.
 */
export const NEWEST_FIELDS: Record<WorkloadKind, readonly string[]> = {
  MCPServer: ['image', 'transport', 'mcpPort', 'proxyPort', 'args', 'env', 'secrets', 'permissionProfile'],
  MCPRemoteProxy: ['remoteUrl', 'transport', 'headerForward', 'proxyPort'],
  MCPServerEntry: ['remoteUrl', 'transport', 'headerForward', 'groupRef'],
};

/** The field holding the remote URL: `remoteURL` in the October-2025 MCPRemoteProxy, `remoteUrl` after. */
export function remoteUrlField(fields: ReadonlySet<string>): 'remoteUrl' | 'remoteURL' {
  return fields.has('remoteURL') && !fields.has('remoteUrl') ? 'remoteURL' : 'remoteUrl';
}

/**
 * Values ToolHive's schema defaults. The apiserver writes defaults before admission, so a field equal
 * to its default is indistinguishable from one the user left empty, unless the user's own manifest
 * (kubectl's last-applied configuration) shows it: see userSet in resolve.ts.
 */
export const SCHEMA_DEFAULTS: Record<WorkloadKind, Record<string, unknown>> = {
  MCPServer: { transport: 'stdio' },
  MCPRemoteProxy: { transport: 'streamable-http' },
  MCPServerEntry: {},
};
