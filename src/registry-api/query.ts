/**
 * Query parameters, cursors and paging: pure functions over a Snapshot.
 *
 * A cursor is the base64url of `v1:<last name returned>`. Paging resumes strictly after that name
 * in the sorted order, so a page boundary never depends on positions: servers added or removed
 * between two requests cannot make a client see a server twice or skip one that exists before and
 * after the change (the name itself may be gone; the next page starts after where it would be).
 */
import { compareNames, type ApiEntry, type Snapshot } from './snapshot/snapshot.ts';
import { timeKey } from '../registry/index.ts';

export class BadRequest extends Error {}

export const LIMITS = {
  /** /api/v1: ToolHive-style listing of a whole private catalog. */
  v1: { default: 100, max: 1000 },
  /** /v0.1: the upstream contract's numbers. */
  v01: { default: 30, max: 100 },
} as const;

const CURSOR_PREFIX = 'v1:';

export function encodeCursor(lastName: string): string {
  return Buffer.from(CURSOR_PREFIX + lastName, 'utf8').toString('base64url');
}

export function decodeCursor(cursor: string): string {
  if (!/^[A-Za-z0-9_-]+$/.test(cursor)) throw new BadRequest('Invalid cursor parameter');
  const text = Buffer.from(cursor, 'base64url').toString('utf8');
  if (!text.startsWith(CURSOR_PREFIX) || text.length === CURSOR_PREFIX.length)
    throw new BadRequest('Invalid cursor parameter');
  return text.slice(CURSOR_PREFIX.length);
}

export function parseLimit(raw: string | null, bounds: { default: number; max: number }): number {
  if (raw === null) return bounds.default;
  if (!/^\d{1,9}$/.test(raw) || Number(raw) < 1 || Number(raw) > bounds.max)
    throw new BadRequest(`Invalid limit parameter: must be an integer between 1 and ${bounds.max}`);
  return Number(raw);
}

export type Format = 'toolhive' | 'upstream';

/** Absent means the default; present it must be a format (an empty `format=` is a mistake, not a default). */
export function parseFormat(raw: string | null): Format {
  if (raw === null || raw === 'toolhive') return 'toolhive';
  if (raw === 'upstream') return 'upstream';
  throw new BadRequest("Unsupported format. Supported formats: 'toolhive', 'upstream'");
}

/** Go's strconv.ParseBool spellings, which the official server (huma) accepts; empty means unset. */
const TRUE = new Set(['1', 't', 'T', 'TRUE', 'true', 'True']);
const FALSE = new Set(['', '0', 'f', 'F', 'FALSE', 'false', 'False']);

export function parseBool(name: string, raw: string | null): boolean {
  if (raw === null || FALSE.has(raw)) return false;
  if (TRUE.has(raw)) return true;
  throw new BadRequest(`Invalid ${name} parameter: must be true or false`);
}

/** `updated_since` as nanoseconds since 1970 (compared exactly: registry/time.ts); empty is no filter. */
export function parseUpdatedSince(raw: string | null): bigint | undefined {
  if (raw === null || raw === '') return undefined;
  const t = timeKey(raw);
  if (t === undefined) throw new BadRequest('Invalid updated_since parameter: must be an RFC 3339 timestamp');
  return t;
}

/**
 * A /v0.1 cursor as the official server reads cursors: it never refuses one. Ours (base64url of
 * `v1:<name>:<version>`, or `v1:<name>` from before versions were served) resume after that
 * version of that server (after the whole server); anything else is read as the official server's
 * own `serverName:version` (or a bare name), so a cursor carried over from the official registry, or
 * made up, resumes where it would be instead of failing the whole listing (versions.ts). The
 * canonical form for the response cache's key: no snapshot is needed to compute it.
 */
export function v01CursorPosition(cursor: string): { name: string; version?: string } {
  let text = cursor;
  try {
    text = decodeCursor(cursor);
  } catch (e) {
    if (!(e instanceof BadRequest)) throw e;
  }
  const colon = text.indexOf(':');
  return colon < 0 ? { name: text } : { name: text.slice(0, colon), version: text.slice(colon + 1) };
}

/** Index of the first entry whose name sorts strictly after `name`. */
export function indexAfter(entries: readonly ApiEntry[], name: string): number {
  let lo = 0;
  let hi = entries.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (compareNames(entries[mid]!.name, name) <= 0) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

export interface Page {
  items: ApiEntry[];
  nextCursor?: string;
}

/** The next `limit` entries after the cursor that pass `match`; nextCursor only when more match. */
export function page(
  snap: Snapshot,
  after: string | undefined,
  limit: number,
  match: (e: ApiEntry) => boolean,
): Page {
  const items: ApiEntry[] = [];
  const start = after === undefined ? 0 : indexAfter(snap.entries, after);
  for (let i = start; i < snap.entries.length; i++) {
    const e = snap.entries[i]!;
    if (!match(e)) continue;
    if (items.length === limit) return { items, nextCursor: encodeCursor(items[items.length - 1]!.name) };
    items.push(e);
  }
  return { items };
}

/** /api/v1 filters: `search` is a case-insensitive substring of name or description; every `tag` must be present. */
export function v1Matcher(search: string | null, tags: string[]): (e: ApiEntry) => boolean {
  const needle = search?.toLowerCase() ?? '';
  return (e) =>
    (needle === '' || e.nameLower.includes(needle) || e.descriptionLower.includes(needle)) &&
    tags.every((t) => e.tags.includes(t));
}
