/**
 * Optional authentication. Off unless API keys, a JWKS URL, an OIDC issuer or `kubernetes` are
 * configured; then every request but the health, readiness, metrics and protected-resource endpoints
 * needs one valid credential:
 *  - `X-API-Key: <key>`, or `Authorization: Bearer <key>`, with a key from the keys file (api-keys.ts);
 *  - `Authorization: Bearer <JWT>` signed by a key in the issuer's JWKS, with the configured
 *    issuer and audience, unexpired (`--jwks-url`, or `--auth oidc`: oidc.ts, the JWKS found through the
 *    issuer's discovery document). Only asymmetric algorithms are accepted, so neither `alg: none`
 *    nor an HS256 token "signed" with the public key can pass;
 *  - `Authorization: Bearer <token>` the apiserver vouches for, from a caller RBAC lets read this
 *    registry's catalog (`kubernetes`, kubernetes-auth.ts): the only mode that answers 403, for a
 *    known caller without it.
 */
import type { IncomingMessage } from 'node:http';
import { createRemoteJWKSet, jwtVerify, errors as joseErrors, type JWTPayload } from 'jose';
import { KeyFile } from './api-keys.ts';
import { ConnectionCredentials } from './connection-credentials.ts';

export { parseKeys } from './api-keys.ts';

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

/** What `kubernetes` and `oidc` modes need of their checkers (an interface, so tests of this file need no cluster). */
export interface TokenChecker {
  check(token: string): Promise<AuthResult>;
  /**
   * Whether an accepted answer this checker gave may be given again for the same token without asking
   * (its cache would answer the same now); absent or false: ask again. connection-credentials.ts.
   */
  reusable?(result: AuthResult): boolean;
}

export interface AuthOptions {
  apiKeysFile?: string;
  /** Re-read the keys file this often (ms); default: read once. */
  apiKeysReloadMs?: number;
  jwt?: JwtOptions;
  kubernetes?: TokenChecker;
  oidc?: TokenChecker;
}

/** A refusal is a 401 unless it says otherwise (403: known but not allowed; 503: the check failed). */
export type AuthResult =
  | {
      ok: true;
      subject: string;
      /** What the authority says the caller belongs to (TokenReview groups, the OIDC groups claim). */
      groups?: string[];
      /** An OIDC token's verified claims, for authorization policies (authorize-cedar.ts). */
      claims?: Record<string, unknown>;
    }
  | {
      ok: false;
      message: string;
      status?: 401 | 403 | 503;
      /** Who was refused, when authentication knows (a 403): for the audit line only. */
      subject?: string;
      groups?: string[];
    };

/** Every accepted API key's answer: one object, so an answer is known to be a key's by identity. */
const API_KEY: AuthResult = Object.freeze({ ok: true, subject: 'api-key' });
const ANONYMOUS: AuthResult = Object.freeze({ ok: true, subject: 'anonymous' });

type Headers = { authorization?: string; 'x-api-key'?: string | string[] };

export class Authenticator {
  readonly enabled: boolean;
  /** Whether a refusal may be a 403 (a known caller without the permission): `kubernetes` only. */
  readonly mayForbid: boolean;
  private readonly keys: KeyFile | undefined;
  private readonly opts: AuthOptions;
  private readonly jwks: ReturnType<typeof createRemoteJWKSet> | undefined;
  private connections = new ConnectionCredentials();
  /** Changes whenever the keys file does: every remembered answer was given under the old keys. */
  private keysSeen: number | undefined;

  constructor(opts: AuthOptions) {
    this.opts = opts;
    this.enabled = Boolean(opts.apiKeysFile || opts.jwt || opts.kubernetes || opts.oidc);
    this.mayForbid = Boolean(opts.kubernetes);
    if (opts.apiKeysFile) {
      this.keys = new KeyFile(opts.apiKeysFile);
      if (opts.apiKeysReloadMs) this.keys.watch(opts.apiKeysReloadMs);
    }
    if (opts.jwt) {
      if (!opts.jwt.issuer || !opts.jwt.audience)
        throw new Error('JWT authentication needs both an issuer and an audience');
      this.jwks = createRemoteJWKSet(new URL(opts.jwt.jwksUrl), { timeoutDuration: 5000 });
    }
  }

  /** Re-reads the keys file now (a rotated Secret); the last keys stay when it cannot be read. */
  reloadKeys(): Promise<void> {
    return this.keys?.reload() ?? Promise.resolve();
  }

  /** Stops re-reading the keys file. */
  close(): void {
    this.keys?.stop();
  }

  private keyMatches(candidate: string): boolean {
    return this.keys?.matches(candidate) ?? false;
  }

  /**
   * The answer this request's connection got for exactly these headers, while it still holds
   * (connection-credentials.ts), without asking anyone: synchronous, so the common keep-alive request
   * costs no promise. Undefined: call checkRequest().
   */
  remembered(req: IncomingMessage): AuthResult | undefined {
    if (!this.enabled) return ANONYMOUS;
    const generation = this.keys?.generation;
    if (generation !== this.keysSeen) {
      // A key added or revoked: nothing remembered before may be given again.
      this.connections = new ConnectionCredentials();
      this.keysSeen = generation;
    }
    const { authorization, 'x-api-key': apiKey } = req.headers as Headers;
    return this.connections.recall(req.socket, authorization, apiKey, this.holds);
  }

  /** check() for a request: the remembered answer when there is one, else check() (then remembered). */
  async checkRequest(req: IncomingMessage): Promise<AuthResult> {
    const hit = this.remembered(req);
    if (hit) return hit;
    // The keys may change while a review is under way: its answer goes to the memory of the keys it began with.
    const memory = this.connections;
    const headers = req.headers as Headers;
    const r = await this.check(headers);
    if (r.ok && this.holds(r)) memory.remember(req.socket, headers.authorization, headers['x-api-key'], r);
    return r;
  }

  /**
   * Whether an accepted answer may be given again: a key's until the keys change, a token's while its
   * checker would answer the same (not a `--jwks-url` token's, verified every time, nor a kubernetes
   * answer beside `--jwks-url`, which check() only reaches after the JWT failed).
   */
  private readonly holds = (r: AuthResult): boolean =>
    r === API_KEY ||
    (this.opts.oidc?.reusable?.(r) ?? false) ||
    (!this.jwks && (this.opts.kubernetes?.reusable?.(r) ?? false));

  async check(headers: Headers): Promise<AuthResult> {
    if (!this.enabled) return ANONYMOUS;
    const apiKey = headers['x-api-key'];
    if (typeof apiKey === 'string' && apiKey !== '') {
      if (this.opts.apiKeysFile && this.keyMatches(apiKey)) return API_KEY;
      return { ok: false, message: 'invalid API key' };
    }
    const m = /^Bearer\s+(\S+)\s*$/i.exec(headers.authorization ?? '');
    if (!m) return { ok: false, message: 'authentication required' };
    const token = m[1]!;
    if (this.opts.apiKeysFile && this.keyMatches(token)) return API_KEY;
    if (this.opts.oidc) return this.opts.oidc.check(token);
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
