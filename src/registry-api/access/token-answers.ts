/**
 * The answers a token checker gave, kept for a while (kubernetes-auth.ts, oidc.ts): keyed by the
 * token's SHA-256, so no token is ever held; bounded by count and bytes (least recently used first
 * out); each answer held until its own time, which the checker chooses (its cache time, never past
 * the token's own expiry). `reusable` tells auth.ts whether an answer object it was given is still
 * one of these within its time (a keep-alive connection's remembered answer, connection-credentials.ts).
 */
import { createHash } from 'node:crypto';
import { BoundedCache } from '../../registry/bounded-cache.ts';

export class TokenAnswers<R extends object> {
  private readonly cache: BoundedCache<string, { result: R; until: number }>;
  /** Until when each kept answer holds, by the answer object. */
  private readonly holdsUntil = new WeakMap<object, number>();

  private readonly now: () => number;

  constructor(now: () => number, maxEntries = 10_000) {
    this.now = now;
    this.cache = new BoundedCache({ maxEntries, maxBytes: maxEntries * 1024 });
  }

  /** The digest a token is kept under (also the key of a checker's requests under way). */
  static keyOf(token: string): string {
    return createHash('sha256').update(token).digest('base64');
  }

  /** The answer kept for this key, while its time holds. */
  get(key: string): R | undefined {
    const hit = this.cache.get(key);
    return hit && hit.until > this.now() ? hit.result : undefined;
  }

  /** Keeps an answer until `until` (nothing when that is not in the future); `bytes` weighs it. */
  keep(key: string, result: R, until: number, bytes: number): void {
    if (until <= this.now()) return;
    this.cache.set(key, { result, until }, bytes);
    this.holdsUntil.set(result, until);
  }

  reusable(result: object): boolean {
    const until = this.holdsUntil.get(result);
    return until !== undefined && until > this.now();
  }
}
