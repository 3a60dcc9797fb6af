/**
 * The one entry of every HTTP server of ours (SPEC §18 "No request kills a server": the registry API
 * with its catalog page, the webhooks, the health/metrics server). The request target is parsed here,
 * once and guarded, so no handler parses `req.url` itself; a target that cannot be read is a 400, and a
 * handler's exception, thrown or rejected, is a 500 (logged), never an uncaught exception that ends the
 * process. `new URL(req.url, base)` outside a guard was how one request killed the API: `//x:99999/`
 * is a valid origin-form path, but as a URL reference it names a host with an impossible port.
 */
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';

export interface RequestTarget {
  /** The path with dot segments resolved, still percent-encoded (valid escapes only). */
  readonly path: string;
  /** The query with its `?`, or ''. */
  readonly search: string;
  readonly query: URLSearchParams;
}

export type TargetResult = { ok: true; target: RequestTarget } | { ok: false; message: string };

/** A fixed origin: only the path and query are read, so neither the Host header nor the target's own authority changes anything. */
const ORIGIN = 'http://request-target.invalid';
const BAD_ESCAPE = /%(?![0-9A-Fa-f]{2})/;
const ABSOLUTE = /^https?:\/\//i;

/**
 * Reads an origin-form target (`/path?query`) or an absolute-form one (`http://host/path`, RFC 9112
 * §3.2.2: a server must accept it; its authority is ignored like the Host header). Anything else
 * (`*`, authority-form, a bare word, another scheme) and a path with a `%` that is not an escape is
 * refused with the message a client sees.
 */
export function parseRequestTarget(raw: string | undefined): TargetResult {
  const text = raw ?? '';
  let url: URL;
  try {
    // Concatenated, not resolved against a base: `//x:99999/` stays a path instead of becoming a host.
    if (text.startsWith('/')) url = new URL(ORIGIN + text);
    else if (ABSOLUTE.test(text)) url = new URL(text);
    else return { ok: false, message: 'Malformed request target: expected a path starting with /' };
  } catch {
    return { ok: false, message: 'Malformed request target: not a valid absolute URL' };
  }
  if (BAD_ESCAPE.test(url.pathname))
    return { ok: false, message: 'Malformed request target: invalid percent-encoding in the path' };
  return { ok: true, target: { path: url.pathname, search: url.search, query: url.searchParams } };
}

export type GuardedHandler = (
  req: IncomingMessage,
  res: ServerResponse,
  target: RequestTarget,
) => void | Promise<void>;

export interface GuardOptions {
  /** Writes an error answer in this server's own format (JSON for the API and webhooks, text for health). */
  reply(req: IncomingMessage, res: ServerResponse, status: number, message: string): void;
  /** Logs what a handler threw; the client sees only `Internal server error`. */
  onError(err: unknown, req: IncomingMessage): void;
}

/** The request listener for createServer: parse the target, run the handler, turn any exception into a 500. */
export function guarded(
  handle: GuardedHandler,
  opts: GuardOptions,
): (req: IncomingMessage, res: ServerResponse) => void {
  const answer = (req: IncomingMessage, res: ServerResponse, status: number, message: string) => {
    if (res.headersSent) return void res.destroy();
    try {
      opts.reply(req, res, status, message);
    } catch (err) {
      opts.onError(err, req);
      res.destroy();
    }
  };
  return (req, res) => {
    // A write after the socket went away emits 'error' on the response: without a listener, an exit.
    res.on('error', (err) => opts.onError(err, req));
    const fail = (err: unknown) => {
      opts.onError(err, req);
      answer(req, res, 500, 'Internal server error');
    };
    const parsed = parseRequestTarget(req.url);
    if (!parsed.ok) return answer(req, res, 400, parsed.message);
    try {
      const done = handle(req, res, parsed.target);
      if (done) done.catch(fail);
    } catch (err) {
      fail(err);
    }
  };
}

/**
 * What node:http does not answer by itself: a CONNECT request (authority-form target) is dropped
 * without a status line unless someone listens for it; answer it 405 and close.
 */
export function guardServer<S extends Pick<Server, 'on'>>(server: S, allow: string): S {
  server.on('connect', (_req: IncomingMessage, socket: Duplex) => {
    socket.on('error', () => socket.destroy());
    socket.end(
      `HTTP/1.1 405 Method Not Allowed\r\nAllow: ${allow}\r\nContent-Length: 0\r\nConnection: close\r\n\r\n`,
    );
  });
  return server;
}
