/**
 * One GET that a transient failure does not end: 5xx, 429 and network errors are retried with
 * exponential backoff; a `Retry-After` is honoured up to a bound, so a server cannot park a worker.
 * Any other answer is returned to the caller; every failure is a SourceError.
 */
import { httpGet, retryAfterMs, type HttpGetOptions, type HttpResult } from './http-fetch.ts';
import { SourceError } from '../types.ts';

export interface RetryOptions {
  /** Retries after the first attempt. */
  retries: number;
  baseRetryDelayMs: number;
  maxRetryDelayMs: number;
  /** The longest `Retry-After` waited for; a longer one is cut to this. */
  maxRetryAfterMs: number;
  sleep?: (ms: number) => Promise<void>;
}

export const DEFAULT_RETRY_OPTIONS: RetryOptions = {
  retries: 3,
  baseRetryDelayMs: 500,
  maxRetryDelayMs: 10_000,
  maxRetryAfterMs: 30_000,
};

const defaultSleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));
const TRANSIENT = new Set(['FetchFailed', 'FetchTimeout']);

/** `where` names the resource in messages (no query string: cursors and tokens stay out of status). */
export async function getWithRetries(
  href: string,
  where: string,
  http: HttpGetOptions,
  retry: RetryOptions,
): Promise<HttpResult> {
  const sleep = retry.sleep ?? defaultSleep;
  let last: SourceError | undefined;
  const attempts = retry.retries + 1;
  for (let attempt = 0; attempt < attempts; attempt++) {
    let delay = Math.min(retry.maxRetryDelayMs, retry.baseRetryDelayMs * 2 ** attempt);
    try {
      const res = await httpGet(href, http);
      if (res.status !== 429 && res.status < 500) return res;
      const ra = retryAfterMs(res.headers['retry-after'], Date.now(), retry.maxRetryAfterMs);
      if (ra !== undefined) delay = ra;
      last = new SourceError(
        res.status === 429 ? 'RateLimited' : 'ServerError',
        `${where} answered HTTP ${res.status}${attempts > 1 ? ` ${attempts} times` : ''}`,
        ra,
      );
    } catch (e) {
      // httpGet rejects with SourceError; anything else (a header Node refuses, a bad CA) is wrapped
      // so the controller always has a reason to show.
      const err = e instanceof SourceError ? e : new SourceError('FetchFailed', `${where}: ${String(e)}`);
      if (!TRANSIENT.has(err.reason)) throw err;
      last = err;
    }
    if (attempt < attempts - 1) await sleep(delay);
  }
  throw last ?? new SourceError('FetchFailed', `${where}: failed`);
}
