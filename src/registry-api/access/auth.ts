/**
 * Optional authentication. Off unless API keys, a JWKS URL or `kubernetes` (kubernetes-auth.ts:
 * TokenReview then SubjectAccessReview) are configured; then every request
 * but the health, readiness and metrics endpoints needs one valid credential:
 *  - `X-API-Key: <key>`, or `Authorization: Bearer <key>`, with a key from the keys file;
 *  - `Authorization: Bearer <JWT>` signed by a key in the issuer's JWKS, with the configured
 *    issuer and audience, unexpired. Only asymmetric algorithms are accepted, so neither `alg: none`
 *    nor an HS256 token "signed" with the public key can pass;
 *  - `Authorization: Bearer <token>` the apiserver vouches for, from a caller RBAC lets read this
 *    registry's catalog (`kubernetes`): the only mode that answers 403, for a known caller without it.
 */
import { readFileSync } from 'node:fs';
import { timingSafeEqual, createHash } from 'node:crypto';
import { createRemoteJWKSet, jwtVerify, errors as joseErrors, type JWTPayload } from 'jose';

export const ASYMMETRIC_ALGS = [
  'RS256',
  'RS384',
  'RS512',
  'PS256',
  'PS384',
  'PS512',
  'ES256',
  'ES384',
  'ES512',
  'EdDSA',
  'Ed25519',
];

export interface JwtOptions {
  jwksUrl: string;
  issuer: string;
  audience: string;
  /** Allowed clock skew in seconds. */
  clockToleranceSec?: number;
}

/** What `kubernetes` mode needs of kubernetes-auth.ts (an interface, so tests of this file need no cluster). */
export interface TokenChecker {
  check(token: string): Promise<AuthResult>;
}

export interface AuthOptions {
  apiKeysFile?: string;
  jwt?: JwtOptions;
  kubernetes?: TokenChecker;
}

/** A refusal is a 401 unless it says otherwise (403: known but not allowed; 503: the review failed). */
export type AuthResult =
  { ok: true; subject: string } | { ok: false; message: string; status?: 401 | 403 | 503 };

/** One key per line; blank lines and `#` comments ignored (the layout of a mounted Secret key). */
export function parseKeys(text: string): string[] {
  return text
    .split(/\r?\n/)
    .map((l) => l.trim())
    .filter((l) => l !== '' && !l.startsWith('#'));
}

const digest = (s: string) => createHash('sha256').update(s).digest();

export class Authenticator {
  readonly enabled: boolean;
  /** Whether a refusal may be a 403 (a known caller without the permission): `kubernetes` only. */
  readonly mayForbid: boolean;
  private keyDigests: Buffer[] = [];
  private readonly opts: AuthOptions;
  private readonly jwks: ReturnType<typeof createRemoteJWKSet> | undefined;

  constructor(opts: AuthOptions) {
    this.opts = opts;
    this.enabled = Boolean(opts.apiKeysFile || opts.jwt || opts.kubernetes);
    this.mayForbid = Boolean(opts.kubernetes);
    if (opts.apiKeysFile) this.reloadKeys();
    if (opts.jwt) {
      if (!opts.jwt.issuer || !opts.jwt.audience)
        throw new Error('JWT authentication needs both an issuer and an audience');
      this.jwks = createRemoteJWKSet(new URL(opts.jwt.jwksUrl), { timeoutDuration: 5000 });
    }
  }

  /** Re-reads the keys file (a rotated Secret). Throws when it cannot be read. */
  reloadKeys(): void {
    if (!this.opts.apiKeysFile) return;
    this.keyDigests = parseKeys(readFileSync(this.opts.apiKeysFile, 'utf8')).map(digest);
  }

  private keyMatches(candidate: string): boolean {
    const d = digest(candidate);
    let found = false;
    // Compare against every key, always, so timing says nothing about which one matched.
    for (const k of this.keyDigests) found = timingSafeEqual(k, d) || found;
    return found;
  }

  async check(headers: { authorization?: string; 'x-api-key'?: string | string[] }): Promise<AuthResult> {
    if (!this.enabled) return { ok: true, subject: 'anonymous' };
    const apiKey = headers['x-api-key'];
    if (typeof apiKey === 'string' && apiKey !== '') {
      if (this.opts.apiKeysFile && this.keyMatches(apiKey)) return { ok: true, subject: 'api-key' };
      return { ok: false, message: 'invalid API key' };
    }
    const m = /^Bearer\s+(\S+)\s*$/i.exec(headers.authorization ?? '');
    if (!m) return { ok: false, message: 'authentication required' };
    const token = m[1]!;
    if (this.opts.apiKeysFile && this.keyMatches(token)) return { ok: true, subject: 'api-key' };
    if (this.opts.kubernetes && !this.jwks) return this.opts.kubernetes.check(token);
    if (!this.jwks || !this.opts.jwt || token.split('.').length !== 3)
      return {
        ok: false,
        message: this.opts.apiKeysFile ? 'invalid API key' : 'invalid token: malformed JWT',
      };
    try {
      const { payload } = await jwtVerify(token, this.jwks, {
        issuer: this.opts.jwt.issuer,
        audience: this.opts.jwt.audience,
        algorithms: ASYMMETRIC_ALGS,
        clockTolerance: this.opts.jwt.clockToleranceSec ?? 30,
        requiredClaims: ['exp'],
      });
      return { ok: true, subject: subjectOf(payload) };
    } catch (e) {
      // Not one of the issuer's: the apiserver may still vouch for it.
      if (this.opts.kubernetes) return this.opts.kubernetes.check(token);
      return { ok: false, message: `invalid token: ${jwtFailure(e)}` };
    }
  }
}

function subjectOf(p: JWTPayload): string {
  return typeof p.sub === 'string' ? p.sub : 'jwt';
}

/** A stable, user-facing reason; jose's own wording is not a contract. */
export function jwtFailure(e: unknown): string {
  if (e instanceof joseErrors.JWTExpired) return 'token has expired';
  if (e instanceof joseErrors.JWTClaimValidationFailed) {
    if (e.claim === 'iss') return 'wrong issuer';
    if (e.claim === 'aud') return 'wrong audience';
    if (e.claim === 'exp') return 'missing expiry';
    if (e.claim === 'nbf') return 'token not yet valid';
    return `claim ${e.claim} rejected`;
  }
  if (e instanceof joseErrors.JOSEAlgNotAllowed) return 'signing algorithm not allowed';
  if (e instanceof joseErrors.JWKSNoMatchingKey) return 'no matching key in the issuer JWKS';
  if (e instanceof joseErrors.JWSSignatureVerificationFailed) return 'signature verification failed';
  if (e instanceof joseErrors.JWKSTimeout || e instanceof joseErrors.JWKSInvalid)
    return 'issuer JWKS unavailable';
  return 'malformed JWT';
}
