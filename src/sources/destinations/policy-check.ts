/**
 * A registry admitted under an older, looser policy still syncs only what the policy in force now
 * allows (SPEC §18 "One policy, everywhere it matters"). The fetchers judge each destination by the
 * decision admission uses (destination-policy.ts) before they connect; what they cannot judge is a
 * source type the policy no longer allows (a configmap source included), so that is judged here,
 * before anything is read. The refusal is a SourceError: the registry keeps its last good data and
 * its status says which rule refuses the source.
 */
import type { SourceV1beta1 } from '../../api/types.ts';
import { sourceTypeRefusal } from '../../admission/source-rules/destination-policy.ts';
import { sourcePolicy } from './destinations.ts';
import { SourceError } from '../types.ts';

export const POLICY_FORBIDS = 'ForbiddenByPolicy';

export function policyRefusal(source: SourceV1beta1): SourceError | undefined {
  const refused = sourceTypeRefusal(source.type, sourcePolicy());
  if (!refused) return undefined;
  return new SourceError(
    POLICY_FORBIDS,
    `source ${source.name}: not fetched: the platform policy in force does not allow it: ${refused.detail}`,
  );
}
