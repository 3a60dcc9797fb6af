/**
 * `--auth kubernetes` (SPEC §13): a bearer token is checked with a TokenReview (so ServiceAccount
 * tokens and anything else the apiserver trusts work), then the caller must be allowed `get` on
 * `mcpregistries/catalog` named after this registry, in its namespace (a SubjectAccessReview), so
 * plain RBAC grants reading. Results are cached, bounded, for at most the token's own validity and
 * `ttlMs`: a revoked token or a removed RoleBinding stops working within `ttlMs`. Concurrent requests
 * with the same uncached token share one review: a client opening many connections at once (a page's
 * parallel fetches, an agent's burst) costs the apiserver one TokenReview, not one per request.
 */
import type { KubeClient } from '../../kube/client.ts';
import { TokenAnswers } from './token-answers.ts';
import { GROUP } from '../../api/constants.ts';

export type KubernetesAuthResult =
  | { ok: true; subject: string; groups?: string[] }
  | { ok: false; status: 401 | 403 | 503; message: string; subject?: string; groups?: string[] };

export interface KubernetesAuthOptions {
  client: Pick<KubeClient, 'create'>;
  namespace: string;
  registry: string;
  /** Longest time a review's answer is reused (default 60 s, as short as the apiserver's own webhook cache). */
  ttlMs?: number;
  /** Most cached answers (default 10,000; each a few hundred bytes). */
  maxEntries?: number;
  now?: () => number;
}

interface TokenReviewStatus {
  authenticated?: boolean;
  user?: { username?: string; uid?: string; groups?: string[]; extra?: Record<string, string[]> };
  error?: string;
}

const TOKEN_REVIEWS = { group: 'authentication.k8s.io', version: 'v1', plural: 'tokenreviews' };
const ACCESS_REVIEWS = { group: 'authorization.k8s.io', version: 'v1', plural: 'subjectaccessreviews' };
/** A token longer than this is no token the apiserver issued (JWTs are ~1 KiB): refused unsent. */
const MAX_TOKEN = 16 * 1024;

/** The token's own `exp` (ms), read without trusting it: it only shortens how long an answer is kept. */
export function tokenExpiry(token: string): number | undefined {
  const parts = token.split('.');
  if (parts.length !== 3) return undefined;
  try {
    const claims = JSON.parse(Buffer.from(parts[1]!, 'base64url').toString('utf8')) as { exp?: unknown };
    return typeof claims.exp === 'number' ? claims.exp * 1000 : undefined;
  } catch {
    return undefined;
  }
}

export class KubernetesAuth {
  private readonly answers: TokenAnswers<KubernetesAuthResult>;
  private readonly ttlMs: number;
  private readonly now: () => number;
  private readonly o: KubernetesAuthOptions;
  /** Reviews under way, by the same digest as the cache (bounded by the server's open connections). */
  private readonly pending = new Map<string, Promise<KubernetesAuthResult>>();

  constructor(o: KubernetesAuthOptions) {
    this.o = o;
    this.ttlMs = o.ttlMs ?? 60_000;
    this.now = o.now ?? Date.now;
    this.answers = new TokenAnswers(this.now, o.maxEntries);
  }

  async check(token: string): Promise<KubernetesAuthResult> {
    if (token.length > MAX_TOKEN) return { ok: false, status: 401, message: 'invalid token' };
    // Keyed by a digest: the cache never holds a token.
    const key = TokenAnswers.keyOf(token);
    const now = this.now();
    const hit = this.answers.get(key);
    if (hit) return hit;
    const running = this.pending.get(key);
    if (running) return running;
    const review = this.reviewAndRemember(token, key, now).finally(() => this.pending.delete(key));
    this.pending.set(key, review);
    return review;
  }

  private async reviewAndRemember(token: string, key: string, now: number): Promise<KubernetesAuthResult> {
    const result = await this.review(token);
    if (result.ok || result.status !== 503) {
      const until = Math.min(now + this.ttlMs, tokenExpiry(token) ?? Infinity);
      const bytes = 256 + (result.ok ? result.subject.length : result.message.length);
      this.answers.keep(key, result, until, bytes);
    }
    return result;
  }

  /** Whether `result` is a cached answer of this checker still within its time (auth.ts TokenChecker). */
  reusable(result: object): boolean {
    return this.answers.reusable(result);
  }

  private async review(token: string): Promise<KubernetesAuthResult> {
    let status: TokenReviewStatus;
    try {
      const r = await this.o.client.create<{ status?: TokenReviewStatus }>(TOKEN_REVIEWS, {
        apiVersion: 'authentication.k8s.io/v1',
        kind: 'TokenReview',
        spec: { token },
      });
      status = r.body.status ?? {};
    } catch (e) {
      return { ok: false, status: 503, message: `token review failed: ${(e as Error).message}` };
    }
    // The apiserver's reason (expired, unknown key, deleted ServiceAccount) is not repeated to the
    // caller: it would tell a prober which of its guesses came close.
    if (!status.authenticated || !status.user?.username)
      return { ok: false, status: 401, message: 'invalid token' };
    const user = status.user;
    const username = user.username!;
    const attrs = {
      namespace: this.o.namespace,
      verb: 'get',
      group: GROUP,
      resource: 'mcpregistries',
      subresource: 'catalog',
      name: this.o.registry,
    };
    let allowed = false;
    try {
      const r = await this.o.client.create<{ status?: { allowed?: boolean } }>(ACCESS_REVIEWS, {
        apiVersion: 'authorization.k8s.io/v1',
        kind: 'SubjectAccessReview',
        spec: {
          user: username,
          ...(user.uid ? { uid: user.uid } : {}),
          ...(user.groups ? { groups: user.groups } : {}),
          ...(user.extra ? { extra: user.extra } : {}),
          resourceAttributes: attrs,
        },
      });
      allowed = r.body.status?.allowed === true;
    } catch (e) {
      return { ok: false, status: 503, message: `access review failed: ${(e as Error).message}` };
    }
    // The groups the apiserver vouches for (system:serviceaccounts:<ns>, an OIDC group mapped by the
    // apiserver, ...): authorization policies may grant by them (docs/authorization.md).
    const groups = user.groups?.filter((g) => typeof g === 'string');
    if (!allowed)
      return {
        ok: false,
        status: 403,
        message: `${username} may not get mcpregistries/catalog "${this.o.registry}" in namespace "${this.o.namespace}"`,
        // Known but refused: the audit line names them (access/audit.ts), the caller sees only the message.
        subject: username,
        ...(groups?.length ? { groups } : {}),
      };
    return { ok: true, subject: username, ...(groups?.length ? { groups } : {}) };
  }
}
