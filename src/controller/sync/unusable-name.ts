/**
 * A registry whose name cannot name its derived objects (SPEC §8 "Names"). Admission refuses such
 * names now, but a registry stored before that rule (or in a namespace the webhooks skip) still
 * reaches the controller: it gets a Failed status that says why, once, and nothing is created for it
 * (no storage, no API workload, no finalizer), so deleting it never waits on a cleanup that cannot run.
 * The check is admission's own (src/admission/names.ts): one rule for both.
 */
import type { MCPRegistryV1beta1 } from '../../api/types.ts';
import { checkRegistryName } from '../../admission/names.ts';
import { statusAfterFailure, type FailureOutcome } from './status.ts';
import type { SyncPlan } from './decide.ts';

export const INVALID_NAME = 'InvalidName';

/** The failure for an unusable name, or undefined when the name is usable. */
export function unusableName(reg: Pick<MCPRegistryV1beta1, 'metadata'>): FailureOutcome | undefined {
  const errors = checkRegistryName(reg);
  if (errors.length === 0) return undefined;
  const why = errors.map((e) => `${e.field}: ${e.detail}`).join('; ');
  return {
    kind: 'failure',
    stage: 'internal',
    reason: INVALID_NAME,
    message: `the registry name "${reg.metadata.name ?? ''}" cannot be used (${why}); nothing is synced for it: delete it and create it again under a usable name`,
  };
}

/**
 * The plan for an unusable name (pure): Failed with the reason and one Warning Event; undefined when
 * the status already says so for this generation (nothing to do, no requeue: a name never changes).
 */
export function decideUnusableName(
  reg: Pick<MCPRegistryV1beta1, 'metadata' | 'status'>,
  failure: FailureOutcome,
  now: string,
): SyncPlan | undefined {
  const generation = reg.metadata.generation ?? 0;
  const said = reg.status?.conditions?.find((c) => c.type === 'SyncSuccessful');
  if (
    reg.status?.phase === 'Failed' &&
    reg.status.observedGeneration === generation &&
    said?.reason === INVALID_NAME
  )
    return undefined;
  return {
    result: 'failure',
    status: (fresh) => statusAfterFailure(fresh, failure, { generation, now }),
    event: { type: 'Warning', reason: 'SyncFailed', message: failure.message },
    requeue: {},
    log: { level: 'warn', message: failure.message, fields: { reason: INVALID_NAME } },
  };
}
