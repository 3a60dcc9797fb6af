/** Git source rules (SPEC §2.2): repository scheme and host, one ref at most, the document path. */
import type { Policy } from '../policy/policy.ts';
import { checkUrlAs, type Finding, type UrlCheck } from './url.ts';

/** https://, ssh://, git@host:path (scp-like) or, where the policy allows, file://. */
export function checkRepository(field: string, value: string, policy: Policy): UrlCheck {
  return checkUrlAs(field, value, policy, 'repository');
}

export function checkGitPath(field: string, value: string): Finding[] {
  const out: Finding[] = [];
  const invalid = (detail: string) => out.push({ type: 'Invalid', field, value, detail });
  if (value.startsWith('/')) invalid('must be a relative path');
  if (value.split(/[\\/]/).includes('..')) invalid("must not contain '..'");
  if (!value.endsWith('.json')) invalid('must end in .json');
  return out;
}
