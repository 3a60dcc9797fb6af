/**
 * `spec.api.auth` beyond the schema (SPEC §13): each mode's block present exactly when that mode is
 * chosen, and the OIDC issuer judged like a source URL. The issuer is tenant input that thv-registry-api
 * will fetch (its discovery document and JWKS), so it gets the destination policy sources get
 * (destination-policy.ts: https, allowedHosts, CIDR rules on a literal IP), here and again when fetched.
 * Whether the author may read the API-key Secret is a question for the cluster
 * (source-rules/access.ts). Pure.
 */
import type { Policy } from '../policy/policy.ts';
import type { Finding } from '../finding.ts';
import { isObj, type Obj } from '../shape.ts';
import { checkUrlAs } from '../source-rules/url.ts';

/** Which block each mode needs (the others are refused). */
const BLOCKS = { oidc: 'oidc', 'api-keys': 'apiKeysSecretRef' } as const;

function blockRules(auth: Obj, mode: string, out: Finding[]): void {
  for (const [m, block] of Object.entries(BLOCKS)) {
    const field = `spec.api.auth.${block}`;
    if (mode === m && auth[block] === undefined)
      out.push({ type: 'Required', field, detail: `required when spec.api.auth.mode is ${m}` });
    if (mode !== m && auth[block] !== undefined)
      out.push({
        type: 'Forbidden',
        field,
        detail: `may only be set when spec.api.auth.mode is ${m} (it is ${mode})`,
      });
  }
}

function issuerRules(oidc: Obj, policy: Policy, out: { errors: Finding[]; warnings: string[] }): void {
  const field = 'spec.api.auth.oidc.issuer';
  const issuer = oidc.issuer;
  if (typeof issuer !== 'string' || issuer === '') return;
  // `base`: a query is refused too (OpenID Connect Discovery: an issuer has none).
  const url = checkUrlAs(field, issuer, policy, 'base');
  out.errors.push(...url.errors);
  out.warnings.push(...url.warnings);
}

function audienceRules(oidc: Obj, out: Finding[]): void {
  if (!Array.isArray(oidc.audiences)) return;
  const seen = new Set<unknown>();
  oidc.audiences.forEach((a: unknown, i) => {
    if (seen.has(a)) out.push({ type: 'Duplicate', field: `spec.api.auth.oidc.audiences[${i}]`, value: a });
    seen.add(a);
  });
}

/** The findings (and the plain-http warning a policy allowing http gives) about `spec.api.auth`. */
export function checkApiAuth(spec: Obj, policy: Policy): { errors: Finding[]; warnings: string[] } {
  const out = { errors: [] as Finding[], warnings: [] as string[] };
  const api = spec.api;
  if (!isObj(api) || !isObj(api.auth)) return out;
  const auth = api.auth;
  const mode = typeof auth.mode === 'string' ? auth.mode : 'anonymous';
  blockRules(auth, mode, out.errors);
  if (isObj(auth.oidc)) {
    issuerRules(auth.oidc, policy, out);
    audienceRules(auth.oidc, out.errors);
  }
  return out;
}
