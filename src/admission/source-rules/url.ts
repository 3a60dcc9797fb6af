/**
 * URL and host rules shared by `url`, `registry` and Git sources (SPEC §2.2), as admission findings:
 * the decision itself is destination-policy.ts's, the same one the fetchers apply.
 */
import { judgeDestination, type UrlRole } from './destination-policy.ts';
import type { Policy } from '../policy/policy.ts';
import type { Finding } from '../finding.ts';

export type { Finding } from '../finding.ts';
export { hostAllowed, isClusterLocal } from './destination-policy.ts';

export interface UrlCheck {
  errors: Finding[];
  warnings: string[];
}

/**
 * The URL findings of one source URL. The source's type is judged by validate.ts for every type
 * (configmap included), so only the URL's part of the decision is reported here.
 */
export function checkUrlAs(field: string, value: string, policy: Policy, role: UrlRole): UrlCheck {
  const d = judgeDestination({ type: '', url: value, role }, policy);
  const errors: Finding[] = d.refusals
    .filter((r) => r.on === 'url')
    .map((r) => ({
      type: r.type,
      field,
      ...(r.type === 'Invalid' ? { value } : {}),
      detail: r.detail,
      ...(r.policy ? { policy: true } : {}),
    }));
  return { errors, warnings: d.warnings.map((w) => `${field}: ${w}`) };
}

/** A `url` source's document URL (`baseUrl: false`) or a `registry` source's base URL. */
export function checkUrl(field: string, value: string, policy: Policy, opts: { baseUrl: boolean }): UrlCheck {
  return checkUrlAs(field, value, policy, opts.baseUrl ? 'base' : 'document');
}
