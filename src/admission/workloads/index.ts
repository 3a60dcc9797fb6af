/** Workload admission's public API (SPEC §11), for the webhook, the controller and the CLI. */
export * from './kinds.ts';
export { closestNames } from './suggest.ts';
export { parseImage, imageMatches, normaliseUrl, type ImageRef } from './matching.ts';
export {
  indexEntries,
  lookupEntry,
  type EntryIndex,
  type IndexOptions,
  type WorkloadEntry,
} from './entries.ts';
export { resolveWorkload, type RegistryState, type ResolveInput, type ResolveResult } from './resolve.ts';
export { enforceWorkload, type CheckedRegistry, type EnforceInput } from './enforce.ts';
export {
  mutateWorkload,
  validateWorkload,
  workloadSubject,
  type WorkloadRequest,
  type MutateContext,
  type ValidateContext,
} from './review.ts';
export { workloadManifest, workloadName, type ManifestRequest } from './manifest.ts';
export { auditWorkloads, type AuditRow, type AuditSubject } from './audit.ts';
export { toYaml } from './yaml.ts';
