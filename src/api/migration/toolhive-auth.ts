/**
 * ToolHive's registry auth (`spec.authConfig` of the 2025-11 CRD, the `auth` section of a 2026
 * `configYAML`: `{mode: anonymous|oauth, oauth: {resourceUrl, providers[{name, issuerUrl, jwksUrl,
 * audience, clientId, ...}], scopesSupported, realm}}`) → our `spec.api.auth` (SPEC §13). Migration never
 * opens a protected catalog: `oauth` becomes `oidc` with the first provider's issuer and the audiences
 * of every provider of that issuer (fewer issuers accept fewer tokens, never more), and a protected
 * registry that cannot be carried over is an error unless the user asks for an open one
 * (`--allow-anonymous`). Pure.
 */
import { isObject, type JsonObject } from '../conversion/json.ts';
import type { Problems } from './toolhive-sources.ts';

export const ALLOW_ANONYMOUS_FLAG = '--allow-anonymous';

/** Provider fields our oidc mode has no place for, and why each is dropped. */
const DROPPED_PROVIDER_FIELDS: Record<string, string> = {
  jwksUrl: 'the JWKS is found through the issuer’s discovery document',
  clientId: 'the registry API verifies tokens; it is no OAuth client',
  clientSecretRef: 'the registry API verifies tokens; it is no OAuth client',
  introspectionUrl: 'opaque tokens are not introspected; tokens must be JWTs',
  authTokenRef: 'no equivalent',
  authTokenFile: 'no equivalent',
  caCertRef: 'the issuer must present a certificate the image trusts',
  caCertPath: 'the issuer must present a certificate the image trusts',
  allowPrivateIP: 'the platform policy decides which addresses the issuer may have (allowedCIDRs)',
};

function refuseOpen(path: string, why: string, allowAnonymous: boolean, p: Problems): undefined {
  if (allowAnonymous) {
    p.warn(`${path}: ${why}; migrated WITHOUT authentication because of ${ALLOW_ANONYMOUS_FLAG}`);
    return undefined;
  }
  return p.fail(
    `${path}: ${why}; refusing to turn a protected registry into an open one: set spec.api.auth by hand after migrating with ${ALLOW_ANONYMOUS_FLAG}, or fix the source`,
  );
}

/**
 * The `spec.api.auth` for ToolHive's auth block at `path`, or undefined for an anonymous registry (or
 * one migrated open on request); failures and warnings go to `p`.
 */
export function migrateAuth(
  auth: unknown,
  path: string,
  allowAnonymous: boolean,
  p: Problems,
): JsonObject | undefined {
  if (auth === undefined || auth === null) return undefined;
  if (!isObject(auth)) return refuseOpen(path, 'not a mapping', allowAnonymous, p);
  const mode = auth.mode ?? 'anonymous';
  if (mode === 'anonymous') return undefined;
  if (mode !== 'oauth')
    return refuseOpen(`${path}.mode`, `unknown mode ${JSON.stringify(mode)}`, allowAnonymous, p);
  const oauth = isObject(auth.oauth) ? auth.oauth : {};
  const providers = (Array.isArray(oauth.providers) ? oauth.providers : []).filter(isObject);
  const first = providers.findIndex((pr) => typeof pr.issuerUrl === 'string' && pr.issuerUrl !== '');
  if (first < 0)
    return refuseOpen(
      `${path}.oauth.providers`,
      'mode oauth, but no provider has an issuerUrl (spec.api.auth.oidc needs one)',
      allowAnonymous,
      p,
    );
  const issuer = providers[first]!.issuerUrl as string;
  const audiences: string[] = [];
  providers.forEach((pr, i) => {
    const at = `${path}.oauth.providers[${i}]`;
    if (pr.issuerUrl !== issuer) {
      p.warn(
        `${at}: dropped (spec.api.auth.oidc takes one issuer, ${issuer}: tokens from ${String(pr.issuerUrl ?? 'this provider')} will be refused)`,
      );
      return;
    }
    if (typeof pr.audience === 'string' && pr.audience !== '' && !audiences.includes(pr.audience))
      audiences.push(pr.audience);
    for (const [k, why] of Object.entries(DROPPED_PROVIDER_FIELDS))
      if (pr[k] !== undefined) p.warn(`${at}.${k}: dropped (${why})`);
  });
  if (audiences.length === 0)
    return refuseOpen(
      `${path}.oauth.providers[${first}].audience`,
      `missing (spec.api.auth.oidc accepts only tokens for a named audience, and ${issuer} has none here)`,
      allowAnonymous,
      p,
    );
  for (const k of ['resourceUrl', 'scopesSupported', 'realm'])
    if (oauth[k] !== undefined)
      p.warn(`${path}.oauth.${k}: dropped (the registry API names its own resource and realm)`);
  return { mode: 'oidc', oidc: { issuer, audiences } };
}
