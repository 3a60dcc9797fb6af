/** Reads a JSON request body with a hard size cap, without buffering an oversized body whole. */
import type { IncomingMessage } from 'node:http';

export const MAX_BODY_BYTES = 7 * 1024 * 1024;

export class HttpError extends Error {
  readonly status: number;
  constructor(status: number, message: string) {
    super(message);
    this.status = status;
  }
}

export function checkContentType(req: IncomingMessage): void {
  const type = (req.headers['content-type'] ?? '').split(';')[0]?.trim().toLowerCase();
  if (type !== 'application/json')
    throw new HttpError(
      415,
      `unsupported content type ${JSON.stringify(req.headers['content-type'] ?? '')}: expected application/json`,
    );
}

/** Resolves with the parsed JSON body; rejects with HttpError 400 (empty, malformed) or 413 (too large). */
export function readJsonBody(req: IncomingMessage, limit = MAX_BODY_BYTES): Promise<unknown> {
  const tooLarge = () => new HttpError(413, `request body exceeds the ${limit} byte limit`);
  const declared = Number(req.headers['content-length']);
  if (Number.isFinite(declared) && declared > limit) return Promise.reject(tooLarge());
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let done = false;
    const fail = (e: Error) => {
      if (done) return;
      done = true;
      chunks.length = 0;
      reject(e);
    };
    req.on('data', (c: Buffer) => {
      if (done) return;
      size += c.length;
      if (size > limit) {
        // Stop holding data; the caller answers 413 and closes the connection.
        req.pause();
        fail(tooLarge());
        return;
      }
      chunks.push(c);
    });
    req.on('error', fail);
    req.on('aborted', () => fail(new HttpError(400, 'request aborted')));
    req.on('end', () => {
      if (done) return;
      done = true;
      if (size === 0) return reject(new HttpError(400, 'request body is empty: expected a JSON review'));
      try {
        resolve(JSON.parse(Buffer.concat(chunks, size).toString('utf8')));
      } catch (e) {
        reject(new HttpError(400, `request body is not valid JSON: ${(e as Error).message}`));
      }
    });
  });
}
