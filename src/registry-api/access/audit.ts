/**
 * The audit log (SPEC §13, opt-in with `--audit`): one JSON line per request on stdout, from its own
 * pino logger (`"logger":"audit"`), with the NIST SP 800-53 AU-3 content: when (`time`), who
 * (`principal`), from where (`source`), what (`method`, `path`, `route`), the outcome (`status`), what
 * was returned (`entries`) and what the policies decided (`decision`, `policies`).
 *
 * Never a credential: the line is built only from the fields below, the path without its query, and the
 * principal's kind and name as authentication established them (an API key is `api-key`, a token its
 * subject); no header, query string or body is ever copied into it.
 *
 * Who: a caller authentication refused but knows (a 403 in `kubernetes` mode) is named in `principal`
 * like an allowed one; only callers it could not identify are `{"kind":"unauthenticated"}`.
 * Where: `path` is the path as requested, with the `--base-path` prefix. Not audited: the probes and
 * the scrape (`/healthz`, `/readyz`, `/metrics`, at the root or under the prefix), which the kubelet
 * and Prometheus call every few seconds and which return no catalog data, as the apiserver's own audit
 * policies commonly leave out its health endpoints.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { pino, type Logger, type DestinationStream } from 'pino';
import { callerOf, type Caller } from './authorize-cedar.ts';

export interface AuditRecord {
  principal?: { kind: string; name: string; groups?: readonly string[]; namespace?: string };
  /** Why authentication refused, when it did (the message the caller got). */
  refused?: string;
  route?: string;
  entries?: number;
  decision?: 'all' | 'filtered' | 'none' | 'allow' | 'deny' | 'unavailable';
  policies?: readonly string[];
}

const records = new WeakMap<IncomingMessage, AuditRecord>();

const UNAUDITED = new Set(['/healthz', '/readyz', '/metrics']);

/** Whether a request for `path` (as requested) is audited: not the probes or the scrape. */
export function audited(path: string, base: string): boolean {
  const inner = base && path.startsWith(`${base}/`) ? path.slice(base.length) : path;
  return !UNAUDITED.has(inner);
}

export function auditLogger(destination?: DestinationStream): Logger {
  return pino(
    { name: 'audit', base: { logger: 'audit' }, timestamp: pino.stdTimeFunctions.isoTime, level: 'info' },
    destination ?? pino.destination({ dest: 1, sync: false }),
  );
}

/** Whether this request is audited (its record is open): what only the audit line needs is built only then. */
export function auditing(req: IncomingMessage): boolean {
  return records.has(req);
}

/** Adds to the request's audit record (a no-op when the request is not audited). */
export function noteAudit(req: IncomingMessage, fields: AuditRecord): void {
  const r = records.get(req);
  if (r) Object.assign(r, fields);
}

export function auditPrincipal(c: Caller): NonNullable<AuditRecord['principal']> {
  return {
    kind: c.kind,
    name: c.name,
    ...(c.groups.length ? { groups: c.groups.slice(0, 32) } : {}),
    ...(c.namespace ? { namespace: c.namespace } : {}),
  };
}

/** Notes an authentication refusal: its message, and the caller when authentication knows them (403). */
export function noteRefusal(
  req: IncomingMessage,
  r: { message: string; subject?: string; groups?: unknown },
): void {
  noteAudit(req, {
    refused: r.message,
    ...(r.subject !== undefined && {
      principal: auditPrincipal(callerOf({ subject: r.subject, groups: r.groups })),
    }),
  });
}

/** Starts auditing one request: its line is written when the response finishes or the client leaves. */
export function beginAudit(log: Logger, req: IncomingMessage, res: ServerResponse, path: string): void {
  const record: AuditRecord = {};
  records.set(req, record);
  const started = process.hrtime.bigint();
  let written = false;
  const write = (aborted: boolean) => {
    if (written) return;
    written = true;
    const status = res.statusCode;
    log.info(
      {
        principal: record.principal ?? { kind: 'unauthenticated' },
        ...(record.refused !== undefined && { refused: record.refused }),
        source: req.socket.remoteAddress,
        method: req.method,
        path,
        ...(record.route !== undefined && { route: record.route }),
        status,
        outcome: aborted ? 'aborted' : outcomeOf(status),
        // A refusal returns nothing, whatever was noted before it.
        ...(status >= 400 ? { entries: 0 } : record.entries !== undefined && { entries: record.entries }),
        ...(record.decision !== undefined && { decision: record.decision }),
        ...(record.policies !== undefined && { policies: record.policies }),
        durationMs: Number(process.hrtime.bigint() - started) / 1e6,
      },
      'request',
    );
  };
  res.once('finish', () => write(false));
  res.once('close', () => write(!res.writableFinished));
}

function outcomeOf(status: number): string {
  if (status < 400) return 'success';
  if (status === 401) return 'unauthenticated';
  if (status === 403) return 'forbidden';
  if (status === 404) return 'not-found';
  return status >= 500 ? 'error' : 'refused';
}

/** Entries in a response body: a list's servers, one for a single server, none for anything else. */
export function entriesIn(body: unknown): number | undefined {
  if (!body || typeof body !== 'object') return undefined;
  const servers = (body as { servers?: unknown }).servers;
  if (Array.isArray(servers)) return servers.length;
  return 'serverCount' in body ? undefined : 1;
}

const bodyEntries = new WeakMap<Buffer, number | undefined>();

/** Notes a body's entries on the request's audit record, remembered per body for its cached reuse. */
export function auditEntries(req: IncomingMessage, buf: Buffer, body?: unknown): void {
  if (body !== undefined) bodyEntries.set(buf, entriesIn(body));
  if (!records.has(req)) return;
  // A body built elsewhere (first-pages.ts) is read once, only when a request is audited.
  if (!bodyEntries.has(buf)) bodyEntries.set(buf, entriesIn(JSON.parse(buf.toString('utf8'))));
  noteAudit(req, { entries: bodyEntries.get(buf) });
}
