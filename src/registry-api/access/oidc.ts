/**
 * `--auth oidc` (SPEC §13): a bearer JWT signed by a key of the issuer's JWKS, with the issuer, one of
 * the audiences and an unexpired `exp` (within the clock skew). The JWKS location comes from the
 * issuer's discovery document (`/.well-known/openid-configuration`, whose `issuer` must be the issuer
 * itself, as OpenID Connect Discovery requires). A token signed with a key the cached JWKS does not
 * have makes jose fetch the JWKS again, at most once per `refetchCooldownMs` (a rotated key works
 * at once; a flood of made-up `kid`s costs the issuer one fetch per cooldown).
 *
 * The issuer is the tenant's input and this process fetches it, so every fetch (discovery, JWKS, each
 * redirect, each address a name resolves to) goes through the sources' fetcher (src/sources/
 * http-fetch.ts) under the destination policy the operator passed (`--destination-policy`, default
 * the built-in one): loopback, link-local and metadata addresses are never reached, and neither is
 * anything the platform's CIDR or host rules refuse.
 *
 * A verified token's answer is kept (by a digest of the token, bounded) for at most `cacheMs` and never
 * past its `exp`, as kubernetes mode keeps its reviews: a client sending the same token with every
 * request costs one signature check per `cacheMs`, not one per request. A key withdrawn from the JWKS
 * therefore stops a token it signed within `cacheMs` (default 60 s), an expired token at once.
 */
import {
  createRemoteJWKSet,
  customFetch,
  jwtVerify,
  errors as joseErrors,
  type FetchImplementation,
  type JWTPayload,
} from 'jose';
import { httpGet } from '../../sources/fetch/http-fetch.ts';
import { TokenAnswers } from './token-answers.ts';
import { ASYMMETRIC_ALGS, jwtFailure, type AuthResult } from './auth.ts';

export interface OidcOptions {
  issuer: string;
  audiences: readonly string[];
  /** Tolerated clock difference in seconds (default 30). */
  clockSkewSec?: number;
  /** A claim whose string or list of strings are the caller's groups. */
  groupsClaim?: string;
  /** Shortest time between two JWKS fetches caused by an unknown key (default 30 s). */
  refetchCooldownMs?: number;
  /** Shortest time between two discovery attempts after one failed (default 10 s). */
  retryMs?: number;
  /** Longest time a verified token's answer is reused (default 60 s; 0: verify every request). */
  cacheMs?: number;
  /** Most answers kept (default 10,000). */
  maxEntries?: number;
  now?: () => number;
}

const FETCH_TIMEOUT_MS = 5000;
/** A discovery document or JWKS is a few KiB; more is not an issuer's. */
const MAX_DOCUMENT_BYTES = 512 * 1024;
const MAX_TOKEN = 16 * 1024;

/** GETs through the policy-bound fetcher; the JSON text comes back as jose's fetch would see it. */
async function guardedGet(url: string): Promise<{ status: number; text: string }> {
  const r = await httpGet(url, {
    timeoutMs: FETCH_TIMEOUT_MS,
    maxBytes: MAX_DOCUMENT_BYTES,
    source: { type: '' },
    headers: { Accept: 'application/json' },
  });
  return { status: r.status, text: r.body.toString() };
}

const joseFetch: FetchImplementation = async (url) => {
  const r = await guardedGet(url);
  return new Response(r.text, { status: r.status, headers: { 'Content-Type': 'application/json' } });
};

/** The discovery document's URL: the issuer with `/.well-known/openid-configuration` appended. */
export function discoveryUrl(issuer: string): string {
  return `${issuer.replace(/\/+$/, '')}/.well-known/openid-configuration`;
}

/** Why the discovery document is no use, or its `jwks_uri`. */
export function readDiscovery(issuer: string, status: number, text: string): { jwksUri: string } | string {
  if (status !== 200) return `discovery document answered HTTP ${status}`;
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch {
    return 'discovery document is not JSON';
  }
  const d = (typeof doc === 'object' && doc !== null ? doc : {}) as Record<string, unknown>;
  if (d.issuer !== issuer)
    return `discovery document names issuer ${JSON.stringify(d.issuer)}, not ${JSON.stringify(issuer)}`;
  if (typeof d.jwks_uri !== 'string' || d.jwks_uri === '') return 'discovery document has no jwks_uri';
  return { jwksUri: d.jwks_uri };
}

export function groupsOf(payload: JWTPayload, claim: string | undefined): string[] | undefined {
  if (!claim) return undefined;
  const v = payload[claim];
  if (typeof v === 'string') return [v];
  if (Array.isArray(v)) return v.filter((g): g is string => typeof g === 'string');
  return [];
}

export class OidcVerifier {
  private readonly o: OidcOptions;
  private readonly now: () => number;
  private jwks: ReturnType<typeof createRemoteJWKSet> | undefined;
  /** One discovery at a time; a failed one is remembered until `retryMs` has passed. */
  private discovering: Promise<string | undefined> | undefined;
  private failure: { message: string; at: number } | undefined;
  private readonly answers: TokenAnswers<AuthResult>;

  constructor(o: OidcOptions) {
    if (!o.issuer || o.audiences.length === 0)
      throw new Error('OIDC needs an issuer and at least one audience');
    this.o = o;
    this.now = o.now ?? Date.now;
    this.answers = new TokenAnswers(this.now, o.maxEntries);
  }

  /** Resolves the JWKS once; undefined when ready, else why not (a 503 for the caller). */
  private discover(): Promise<string | undefined> {
    if (this.jwks) return Promise.resolve(undefined);
    if (this.failure && this.now() - this.failure.at < (this.o.retryMs ?? 10_000))
      return Promise.resolve(this.failure.message);
    this.discovering ??= (async () => {
      try {
        const r = await guardedGet(discoveryUrl(this.o.issuer));
        const d = readDiscovery(this.o.issuer, r.status, r.text);
        if (typeof d === 'string') throw new Error(d);
        this.jwks = createRemoteJWKSet(new URL(d.jwksUri), {
          [customFetch]: joseFetch,
          timeoutDuration: FETCH_TIMEOUT_MS,
          cooldownDuration: this.o.refetchCooldownMs ?? 30_000,
        });
        this.failure = undefined;
        return undefined;
      } catch (e) {
        this.failure = { message: `issuer unavailable: ${(e as Error).message}`, at: this.now() };
        return this.failure.message;
      } finally {
        this.discovering = undefined;
      }
    })();
    return this.discovering;
  }

  /** Whether `result` is a cached answer of this verifier still within its time (auth.ts TokenChecker). */
  reusable(result: object): boolean {
    return this.answers.reusable(result);
  }

  async check(token: string): Promise<AuthResult> {
    if (token.length > MAX_TOKEN || token.split('.').length !== 3)
      return { ok: false, message: 'invalid token: malformed JWT' };
    const key = TokenAnswers.keyOf(token);
    const hit = this.answers.get(key);
    if (hit) return hit;
    const unavailable = await this.discover();
    if (unavailable !== undefined || !this.jwks)
      return { ok: false, status: 503, message: unavailable ?? 'issuer unavailable' };
    try {
      const { payload } = await jwtVerify(token, this.jwks, {
        issuer: this.o.issuer,
        audience: [...this.o.audiences],
        algorithms: ASYMMETRIC_ALGS,
        clockTolerance: this.o.clockSkewSec ?? 30,
        requiredClaims: ['exp'],
        currentDate: new Date(this.now()),
      });
      const groups = groupsOf(payload, this.o.groupsClaim);
      const result: AuthResult = {
        ok: true,
        subject: typeof payload.sub === 'string' ? payload.sub : 'jwt',
        ...(groups ? { groups } : {}),
        claims: stableClaims(payload),
      };
      // Refusals are not kept: a refused token costs its sender a signature check each time, as it should.
      const until = Math.min(this.now() + (this.o.cacheMs ?? 60_000), (payload.exp ?? 0) * 1000);
      this.answers.keep(key, result, until, 256 + JSON.stringify(result).length);
      return result;
    } catch (e) {
      // The JWKS could not be fetched again (a rotated key, the issuer down or refused): not the caller's fault.
      if (e instanceof joseErrors.JWKSTimeout || e instanceof joseErrors.JWKSInvalid || isFetchFailure(e))
        return { ok: false, status: 503, message: `issuer unavailable: ${(e as Error).message}` };
      return { ok: false, message: `invalid token: ${jwtFailure(e)}` };
    }
  }
}

/**
 * Anything jose did not raise itself (the fetcher's SourceError, a policy refusal), or its generic
 * error, which it raises only for a JWKS answer that is not 200 or not JSON.
 */
function isFetchFailure(e: unknown): boolean {
  if (!(e instanceof Error)) return false;
  return !(e instanceof joseErrors.JOSEError) || (e as { code?: string }).code === 'ERR_JOSE_GENERIC';
}

/**
 * A token's claims for authorization policies, without those that change with every token issued
 * (iat, exp, nbf, jti): policies decide once per class of callers (authorize-cedar.ts callerKey), and
 * with these each new token of the same user would be a class of its own, decided anew.
 */
function stableClaims(payload: Record<string, unknown>): Record<string, unknown> {
  const { iat: _iat, exp: _exp, nbf: _nbf, jti: _jti, ...stable } = payload;
  return stable;
}
