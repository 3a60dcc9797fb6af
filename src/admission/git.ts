/** Git source rules (SPEC §2.2): repository scheme and host, one ref at most, the document path. */
import type { Policy } from './policy.ts';
import {
  checkUrl,
  destinationFinding,
  hostAllowed,
  hostForbidden,
  rawHost,
  type Finding,
  type UrlCheck,
} from './url.ts';

/** `git@host:org/repo.git`: scp-like SSH syntax, which is not a URL. */
const SCP_LIKE = /^([A-Za-z0-9._-]+)@([A-Za-z0-9.-]+):(?!\/\/)(.+)$/;

const notARepository = (field: string, value: string): Finding => ({
  type: 'Invalid',
  field,
  value,
  detail: 'must be an https://, ssh:// or git@host:path repository',
});

export function checkRepository(field: string, value: string, policy: Policy): UrlCheck {
  const scp = SCP_LIKE.exec(value);
  if (scp) {
    const host = scp[2] ?? '';
    const errors = hostAllowed(host, policy) ? [] : [hostForbidden(field, host, policy)];
    const refused = destinationFinding(field, host, policy);
    return { errors: refused ? [...errors, refused] : errors, warnings: [] };
  }
  let u: URL | undefined;
  try {
    u = new URL(value);
  } catch {
    u = undefined;
  }
  const errors: Finding[] = [];
  if (!u) return { errors: [notARepository(field, value)], warnings: [] };
  switch (u.protocol) {
    case 'https:':
    case 'http:': {
      // Credentials and fragments are as wrong here as in a document URL.
      return checkUrl(field, value, policy, { baseUrl: false });
    }
    case 'ssh:':
      if (u.password !== '')
        errors.push({
          type: 'Invalid',
          field,
          value,
          detail: 'must not contain a password: use authSecretRef',
        });
      if (u.hostname !== '' && !hostAllowed(u.hostname, policy))
        errors.push(hostForbidden(field, u.hostname, policy));
      {
        const refused = destinationFinding(field, rawHost(value) ?? u.hostname, policy);
        if (refused) errors.push(refused);
      }
      return { errors, warnings: [] };
    case 'file:':
      if (!policy.allowFileGit)
        errors.push({
          type: 'Forbidden',
          field,
          detail: 'file:// repositories are not allowed by the platform policy (allowFileGit)',
          policy: true,
        });
      return { errors, warnings: [] };
    default:
      return { errors: [notARepository(field, value)], warnings: [] };
  }
}

export function checkGitPath(field: string, value: string): Finding[] {
  const out: Finding[] = [];
  const invalid = (detail: string) => out.push({ type: 'Invalid', field, value, detail });
  if (value.startsWith('/')) invalid('must be a relative path');
  if (value.split(/[\\/]/).includes('..')) invalid("must not contain '..'");
  if (!value.endsWith('.json')) invalid('must end in .json');
  return out;
}
