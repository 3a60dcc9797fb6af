/**
 * One HTTP(S) GET with a timeout, a size limit enforced while streaming, an optional CA bundle and
 * headers, and conditional-request support. Shared by the URL and registry-API sources.
 */
import { request as httpsRequest } from 'node:https';
import { request as httpRequest, type IncomingHttpHeaders } from 'node:http';
import { SourceError } from './types.ts';

export interface HttpGetOptions {
  timeoutMs: number;
  maxBytes: number;
  ca?: string;
  headers?: Record<string, string>;
}

export interface HttpResult {
  status: number;
  headers: IncomingHttpHeaders;
  body: Buffer;
}

function redact(url: URL): string {
  return `${url.protocol}//${url.host}${url.pathname}`;
}

export function httpGet(href: string, opts: HttpGetOptions): Promise<HttpResult> {
  const url = new URL(href);
  const send = url.protocol === 'https:' ? httpsRequest : httpRequest;
  return new Promise((resolve, reject) => {
    const req = send(
      url,
      {
        method: 'GET',
        headers: { Accept: 'application/json', 'User-Agent': 'mcp-registry-operator', ...opts.headers },
        ...(opts.ca ? { ca: opts.ca } : {}),
        timeout: opts.timeoutMs,
      },
      (res) => {
        const declared = Number(res.headers['content-length'] ?? NaN);
        if (Number.isFinite(declared) && declared > opts.maxBytes) {
          res.destroy();
          reject(
            new SourceError(
              'ResponseTooLarge',
              `${redact(url)}: response of ${declared} bytes exceeds the limit of ${opts.maxBytes} bytes`,
            ),
          );
          return;
        }
        const chunks: Buffer[] = [];
        let size = 0;
        res.on('data', (c: Buffer) => {
          size += c.length;
          if (size > opts.maxBytes) {
            res.destroy();
            reject(
              new SourceError(
                'ResponseTooLarge',
                `${redact(url)}: response exceeds the limit of ${opts.maxBytes} bytes`,
              ),
            );
            return;
          }
          chunks.push(c);
        });
        res.on('error', (e) => reject(new SourceError('FetchFailed', `${redact(url)}: ${e.message}`)));
        res.on('end', () =>
          resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }),
        );
      },
    );
    // The socket timeout covers idle connections; the overall deadline covers a server that trickles.
    const deadline = setTimeout(
      () =>
        req.destroy(
          new SourceError('FetchTimeout', `${redact(url)}: no complete response within ${opts.timeoutMs} ms`),
        ),
      opts.timeoutMs,
    );
    req.on('timeout', () =>
      req.destroy(new SourceError('FetchTimeout', `${redact(url)}: no response within ${opts.timeoutMs} ms`)),
    );
    req.on('error', (e) => {
      clearTimeout(deadline);
      reject(e instanceof SourceError ? e : new SourceError('FetchFailed', `${redact(url)}: ${e.message}`));
    });
    req.on('close', () => clearTimeout(deadline));
    req.end();
  });
}

/** Retry-After as seconds or an HTTP date → ms (capped), undefined when absent or unparseable. */
export function retryAfterMs(
  value: string | string[] | undefined,
  now: number,
  capMs: number,
): number | undefined {
  const v = Array.isArray(value) ? value[0] : value;
  if (!v) return undefined;
  const secs = Number(v);
  const ms = Number.isFinite(secs) ? secs * 1000 : Date.parse(v) - now;
  if (!Number.isFinite(ms)) return undefined;
  return Math.max(0, Math.min(capMs, ms));
}
