/** URL and host rules shared by `url`, `registry` and Git sources (SPEC §2.2). */
import type { FieldError } from '../api/field-error.ts';
import { parseGlob } from '../registry/glob.ts';
import { judge, literalIp, refusal } from './destinations.ts';
import type { Policy } from './policy.ts';

/** A policy violation: reported as an error on create, ratcheted on update when the value is unchanged. */
export interface Finding extends FieldError {
  policy?: boolean;
}

export interface UrlCheck {
  errors: Finding[];
  warnings: string[];
}

/** Host glob match; `*` crosses dots, so `*.example.com` matches `a.b.example.com` but not `example.com`. */
export function hostAllowed(host: string, policy: Policy): boolean {
  if (policy.allowedHosts.length === 0) return true;
  const h = host.toLowerCase().replace(/^\[|\]$/g, '');
  return policy.allowedHosts.some((g) => {
    const r = parseGlob(g);
    return r.ok && r.glob.test(h);
  });
}

export function hostForbidden(field: string, host: string, policy: Policy): Finding {
  return {
    type: 'Forbidden',
    field,
    detail: `host "${host}" is not allowed by the platform policy (allowedHosts: ${policy.allowedHosts.join(', ')})`,
    policy: true,
  };
}

const LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

/**
 * `<svc>.<ns>.svc` or `<svc>.<ns>.svc.<clusterDomain>`: a name the cluster's DNS answers with a
 * Service address, so a connection to it stays inside the cluster network.
 */
export function isClusterLocal(host: string, policy: Policy): boolean {
  const labels = host.toLowerCase().replace(/\.$/, '').split('.');
  if (labels.length < 3 || labels[2] !== 'svc' || !LABEL.test(labels[0]!) || !LABEL.test(labels[1]!))
    return false;
  const rest = labels.slice(3).join('.');
  return rest === '' || rest === policy.clusterDomain;
}

/** The host exactly as written in a URL (`0x7f.1`, `[::1]`), before any normalisation. */
export function rawHost(value: string): string | undefined {
  return /^[a-z][a-z0-9+.-]*:\/\/(?:[^@/?#]*@)?(\[[^\]/?#]*\]|[^:/?#]*)/i.exec(value)?.[1];
}

/**
 * A literal IP the platform policy does not allow as a destination (SPEC §8), in whatever notation:
 * a DNS name passes here and is checked after resolution when the source is fetched.
 */
export function destinationFinding(field: string, host: string, policy: Policy): Finding | undefined {
  const ip = literalIp(host);
  if (!ip) return undefined;
  const v = judge(ip, policy.network);
  if (v.allowed) return undefined;
  return { type: 'Forbidden', field, detail: refusal(host, ip, v), policy: true };
}

/**
 * Checks an https URL: absolute, https (http only where policy allows, with a warning), no user-info,
 * no fragment, no query for base URLs, host allowed. Length is the schema's job (maxLength).
 */
export function checkUrl(field: string, value: string, policy: Policy, opts: { baseUrl: boolean }): UrlCheck {
  const errors: Finding[] = [];
  const warnings: string[] = [];
  const invalid = (detail: string, extra: Partial<Finding> = {}) =>
    errors.push({ type: 'Invalid', field, value, detail, ...extra });
  let u: URL;
  try {
    u = new URL(value);
  } catch {
    invalid('must be an absolute URL such as https://example.com/registry.json');
    return { errors, warnings };
  }
  if (u.protocol === 'http:') {
    if (policy.allowClusterLocalHTTP && isClusterLocal(u.hostname, policy)) {
      // Cluster-local Service traffic stays in the cluster network (docs/policy.md): no warning.
    } else if (policy.allowHTTP)
      warnings.push(
        `${field}: plain http is allowed by the platform policy, but the data is not protected in transit`,
      );
    else invalid('must use https', { policy: true });
  } else if (u.protocol !== 'https:') {
    invalid('must use https');
    return { errors, warnings };
  }
  if (u.hostname === '') invalid('must name a host');
  if (u.username !== '' || u.password !== '')
    invalid('must not contain user information: put credentials in a Secret');
  if (u.hash !== '' || value.includes('#')) invalid('must not contain a fragment');
  if (opts.baseUrl && (u.search !== '' || value.includes('?')))
    invalid('must not contain a query: a registry URL is a base URL');
  if (u.hostname !== '' && !hostAllowed(u.hostname, policy))
    errors.push(hostForbidden(field, u.hostname, policy));
  const refused = destinationFinding(field, rawHost(value) ?? u.hostname, policy);
  if (refused) errors.push(refused);
  return { errors, warnings };
}
