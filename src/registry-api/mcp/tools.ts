/**
 * The registry's MCP tools (SPEC §14): search, get one server, list its versions. Each call answers
 * from the one snapshot its request was given, the same the REST API serves, in the upstream shapes
 * (`ServerList`, `ServerResponse`) with a short text summary first, so an agent can read the gist and
 * a program can parse the JSON. Every tool is read-only and says so (`readOnlyHint`).
 */
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { z } from 'zod';
import type { ApiEntry, Snapshot } from '../snapshot/snapshot.ts';
import { BadRequest, decodeCursor, page, v1Matcher } from '../query.ts';
import { listBody, upstreamView } from '../views.ts';
import { versionOf, versionsBody } from '../versions.ts';
import { productVersion } from '../../config/version.ts';

/** A page of search results is at most this many servers: an answer's size is bounded like a REST page. */
export const MCP_SEARCH_LIMITS = { default: 20, max: 50 } as const;
const TRANSPORTS = ['stdio', 'streamable-http', 'sse'] as const;
const READ_ONLY = { readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: false };
/** Bounds on what a caller can make us compare against 10,000 entries. */
const MAX_TEXT = 256;
const MAX_TAGS = 16;

/** Every transport a server can be reached by: its packages' and its remotes'. */
export function transportsOf(server: Readonly<Record<string, unknown>>): Set<string> {
  const out = new Set<string>();
  const each = (list: unknown, read: (item: Record<string, unknown>) => unknown) => {
    if (!Array.isArray(list)) return;
    for (const item of list as unknown[]) {
      if (item === null || typeof item !== 'object') continue;
      const t = read(item as Record<string, unknown>);
      if (typeof t === 'string') out.add(t);
    }
  };
  each(server.packages, (p) => (p.transport as Record<string, unknown> | undefined)?.type);
  each(server.remotes, (r) => r.type);
  return out;
}

function line(e: ApiEntry): string {
  const desc = e.description.length > 120 ? `${e.description.slice(0, 117)}...` : e.description;
  const transports = [...transportsOf(e.server)].join(', ');
  const name = typeof e.server.name === 'string' ? e.server.name : e.name;
  return `- ${name} ${e.version}${e.status === 'active' ? '' : ` (${e.status})`}${transports ? ` [${transports}]` : ''}: ${desc}`;
}

function answer(summary: string, json: Record<string, unknown>): CallToolResult {
  return {
    content: [
      { type: 'text', text: summary },
      { type: 'text', text: JSON.stringify(json) },
    ],
    structuredContent: json,
  };
}

function failure(message: string): CallToolResult {
  return { content: [{ type: 'text', text: message }], isError: true };
}

/** By catalog key or upstream server.json name, as the REST API's /v0.1 routes look servers up. */
function find(snap: Snapshot, name: string): ApiEntry | undefined {
  return snap.byName.get(name) ?? snap.byServerName.get(name);
}

export interface SearchArgs {
  query?: string;
  tags?: string[];
  transport?: (typeof TRANSPORTS)[number];
  limit?: number;
  cursor?: string;
}

/** The search tool's answer, pure over a snapshot (a table test covers it). */
export function searchServers(snap: Snapshot, a: SearchArgs): CallToolResult {
  let after: string | undefined;
  try {
    after = a.cursor ? decodeCursor(a.cursor) : undefined;
  } catch (e) {
    if (e instanceof BadRequest) return failure(`${e.message}: pass the nextCursor of a previous search`);
    throw e;
  }
  const text = v1Matcher(a.query ?? null, a.tags ?? []);
  const transport = a.transport;
  const match = transport ? (e: ApiEntry) => text(e) && transportsOf(e.server).has(transport) : text;
  const p = page(snap, after, a.limit ?? MCP_SEARCH_LIMITS.default, match);
  const body = listBody(p, 'upstream');
  const head =
    p.items.length === 0
      ? 'No server matches.'
      : `${p.items.length} server${p.items.length === 1 ? '' : 's'}${p.nextCursor ? ' (more: pass nextCursor as cursor)' : ''}:`;
  return answer([head, ...p.items.map(line)].join('\n'), body as unknown as Record<string, unknown>);
}

/** The latest version, or the one asked for (deleted versions are not served here, as by default in /v0.1). */
export function getServer(snap: Snapshot, a: { name: string; version?: string }): CallToolResult {
  const e = find(snap, a.name);
  const v = a.version;
  const x = e && versionOf(snap, e.name, v === undefined || v === '' ? 'latest' : v, false);
  if (!e || !x) return failure(`Server not found: ${a.name}${v ? ` version ${v}` : ''}`);
  const status = x.status === 'active' ? '' : ` (${x.status})`;
  return answer(x === e ? line(e).slice(2) : `${a.name} ${x.version}${status}`, upstreamView(x));
}

export function listVersions(snap: Snapshot, a: { name: string }): CallToolResult {
  const e = find(snap, a.name);
  const body = e && versionsBody(snap, e.name, false);
  if (!e || !body) return failure(`Server not found: ${a.name}`);
  // Every version the catalog holds, newest published first (SPEC §14 "Mirror fidelity").
  const shown = e.versions.filter((x) => x.status !== 'deleted');
  const names = shown.map(
    (x) => `${x.version}${x.isLatest ? ' (latest)' : x.status === 'active' ? '' : ` (${x.status})`}`,
  );
  const n = shown.length;
  return answer(
    `${n} version${n === 1 ? '' : 's'} of ${a.name}: ${names.join(', ')}`,
    body as unknown as Record<string, unknown>,
  );
}

const nameArg = z.string().min(1).max(MAX_TEXT).describe('server name, e.g. io.github.stacklok/fetch');

/** A fresh MCP server over one snapshot (stateless: one per request, nothing outlives it). */
export function registryMcpServer(snap: Snapshot): McpServer {
  const server = new McpServer(
    { name: `mcp-registry/${snap.info.name}`, version: productVersion() },
    {
      instructions: `The MCP server catalog "${snap.info.displayName ?? snap.info.name}" (${snap.info.serverCount} servers). Search it, then get a server's server.json to install it.`,
    },
  );
  server.registerTool(
    'search_servers',
    {
      title: 'Search MCP servers',
      description:
        'Search the catalog by text (name or description, case-insensitive), tags (all must match) and transport. Returns upstream ServerResponse objects; page with limit and the returned nextCursor.',
      inputSchema: {
        query: z.string().max(MAX_TEXT).optional().describe('text to find in the name or description'),
        tags: z
          .array(z.string().max(MAX_TEXT))
          .max(MAX_TAGS)
          .optional()
          .describe('every tag must be present'),
        transport: z.enum(TRANSPORTS).optional().describe('only servers reachable over this transport'),
        limit: z
          .number()
          .int()
          .min(1)
          .max(MCP_SEARCH_LIMITS.max)
          .optional()
          .describe(`servers per page (default ${MCP_SEARCH_LIMITS.default})`),
        cursor: z
          .string()
          .max(4 * MAX_TEXT)
          .optional()
          .describe('nextCursor of the previous page'),
      },
      annotations: { title: 'Search MCP servers', ...READ_ONLY },
    },
    (a) => searchServers(snap, a),
  );
  server.registerTool(
    'get_server',
    {
      title: 'Get an MCP server',
      description:
        "One server's upstream ServerResponse (server.json and registry metadata): the latest, or a given version.",
      inputSchema: {
        name: nameArg,
        version: z.string().max(MAX_TEXT).optional().describe('a version, or latest (default)'),
      },
      annotations: { title: 'Get an MCP server', ...READ_ONLY },
    },
    (a) => getServer(snap, a),
  );
  server.registerTool(
    'list_server_versions',
    {
      title: "List an MCP server's versions",
      description: 'Every version of one server this catalog holds, as an upstream ServerList.',
      inputSchema: { name: nameArg },
      annotations: { title: "List an MCP server's versions", ...READ_ONLY },
    },
    (a) => listVersions(snap, a),
  );
  return server;
}
