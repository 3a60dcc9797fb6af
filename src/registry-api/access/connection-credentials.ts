/**
 * The credential a keep-alive connection last authenticated with, and the answer it got (issue #29
 * "Performance"). A client sends the same Authorization header on every request of a connection; with
 * this, the second and later requests compare that header with the one remembered instead of parsing
 * it, hashing the token (SHA-256 of ~1 KiB) and looking the digest up in the checker's cache. Measured
 * in process, that work was most of what an authenticated read cost beyond an anonymous one.
 *
 * An answer is only ever given again to the exact same header values (Authorization and X-API-Key)
 * on the same connection, and only while the checker that gave it says it still holds (auth.ts
 * `reusable`: a kubernetes or oidc answer within its cache time, an API key until the keys file
 * changes): exactly what the checker's own cache would answer for that credential. Refusals are never
 * remembered.
 *
 * A connection that carries a second, different credential (a proxy multiplexing its clients over one
 * upstream connection, a client that switched tokens) is never remembered for again: each of its
 * requests takes the full path, and a header is compared with another caller's credential at most once
 * per connection, so the comparison cannot be repeated into a timing oracle. What is held (at most one
 * header per open connection, dropped with the socket) is what the connection's own request held.
 */
import type { AuthResult } from './auth.ts';

type Accepted = Extract<AuthResult, { ok: true }>;

interface Remembered {
  readonly authorization: string | undefined;
  readonly apiKey: string | string[] | undefined;
  readonly result: Accepted;
}

/** Marks a connection that carried more than one credential: nothing is remembered for it again. */
const SHARED = 'shared';

export class ConnectionCredentials {
  private readonly byConnection = new WeakMap<object, Remembered | typeof SHARED>();

  /**
   * The answer remembered for this connection and exactly these headers, when `stillHolds` says it
   * may be given again; otherwise undefined (and a connection seen with another credential is marked).
   */
  recall(
    connection: object,
    authorization: string | undefined,
    apiKey: string | string[] | undefined,
    stillHolds: (r: Accepted) => boolean,
  ): Accepted | undefined {
    const m = this.byConnection.get(connection);
    if (m === undefined || m === SHARED) return undefined;
    if (m.authorization !== authorization || m.apiKey !== apiKey) {
      this.byConnection.set(connection, SHARED);
      return undefined;
    }
    if (stillHolds(m.result)) return m.result;
    this.byConnection.delete(connection);
    return undefined;
  }

  /** Remembers an accepted answer for this connection (not for one already marked as shared). */
  remember(
    connection: object,
    authorization: string | undefined,
    apiKey: string | string[] | undefined,
    result: Accepted,
  ): void {
    const m = this.byConnection.get(connection);
    if (m === SHARED) return;
    if (m && (m.authorization !== authorization || m.apiKey !== apiKey)) {
      this.byConnection.set(connection, SHARED);
      return;
    }
    this.byConnection.set(connection, { authorization, apiKey, result });
  }
}
