/**
 * `POST /mcp`: the registry as an MCP server over Streamable HTTP, stateless and read-only (SPEC
 * §14). Each request gets its own McpServer and transport over the snapshot current when it arrived,
 * and nothing survives it, so there are no sessions to exhaust and no stream to hold open.
 *
 * Bounds before the SDK sees anything: the body is read here, at most MCP_MAX_BODY bytes (a larger
 * one is a 413 and the connection is closed), parsed here, and a JSON-RPC batch is refused (the
 * 2025-06-18 protocol dropped batches, and one body of a hundred searches would be a hundred pages
 * in one answer, around the per-page limit). Search pages are bounded in tools.ts.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js';
import type { Snapshot } from '../snapshot/snapshot.ts';
import { registryMcpServer } from './tools.ts';

export const MCP_MAX_BODY = 64 * 1024;

function rpcError(res: ServerResponse, status: number, code: number, message: string, close = false): void {
  const body = JSON.stringify({ jsonrpc: '2.0', error: { code, message }, id: null });
  res.setHeader('Content-Type', 'application/json');
  res.setHeader('Content-Length', String(Buffer.byteLength(body)));
  if (close) res.setHeader('Connection', 'close');
  res.writeHead(status);
  res.end(body);
}

type Body = { ok: true; text: string } | { ok: false };

/** The request body, or not ok once it passes `max` bytes (declared or sent). */
function readBody(req: IncomingMessage, max: number): Promise<Body> {
  const declared = Number(req.headers['content-length'] ?? '0');
  if (declared > max) return Promise.resolve({ ok: false });
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let done = false;
    req.on('data', (c: Buffer) => {
      if (done) return;
      size += c.length;
      if (size > max) {
        done = true;
        req.pause();
        return resolve({ ok: false });
      }
      chunks.push(c);
    });
    req.on('end', () => {
      if (!done) resolve({ ok: true, text: Buffer.concat(chunks).toString('utf8') });
    });
    req.on('error', reject);
  });
}

/** Answers one POST to /mcp (the caller has checked the method and the credentials). */
export async function handleMcp(req: IncomingMessage, res: ServerResponse, snap: Snapshot): Promise<void> {
  const body = await readBody(req, MCP_MAX_BODY);
  if (!body.ok)
    return rpcError(res, 413, -32600, `Request body too large: at most ${MCP_MAX_BODY} bytes`, true);
  let message: unknown;
  try {
    message = JSON.parse(body.text);
  } catch {
    return rpcError(res, 400, -32700, 'Parse error: Invalid JSON');
  }
  if (Array.isArray(message))
    return rpcError(
      res,
      400,
      -32600,
      'Invalid Request: batches are not supported; send one message per request',
    );
  const server = registryMcpServer(snap);
  const transport = new StreamableHTTPServerTransport({
    sessionIdGenerator: undefined,
    enableJsonResponse: true,
  });
  res.once('close', () => {
    void transport.close();
    void server.close();
  });
  await server.connect(transport);
  await transport.handleRequest(req, res, message);
}
