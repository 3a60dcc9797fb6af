/**
 * Upstream MCP registry API source: pages through /v0.1/servers?limit=100 following
 * metadata.nextCursor, with guards against cursor cycles and runaway paging, keeps the latest
 * version of each server and drops deleted ones. Returns one API page document holding them all.
 */
import { httpGet, retryAfterMs, type HttpGetOptions } from './http-fetch.ts';
import { SourceError } from './types.ts';

export interface RegistryApiOptions extends HttpGetOptions {
  maxPages: number;
  pageLimit: number;
}

export const DEFAULT_REGISTRY_API_OPTIONS: Omit<RegistryApiOptions, 'ca' | 'headers'> = {
  timeoutMs: 30_000,
  maxBytes: 16 * 1024 * 1024,
  maxPages: 1000,
  pageLimit: 100,
};

type Json = Record<string, unknown>;
const OFFICIAL = 'io.modelcontextprotocol.registry/official';

function official(item: Json): Json {
  const meta = (item._meta ?? {}) as Json;
  return (meta[OFFICIAL] ?? {}) as Json;
}

function compareVersions(a: string, b: string): number {
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

/** Keeps, per server name, the entry marked isLatest, else the highest version; drops deleted. */
export function latestPerServer(items: Json[]): Json[] {
  const best = new Map<string, Json>();
  for (const item of items) {
    const server = (item.server ?? {}) as Json;
    const name = typeof server.name === 'string' ? server.name : undefined;
    if (!name) continue;
    const prev = best.get(name);
    if (!prev) {
      best.set(name, item);
      continue;
    }
    const a = official(item);
    const b = official(prev);
    if (a.isLatest === true && b.isLatest !== true) best.set(name, item);
    else if (
      a.isLatest === b.isLatest &&
      compareVersions(String(server.version ?? ''), String((prev.server as Json).version ?? '')) > 0
    )
      best.set(name, item);
  }
  return [...best.values()].filter((i) => official(i).status !== 'deleted');
}

export async function fetchRegistryApi(baseURL: string, opts: RegistryApiOptions): Promise<string> {
  const base = baseURL.replace(/\/+$/, '');
  const items: Json[] = [];
  const seen = new Set<string>();
  let cursor: string | undefined;
  for (let page = 0; ; page++) {
    if (page >= opts.maxPages)
      throw new SourceError(
        'TooManyPages',
        `${base}/v0.1/servers: more than ${opts.maxPages} pages; stopping`,
      );
    const url = new URL(`${base}/v0.1/servers`);
    url.searchParams.set('limit', String(opts.pageLimit));
    if (cursor) url.searchParams.set('cursor', cursor);
    const res = await httpGet(url.toString(), opts);
    if (res.status !== 200) {
      const ra = retryAfterMs(res.headers['retry-after'], Date.now(), 60_000);
      throw new SourceError(
        res.status === 429 ? 'RateLimited' : res.status >= 500 ? 'ServerError' : 'HTTPError',
        `${base}/v0.1/servers answered HTTP ${res.status}`,
        ra,
      );
    }
    let doc: Json;
    try {
      doc = JSON.parse(res.body.toString('utf8')) as Json;
    } catch (e) {
      throw new SourceError(
        'InvalidResponse',
        `${base}/v0.1/servers page ${page + 1} is not JSON: ${(e as Error).message}`,
      );
    }
    if (!Array.isArray(doc.servers))
      throw new SourceError('InvalidResponse', `${base}/v0.1/servers page ${page + 1} has no "servers" list`);
    items.push(...(doc.servers as Json[]));
    const next = ((doc.metadata ?? {}) as Json).nextCursor;
    if (typeof next !== 'string' || next === '') break;
    if (seen.has(next))
      throw new SourceError(
        'CursorCycle',
        `${base}/v0.1/servers: cursor "${next}" repeats after ${page + 1} pages; the registry's paging loops`,
      );
    seen.add(next);
    cursor = next;
  }
  const servers = latestPerServer(items);
  return JSON.stringify({ servers, metadata: { count: servers.length } });
}
