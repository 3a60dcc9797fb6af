/**
 * What the reconciler hands decide (pure): the registry as decide sees it, the API workload's view
 * when it is disabled or held back by a name conflict, and a NameConflictError as a sync failure.
 */
import type { MCPRegistryV1beta1 } from '../../api/types.ts';
import type { NameConflictError } from '../../storage/ownership.ts';
import type { ApiView, RegistryView } from './decide.ts';
import { sourceLabel } from '../federation/registry-refs.ts';
import type { FailureOutcome } from './status.ts';

export { NOT_DEPLOYED } from '../workload/api-objects.ts';

export function view(reg: MCPRegistryV1beta1): RegistryView {
  return {
    generation: reg.metadata.generation ?? 0,
    // A registryRef source is shown with the registry it reads (the dependency, in status and Events).
    sourceNames: reg.spec.sources.map((s) => sourceLabel(s, reg.metadata.namespace ?? '')),
    status: reg.status,
  };
}

/** A derived name taken by someone else's object (SPEC §8 "Ownership"): Failed, reason NameConflict. */
export function conflictFailure(e: NameConflictError): FailureOutcome {
  return { kind: 'failure', stage: 'store', reason: 'NameConflict', message: e.message };
}

/** APIReady while a name conflict keeps the workload from being applied. */
export function conflictApi(message: string): ApiView {
  return {
    readyReplicas: 0,
    condition: { type: 'APIReady', status: 'False', reason: 'NameConflict', message },
  };
}

/**
 * The workloads a kubernetes source left out (the pipeline maps them on the sync worker, so they are
 * known here, from its invalid entries: a skipped workload is an entry without a field).
 */
export function skippedWorkloads(
  reg: Pick<MCPRegistryV1beta1, 'spec'>,
  invalid: readonly { entry: string; field: string; reason: string; source: string }[],
): { source: string; workload: string; reason: string }[] {
  const discovering = new Set(reg.spec.sources.filter((s) => s.type === 'kubernetes').map((s) => s.name));
  return invalid
    .filter((i) => i.field === '' && discovering.has(i.source))
    .map((i) => ({ source: i.source, workload: i.entry, reason: i.reason }));
}

export function sourceTypeOf(reg: MCPRegistryV1beta1): string {
  return reg.spec.sources.length === 1 ? (reg.spec.sources[0]?.type ?? 'none') : 'multiple';
}
