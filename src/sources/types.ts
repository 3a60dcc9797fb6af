/** What every source adapter returns: the raw bytes (hashed as they are) and how to read them. */
import type { SourceFormat } from '../registry/index.ts';
import { withoutNodeHints } from '../api/node-hints.ts';

export interface FetchedSource {
  /** The source's name in spec.sources. */
  name: string;
  text: string;
  format: SourceFormat | 'auto';
}

/** A fetch failure the user can act on; `reason` becomes the condition reason. */
export class SourceError extends Error {
  readonly reason: string;
  /** Retry-After the server asked for, in ms. */
  readonly retryAfterMs?: number;
  constructor(reason: string, message: string, retryAfterMs?: number) {
    super(withoutNodeHints(message));
    this.name = 'SourceError';
    this.reason = reason;
    this.retryAfterMs = retryAfterMs;
  }
}
