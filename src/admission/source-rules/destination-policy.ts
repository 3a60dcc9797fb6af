/**
 * The one decision on where a source may connect (SPEC §18 "One policy, everywhere it matters"):
 * source type, scheme, host and port (one parser, remote-url.ts), allowedHosts, allowHTTP and the
 * cluster-local rule, and the CIDR rules for a literal IP or for the addresses a name resolved to.
 * Admission asks it about the URL a spec names; the fetchers ask it again before every request,
 * after every DNS answer and about every redirect, and the controller about registries admitted
 * under an older policy. Pure.
 */
import type { Policy } from '../policy/policy.ts';
import { parseGlob } from '../../registry/filter/glob.ts';
import { judge, literalIp, parseIp, refusal } from '../policy/destinations.ts';
import { parseRemoteUrl, type RemoteUrl } from './remote-url.ts';

/**
 * What the URL is: a `url` source's document, a `registry` source's base URL, a git repository, or
 * where a server redirected a fetch to (judged like the document it replaces, but never with a
 * warning: the spec's author cannot see it).
 */
export type UrlRole = 'document' | 'base' | 'repository' | 'redirect';

export interface DestinationQuery {
  /** The source's type (`url`, `git`, `registry`): the policy's allowedSourceTypes judge it; `''` for none. */
  type: string;
  url: string;
  role: UrlRole;
  /** The addresses the host resolved to, at fetch time: each is judged by the CIDR rules. */
  addresses?: readonly string[];
  /**
   * An address the operator itself chose (a resolved registryRef's API Service): the spec names no URL,
   * so the host and scheme rules do not apply; the source type and the CIDR rules still do.
   */
  operatorEndpoint?: boolean;
}

export interface Refusal {
  /** Which part of the spec the refusal is about: the source's type or the URL. */
  on: 'type' | 'url';
  type: 'Invalid' | 'Forbidden';
  detail: string;
  /** A platform policy rule (ratcheted on UPDATE when unchanged), as opposed to a malformed URL. */
  policy: boolean;
}

export interface DestinationDecision {
  allowed: boolean;
  refusals: Refusal[];
  warnings: string[];
  /** The destination as it will be dialled, when the URL could be read. */
  target?: RemoteUrl;
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

export function sourceTypeRefusal(type: string, policy: Policy): Refusal | undefined {
  if ((policy.allowedSourceTypes as string[]).includes(type)) return undefined;
  return {
    on: 'type',
    type: 'Forbidden',
    detail: `source type "${type}" is not allowed by the platform policy (allowedSourceTypes: ${policy.allowedSourceTypes.join(', ')})`,
    policy: true,
  };
}

const NOT_A_REPOSITORY = 'must be an https://, ssh:// or git@host:path repository';
const NOT_A_URL = 'must be an absolute URL such as https://example.com/registry.json';

export function judgeDestination(q: DestinationQuery, policy: Policy): DestinationDecision {
  const refusals: Refusal[] = [];
  const warnings: string[] = [];
  // Type `''`: not a source (admission's URL findings, the registry API's OIDC issuer): no type rule.
  const typeRefusal = q.type === '' ? undefined : sourceTypeRefusal(q.type, policy);
  if (typeRefusal) refusals.push(typeRefusal);
  const invalid = (detail: string, isPolicy = false) =>
    refusals.push({ on: 'url', type: 'Invalid', detail, policy: isPolicy });
  const forbidden = (detail: string) => refusals.push({ on: 'url', type: 'Forbidden', detail, policy: true });
  const done = (target?: RemoteUrl): DestinationDecision => ({
    allowed: refusals.length === 0,
    refusals,
    warnings,
    ...(target ? { target } : {}),
  });

  const repo = q.role === 'repository';
  const parsed = parseRemoteUrl(q.url, { scp: repo });
  const u = parsed.url;
  if (!u) {
    if (parsed.problems.length === 0 || parsed.kind)
      invalid(repo ? NOT_A_REPOSITORY : parsed.kind === 'scheme' ? 'must use https' : NOT_A_URL);
    for (const p of parsed.problems) invalid(p);
    return done();
  }
  if (u.scheme === 'file') {
    if (!repo) invalid('must use https');
    else if (!policy.allowFileGit)
      forbidden('file:// repositories are not allowed by the platform policy (allowFileGit)');
    for (const p of parsed.problems) invalid(p);
    return done(u);
  }
  if (u.scheme === 'ssh' && !repo) {
    invalid('must use https');
    return done(u);
  }
  if (u.scheme === 'http' && !q.operatorEndpoint) {
    if (policy.allowClusterLocalHTTP && isClusterLocal(u.host, policy)) {
      // Cluster-local Service traffic stays in the cluster network (docs/policy.md): no warning.
    } else if (policy.allowHTTP) {
      if (q.role !== 'redirect')
        warnings.push(
          'plain http is allowed by the platform policy, but the data is not protected in transit',
        );
    } else
      invalid(
        q.role === 'redirect'
          ? 'must use https (plain http is allowed only to cluster-local Service names)'
          : 'must use https',
        true,
      );
  }
  for (const p of parsed.problems) invalid(p);
  if (u.hasFragment && q.role !== 'redirect') invalid('must not contain a fragment');
  if (q.role === 'base' && u.hasQuery) invalid('must not contain a query: a registry URL is a base URL');
  if (!q.operatorEndpoint && u.host !== '' && !hostAllowed(u.host, policy))
    forbidden(
      `host "${u.host}" is not allowed by the platform policy (allowedHosts: ${policy.allowedHosts.join(', ')})`,
    );
  const ip = literalIp(u.hostAsWritten);
  if (ip) {
    const v = judge(ip, policy.network);
    if (!v.allowed) forbidden(refusal(u.hostAsWritten, ip, v));
  }
  for (const a of q.addresses ?? []) {
    const resolved = parseIp(a);
    if (!resolved) {
      forbidden(`"${u.host}" resolved to an unreadable address ${JSON.stringify(a)}`);
      break;
    }
    const v = judge(resolved, policy.network);
    if (!v.allowed) {
      forbidden(refusal(u.host, resolved, v));
      break;
    }
  }
  return done(u);
}
