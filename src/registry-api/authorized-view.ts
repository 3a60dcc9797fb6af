/**
 * The catalog as one caller may see it (SPEC §13): a Snapshot holding only the entries the Cedar
 * policies let the caller read. Every route answers from the snapshot it is given, so lists, search,
 * counts (`info.serverCount`), `/versions`, the page's data and `/mcp` show only those entries, and a
 * hidden name is missing from `byName` exactly like an absent one (the same 404: no existence oracle).
 *
 * Views are shared by callers who see the same entries (keyed by the set, not by who asked), and each
 * view has its own response cache (response-cache.ts keys bodies by snapshot), so one caller's filtered
 * bytes can only reach another caller who sees exactly the same entries. A caller who sees everything
 * gets the snapshot itself.
 */
import { createHash } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Authenticator } from './access/auth.ts';
import { refuse, sendError } from './respond.ts';
import { boundResponseCache } from './response-cache.ts';
import { BoundedCache } from '../registry/bounded-cache.ts';
import type { ApiEntry, Snapshot } from './snapshot/snapshot.ts';
import { callerOf, type Caller, type EntryFacts } from './access/authorize-cedar.ts';
import { auditPrincipal, auditing, noteAudit, noteRefusal } from './access/audit.ts';
import type { EntryAuthorizer, Visibility } from './access/authorize-entries.ts';

/** What the audit line says about the policies' part in one request. */
export interface PolicyOutcome {
  decision: 'all' | 'filtered' | 'none';
  /** Entries of the catalog the caller may read / the catalog's size. */
  visible: number;
  total: number;
  policies: readonly string[];
}

const facts = new WeakMap<Snapshot, readonly EntryFacts[]>();
const views = new WeakMap<Snapshot, BoundedCache<string, Snapshot>>();
const maskKeys = new WeakMap<Visibility, string>();
/**
 * Distinct views kept per catalog: each holds arrays and maps over its entries (~1 MB for 10,000) and its
 * own response cache, bounded to VIEW_RESPONSES, so all views of a catalog together stay under ~80 MB
 * however many different sets of entries the callers see.
 */
const VIEWS = { maxEntries: 16, maxBytes: 16 * 10_000 };
const VIEW_RESPONSES = { maxEntries: 256, maxBytes: 4 * 1024 * 1024 };

function entryFacts(e: ApiEntry, source: string): EntryFacts {
  const t = e.toolhive;
  return {
    name: e.name,
    serverName: typeof e.server.name === 'string' ? e.server.name : e.name,
    tags: e.tags,
    tier: typeof t.tier === 'string' ? t.tier : '',
    source,
    status: e.status,
    kind: typeof t.image === 'string' ? 'container' : typeof t.url === 'string' ? 'remote' : '',
  };
}

function factsOf(snap: Snapshot): readonly EntryFacts[] {
  let f = facts.get(snap);
  if (!f) facts.set(snap, (f = snap.entries.map((e) => entryFacts(e, snap.info.source))));
  return f;
}

function maskKey(v: Visibility): string {
  let k = maskKeys.get(v);
  if (!k) maskKeys.set(v, (k = createHash('sha256').update(v.mask).digest('base64url')));
  return k;
}

/** The snapshot restricted to the entries `mask` keeps (everything else of the snapshot unchanged). */
export function restrictSnapshot(snap: Snapshot, mask: Uint8Array, key: string): Snapshot {
  const entries = Object.freeze(snap.entries.filter((_, i) => mask[i] === 1));
  const byName = new Map(entries.map((e) => [e.name, e]));
  const byServerName = new Map<unknown, ApiEntry>(entries.map((e) => [e.server.name, e]));
  // Every field named (no spread): a field added to Snapshot must be restricted here too, or tsc says so.
  const view: Snapshot = {
    info: Object.freeze({ ...snap.info, serverCount: entries.length }),
    entries,
    byName,
    byServerName,
    digest: `${snap.digest}:${key}`,
    loadedAt: snap.loadedAt,
  };
  Object.freeze(view);
  boundResponseCache(view, VIEW_RESPONSES);
  return view;
}

/** The caller's view of `snap` and what the policies did; the snapshot itself when no policy is set. */
export async function authorizedView(
  authorizer: EntryAuthorizer | undefined,
  snap: Snapshot,
  caller: Caller,
): Promise<{ snap: Snapshot; outcome?: PolicyOutcome }> {
  if (!authorizer) return { snap };
  const v = await authorizer.visible(caller, snap, () => factsOf(snap));
  const total = snap.entries.length;
  const outcome: PolicyOutcome = {
    decision: v.allowed === total ? 'all' : v.allowed === 0 ? 'none' : 'filtered',
    visible: v.allowed,
    total,
    policies: v.policies,
  };
  if (v.allowed === total) return { snap, outcome };
  let cache = views.get(snap);
  if (!cache) views.set(snap, (cache = new BoundedCache(VIEWS)));
  const key = maskKey(v);
  let view = cache.get(key);
  if (!view) cache.set(key, (view = restrictSnapshot(snap, v.mask, key)), v.allowed);
  return { snap: view, outcome };
}

/**
 * The request's view of the current snapshot for an authenticated (or open) caller, noted in its audit
 * record; `problem` when the policies cannot decide (none valid were ever loaded: fail closed, 503).
 */
export async function requestView(
  authorizer: EntryAuthorizer | undefined,
  current: Snapshot | undefined,
  auth: { subject: string; groups?: unknown; claims?: unknown } | undefined,
  req: IncomingMessage,
): Promise<{ snap?: Snapshot; problem?: string }> {
  // Who the caller is matters only to the policies and the audit line: without either, nothing is built.
  const audited = auditing(req);
  if (!authorizer && !audited) return { snap: current };
  const caller = callerOf(auth);
  if (audited) noteAudit(req, { principal: auditPrincipal(caller) });
  if (!authorizer || !current) return { snap: current };
  const problem = authorizer.problem;
  if (problem) {
    noteAudit(req, { decision: 'unavailable' });
    return { problem };
  }
  const { snap, outcome } = await authorizedView(authorizer, current, caller);
  if (outcome) noteAudit(req, { decision: outcome.decision, policies: outcome.policies });
  return { snap };
}

/** After a 404 for a name: the audit (never the caller) says whether the name was hidden rather than absent. */
export function noteHidden(req: IncomingMessage, base: Snapshot | undefined, name: string): void {
  if (base && (base.byName.has(name) || base.byServerName.has(name))) noteAudit(req, { decision: 'deny' });
}

/**
 * Authentication, then the caller's view: undefined when the request was answered already (401/403
 * from authentication, 503 while the policies cannot decide).
 */
export async function authorizeRequest(
  deps: { auth?: Authenticator; authorizer?: EntryAuthorizer },
  current: Snapshot | undefined,
  req: IncomingMessage,
  res: ServerResponse,
): Promise<{ snap?: Snapshot } | undefined> {
  let r;
  if (deps.auth?.enabled) {
    r = deps.auth.remembered(req) ?? (await deps.auth.checkRequest(req));
    if (!r.ok) {
      noteRefusal(req, r);
      return void refuse(req, res, r.status ?? 401, r.message);
    }
  }
  const v = await requestView(deps.authorizer, current, r, req);
  if (v.problem) return void sendError(req, res, 503, v.problem);
  return v;
}

/**
 * The catalog page's view: the caller's when its credentials pass, else the anonymous caller's (the page
 * shell is open, and its 404 for an unknown `/servers/<name>` must not reveal a hidden name). Undefined
 * without policies (the page reads the snapshot) or while they cannot decide (the page's data is a 503).
 */
export async function pageView(
  deps: { auth?: Authenticator; authorizer?: EntryAuthorizer },
  current: Snapshot | undefined,
  req: IncomingMessage,
): Promise<Snapshot | undefined> {
  if (!deps.authorizer) return undefined;
  const r = deps.auth?.enabled ? await deps.auth.checkRequest(req) : undefined;
  const v = await requestView(deps.authorizer, current, r?.ok ? r : undefined, req);
  if (v.snap) noteAudit(req, { entries: v.snap.entries.length });
  return v.snap;
}

/** The page's paths that show catalog data: its data, and a server's page (a 404 when not visible). */
export const pageNeedsView = (path: string): boolean =>
  path === '/ui/catalog.json' || path.startsWith('/servers/');
