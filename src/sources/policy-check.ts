/**
 * A registry admitted under an older, looser policy still syncs only what the policy in force now
 * allows (SPEC §18 "One policy, everywhere it matters"): before anything is fetched, the source is
 * judged by the decision admission uses. The refusal is a SourceError, so the registry keeps its last
 * good data and its status says which rule refuses the source and how to change it.
 */
import type { SourceV1beta1 } from '../api/types.ts';
import { judgeDestination, sourceTypeRefusal, type UrlRole } from '../admission/destination-policy.ts';
import { sourcePolicy } from './destinations.ts';
import { SourceError } from './types.ts';

export const POLICY_FORBIDS = 'ForbiddenByPolicy';

function urlOf(
  source: SourceV1beta1,
): { url: string; role: UrlRole; operatorEndpoint?: boolean } | undefined {
  switch (source.type) {
    case 'url':
      return source.url ? { url: source.url.href, role: 'document' } : undefined;
    case 'git':
      return source.git ? { url: source.git.repository, role: 'repository' } : undefined;
    case 'registry': {
      const r = source.registry;
      if (!r?.baseURL) return undefined;
      // A resolved registryRef: the operator chose the address, the spec named none.
      return { url: r.baseURL, role: 'base', ...(r.registryRef ? { operatorEndpoint: true } : {}) };
    }
    default:
      return undefined;
  }
}

export function policyRefusal(source: SourceV1beta1): SourceError | undefined {
  const policy = sourcePolicy();
  const where = urlOf(source);
  const details = where
    ? judgeDestination({ type: source.type, ...where }, policy).refusals.map((r) => r.detail)
    : [sourceTypeRefusal(source.type, policy)?.detail].filter((d): d is string => d !== undefined);
  if (details.length === 0) return undefined;
  return new SourceError(
    POLICY_FORBIDS,
    `source ${source.name}: not fetched: the platform policy in force does not allow it: ${details.join('; ')}`,
  );
}
