/**
 * One page of an upstream registry API answer (`{servers: [{server, _meta}], metadata: {nextCursor}}`),
 * read strictly: anything that breaks the page contract becomes a SourceError with a message naming
 * the page and the field, never an exception the controller cannot turn into a status. Entries that
 * keep the contract but carry an invalid server.json are left to the pipeline, which skips and counts
 * them like any other invalid entry.
 */
import { SourceError, type ParsedDocument } from './types.ts';

export type Json = Record<string, unknown>;
export const OFFICIAL = 'io.modelcontextprotocol.registry/official';
/** server.json documents nest about 8 levels; this leaves room and keeps every later walk shallow. */
export const MAX_NESTING = 100;

export interface Page {
  items: Json[];
  /** Absent on the last page. */
  nextCursor?: string;
}

const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

function kindOf(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'a list';
  if (typeof v === 'object') return 'an object';
  return typeof v === 'string' ? 'a string' : `a ${typeof v}`;
}

/** Deepest bracket nesting outside strings, found without recursion (so without a stack to overflow). */
export function nestingDepth(text: string): number {
  let depth = 0;
  let max = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c) i++;
      else if (c === 0x22) inString = false;
    } else if (c === 0x22) inString = true;
    else if (c === 0x7b || c === 0x5b) max = Math.max(max, ++depth);
    else if (c === 0x7d || c === 0x5d) depth--;
  }
  return max;
}

/**
 * Parses page `n` (1-based) of `where`. The JSON parser's own message is not echoed (it quotes the
 * fetched bytes); only the offset it names is.
 */
export function parsePage(text: string, where: string, n: number): Page {
  const malformed = (detail: string) =>
    new SourceError('InvalidResponse', `${where} page ${n} is malformed: ${detail}`);
  if (nestingDepth(text) > MAX_NESTING) throw malformed(`JSON nested deeper than ${MAX_NESTING} levels`);
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (e) {
    const at = /at position (\d+)/.exec((e as Error).message)?.[1];
    throw new SourceError(
      'InvalidResponse',
      `${where} page ${n} is not valid JSON${at ? ` (error at byte offset ${at})` : ''}`,
    );
  }
  const must = (field: string, expected: string, v: unknown) =>
    malformed(
      v === undefined
        ? `${field} is missing; expected ${expected}`
        : `${field} must be ${expected}, not ${kindOf(v)}`,
    );
  if (!isObject(doc)) throw must('the page', 'a JSON object {servers, metadata}', doc);
  if (!Array.isArray(doc.servers)) throw must('"servers"', 'a list', doc.servers);
  doc.servers.forEach((item: unknown, i: number) => {
    if (!isObject(item)) throw must(`servers[${i}]`, 'an object {server, _meta}', item);
    if (!isObject(item.server)) throw must(`servers[${i}].server`, 'an object (a server.json)', item.server);
    if (item._meta !== undefined && !isObject(item._meta))
      throw must(`servers[${i}]._meta`, 'an object', item._meta);
  });
  const metadata = doc.metadata;
  if (metadata !== undefined && !isObject(metadata)) throw must('"metadata"', 'an object', metadata);
  const next = metadata?.nextCursor;
  if (next !== undefined && next !== null && typeof next !== 'string')
    throw must('metadata.nextCursor', 'a string', next);
  return { items: doc.servers as Json[], ...(next ? { nextCursor: next } : {}) };
}

export function official(item: Json): Json {
  const meta = isObject(item._meta) ? item._meta : {};
  return isObject(meta[OFFICIAL]) ? meta[OFFICIAL] : {};
}

function serverOf(item: Json): Json {
  return isObject(item.server) ? item.server : {};
}

export function compareVersions(a: string, b: string): number {
  const pa = a.split(/[.-]/).map((x) => (/^\d+$/.test(x) ? Number(x) : x));
  const pb = b.split(/[.-]/).map((x) => (/^\d+$/.test(x) ? Number(x) : x));
  for (let i = 0; i < Math.max(pa.length, pb.length); i++) {
    const x = pa[i];
    const y = pb[i];
    if (x === undefined) return -1;
    if (y === undefined) return 1;
    if (x === y) continue;
    if (typeof x === 'number' && typeof y === 'number') return x - y;
    return String(x) < String(y) ? -1 : 1;
  }
  return 0;
}

/**
 * The latest version of each server, fed page by page so only one entry per name is held. Deleted
 * versions are dropped before choosing, as the official registry does when it recomputes `isLatest`
 * after a deletion: the newest version still standing wins. Entries without a usable name are kept as
 * they are, so the pipeline reports them as invalid instead of them vanishing here.
 */
export class LatestVersions {
  private readonly best = new Map<string, Json>();
  private readonly unnamed: Json[] = [];

  add(item: Json): void {
    if (official(item).status === 'deleted') return;
    const name = serverOf(item).name;
    if (typeof name !== 'string' || name === '') {
      this.unnamed.push(item);
      return;
    }
    const prev = this.best.get(name);
    if (!prev || this.newer(item, prev)) this.best.set(name, item);
  }

  private newer(item: Json, prev: Json): boolean {
    const a = official(item).isLatest === true;
    const b = official(prev).isLatest === true;
    if (a !== b) return a;
    return compareVersions(String(serverOf(item).version ?? ''), String(serverOf(prev).version ?? '')) > 0;
  }

  items(): Json[] {
    return [...this.best.values(), ...this.unnamed];
  }
}

/** Compatibility helper for callers holding all items at once. */
export function latestPerServer(items: Json[]): Json[] {
  const l = new LatestVersions();
  for (const i of items) l.add(i);
  return l.items();
}

/**
 * The latest versions as one API page document, `{servers, metadata: {count}}`, without its text:
 * `chunks()` yields exactly `JSON.stringify(value)` one server at a time (JSON.stringify of an object
 * literal and of an array has no whitespace, so joining the pieces gives the same text), so the
 * sources hash is what it was when this document was one string.
 */
export function apiDocument(servers: Json[]): ParsedDocument {
  const metadata = { count: servers.length };
  return {
    value: { servers, metadata },
    *chunks() {
      yield '{"servers":[';
      for (let i = 0; i < servers.length; i++)
        yield i === 0 ? JSON.stringify(servers[i]) : `,${JSON.stringify(servers[i])}`;
      yield `],"metadata":${JSON.stringify(metadata)}}`;
    },
  };
}
