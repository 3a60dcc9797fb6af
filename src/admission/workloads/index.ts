/** Workload admission's public API (SPEC §11), for the webhook, the controller and the CLI. */
export * from './kinds.ts';
export { readReference, hasReference, annotationsOf, type Reference } from './reference.ts';
export { closestNames } from './suggest.ts';
export { parseImage, imageMatches, normaliseUrl, type ImageRef } from './matching.ts';
export { indexEntries, lookupEntry, workloadEntry, type EntryIndex, type WorkloadEntry } from './entries.ts';
export { resolveWorkload, type RegistryState, type ResolveInput, type ResolveResult } from './resolve.ts';
export {
  enforceWorkload,
  enforcedValue,
  listedBy,
  type CheckedRegistry,
  type EnforceInput,
} from './enforce.ts';
export { msg as workloadMessages, workloadInvalid } from './messages.ts';
export {
  mutateWorkload,
  validateWorkload,
  referenceOf,
  workloadSubject,
  type WorkloadRequest,
  type MutateContext,
  type ValidateContext,
} from './review.ts';
export { workloadManifest, workloadName, type ManifestRequest } from './manifest.ts';
export { auditWorkloads, type AuditRow, type AuditSubject } from './audit.ts';
export { toYaml } from './yaml.ts';
