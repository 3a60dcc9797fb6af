/**
 * The registry as an MCP server (SPEC §14): real thv-registry-api processes serving the 88-server
 * ToolHive fixture (anonymous) and a 10,000-server catalog made from it (API keys), read with the
 * official SDK's client over Streamable HTTP and with the MCP Inspector's CLI mode (npm, installed by
 * test/mcp-inspector/install.sh). Every tool answer is compared with the REST API's answer from the
 * same process, so nothing expected is hard-coded; the bounds (body size, batches, page size, methods)
 * are checked with raw requests, and the process must still answer afterwards.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { REPO, startApi, type ApiProcess } from '../ui/browser.ts';
import { FIXTURE, writeScaledFixture } from '../ui/fixtures.ts';
import { rawExchange } from '../../support/raw-http.ts';

const KEY = 'mcp-test-key';
interface Served {
  name: string;
  api: ApiProcess;
  key?: string;
}
let small: Served;
let big: Served;
let dir: string;

before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'mcpr-mcp-'));
  writeFileSync(join(dir, 'keys'), `${KEY}\n`);
  const [a, b] = await Promise.all([
    startApi(FIXTURE),
    startApi(writeScaledFixture(dir, 10_000), ['--api-keys-file', join(dir, 'keys')]),
  ]);
  small = { name: '88 servers, anonymous', api: a };
  big = { name: '10,000 servers, API key', api: b, key: KEY };
});
after(async () => {
  await Promise.all([small?.api.stop(), big?.api.stop()]);
});

const auth = (key?: string): Record<string, string> => (key ? { Authorization: `Bearer ${key}` } : {});

async function connect(s: Served, key = s.key): Promise<Client> {
  const client = new Client({ name: 'mcpregistry-test', version: '1.0.0' });
  const transport = new StreamableHTTPClientTransport(new URL(`${s.api.url}/mcp`), {
    requestInit: { headers: auth(key) },
  });
  await client.connect(transport);
  return client;
}

async function rest(s: Served, path: string): Promise<Record<string, unknown>> {
  const r = await fetch(s.api.url + path, { headers: auth(s.key) });
  assert.equal(r.status, 200, path);
  return (await r.json()) as Record<string, unknown>;
}

type Result = { content: { type: string; text: string }[]; structuredContent?: unknown; isError?: boolean };
async function call(c: Client, name: string, args: Record<string, unknown>): Promise<Result> {
  return (await c.callTool({ name, arguments: args })) as Result;
}

/** A tool's JSON: the structured content, and the same JSON as the second text item. */
function json(r: Result): Record<string, unknown> {
  assert.notEqual(r.isError, true, r.content[0]?.text);
  assert.deepEqual(JSON.parse(r.content[1]!.text), r.structuredContent);
  return r.structuredContent as Record<string, unknown>;
}

type ServerResponse = { server: { name: string; version: string; packages?: unknown; remotes?: unknown } };
type List = { servers: ServerResponse[]; metadata: { count: number; nextCursor?: string } };

/** Every server through the REST API (upstream shape), for expectations computed from the served data. */
async function everyServer(s: Served): Promise<ServerResponse[]> {
  const out: ServerResponse[] = [];
  let cursor: string | undefined;
  do {
    const body = (await rest(
      s,
      `/api/v1/registry/servers?format=upstream&limit=1000${cursor ? `&cursor=${cursor}` : ''}`,
    )) as unknown as List;
    out.push(...body.servers);
    cursor = body.metadata.nextCursor;
  } while (cursor);
  return out;
}

const transportsOf = (s: ServerResponse['server']): string[] => [
  ...((s.packages as { transport?: { type?: string } }[] | undefined) ?? []).map(
    (p) => p.transport?.type ?? '',
  ),
  ...((s.remotes as { type?: string }[] | undefined) ?? []).map((r) => r.type ?? ''),
];

test('tools/list: three read-only tools, on both catalogs', async () => {
  for (const s of [small, big]) {
    const c = await connect(s);
    try {
      const { tools } = await c.listTools();
      assert.deepEqual(
        tools.map((t) => [t.name, t.annotations?.readOnlyHint, t.annotations?.destructiveHint]),
        [
          ['search_servers', true, false],
          ['get_server', true, false],
          ['list_server_versions', true, false],
        ],
        s.name,
      );
    } finally {
      await c.close();
    }
  }
});

test('every tool answers what the REST API answers, on the 88- and the 10,000-server catalogs', async () => {
  for (const s of [small, big]) {
    const c = await connect(s);
    try {
      const all = await everyServer(s);
      // search by text: the REST /api/v1 search in the upstream shape, page for page
      const hit = json(await call(c, 'search_servers', { query: 'FETCH', limit: 5 })) as unknown as List;
      assert.deepEqual(
        hit,
        await rest(s, '/api/v1/registry/servers?search=fetch&limit=5&format=upstream'),
        s.name,
      );
      // tags
      const tag = 'database';
      const tagged = json(await call(c, 'search_servers', { tags: [tag], limit: 50 }));
      assert.deepEqual(tagged, await rest(s, `/api/v1/registry/servers?tag=${tag}&limit=50&format=upstream`));
      // transport, through every page: the servers whose packages or remotes use it
      for (const transport of ['stdio', 'streamable-http', 'sse'] as const) {
        const want = all.filter((e) => transportsOf(e.server).includes(transport)).map((e) => e.server.name);
        const got: string[] = [];
        let cursor: string | undefined;
        do {
          const r = await call(c, 'search_servers', { transport, limit: 50, ...(cursor && { cursor }) });
          const page = json(r) as unknown as List;
          got.push(...page.servers.map((e) => e.server.name));
          cursor = page.metadata.nextCursor;
          assert.match(r.content[0]!.text, new RegExp(`^${page.servers.length} servers?`));
        } while (cursor);
        assert.deepEqual(got, want, `${s.name}: transport ${transport}`);
        assert.ok(want.length > 0, `${s.name}: the catalog has ${transport} servers`);
      }
      // one server, latest or its version, and its versions
      for (const e of [all[0]!, all[Math.floor(all.length / 2)]!, all[all.length - 1]!]) {
        const enc = encodeURIComponent(e.server.name);
        const latest = await rest(s, `/v0.1/servers/${enc}/versions/latest`);
        const got = await call(c, 'get_server', { name: e.server.name });
        assert.deepEqual(json(got), latest);
        assert.match(
          got.content[0]!.text,
          new RegExp(`^${e.server.name.replace(/[.]/g, '\\.')} ${e.server.version}`),
        );
        assert.deepEqual(
          json(await call(c, 'get_server', { name: e.server.name, version: e.server.version })),
          latest,
        );
        assert.deepEqual(
          json(await call(c, 'list_server_versions', { name: e.server.name })),
          await rest(s, `/v0.1/servers/${enc}/versions`),
        );
        const missing = await call(c, 'get_server', { name: e.server.name, version: '0.0.0-none' });
        assert.deepEqual(missing, {
          content: [{ type: 'text', text: `Server not found: ${e.server.name} version 0.0.0-none` }],
          isError: true,
        });
      }
      assert.deepEqual(await call(c, 'list_server_versions', { name: 'io.example/none' }), {
        content: [{ type: 'text', text: 'Server not found: io.example/none' }],
        isError: true,
      });
      assert.deepEqual(await call(c, 'search_servers', { cursor: 'not-a-cursor' }), {
        content: [
          { type: 'text', text: 'Invalid cursor parameter: pass the nextCursor of a previous search' },
        ],
        isError: true,
      });
      assert.deepEqual(await call(c, 'search_servers', { limit: 51 }), {
        content: [
          {
            type: 'text',
            text: 'MCP error -32602: Input validation error: Invalid arguments for tool search_servers: Too big: expected number to be <=50 at limit',
          },
        ],
        isError: true,
      });
    } finally {
      await c.close();
    }
  }
});

test('paging the 10,000-server catalog with search_servers returns every server once', async () => {
  const c = await connect(big);
  try {
    const names: string[] = [];
    let cursor: string | undefined;
    do {
      const page = json(
        await call(c, 'search_servers', { limit: 50, ...(cursor && { cursor }) }),
      ) as unknown as List;
      assert.ok(page.servers.length <= 50);
      names.push(...page.servers.map((e) => e.server.name));
      cursor = page.metadata.nextCursor;
    } while (cursor);
    assert.deepEqual(
      names,
      (await everyServer(big)).map((e) => e.server.name),
    );
    assert.equal(new Set(names).size, 10_000);
  } finally {
    await c.close();
  }
});

const INIT = {
  jsonrpc: '2.0',
  id: 1,
  method: 'initialize',
  params: { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 'raw', version: '1' } },
};
const MCP_HEADERS = { 'Content-Type': 'application/json', Accept: 'application/json, text/event-stream' };

async function raw(s: Served, init: RequestInit & { headers?: Record<string, string> }, key = s.key) {
  const r = await fetch(`${s.api.url}/mcp`, {
    ...init,
    headers: { ...MCP_HEADERS, ...auth(key), ...init.headers },
  });
  return { status: r.status, allow: r.headers.get('allow'), body: await r.text() };
}

test('/mcp takes the API credentials: refused without or with a wrong key, like the REST API', async () => {
  await assert.rejects(
    connect(big, '').then((c) => c.close()),
    {
      code: 401,
      message:
        'Streamable HTTP error: Error POSTing to endpoint: {"error":"Unauthorized: authentication required"}',
    },
  );
  const body = JSON.stringify(INIT);
  assert.deepEqual(await raw(big, { method: 'POST', body }, ''), {
    status: 401,
    allow: null,
    body: '{"error":"Unauthorized: authentication required"}',
  });
  assert.deepEqual(await raw(big, { method: 'POST', body }, 'wrong'), {
    status: 401,
    allow: null,
    body: '{"error":"Unauthorized: invalid API key"}',
  });
  assert.equal((await raw(big, { method: 'POST', body })).status, 200);
});

test('/mcp bounds: body size, batches, JSON, methods; the process keeps answering', async () => {
  const s = small;
  const big64k = JSON.stringify({ ...INIT, params: { ...INIT.params, pad: 'x'.repeat(64 * 1024) } });
  assert.deepEqual(await raw(s, { method: 'POST', body: big64k }), {
    status: 413,
    allow: null,
    body: '{"jsonrpc":"2.0","error":{"code":-32600,"message":"Request body too large: at most 65536 bytes"},"id":null}',
  });
  // Without a Content-Length (chunked, 2 MB): cut off at the bound as well.
  const { port } = new URL(s.api.url);
  const chunk = ' '.repeat(16 * 1024);
  const chunked =
    `POST /mcp HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nAccept: application/json, text/event-stream\r\nTransfer-Encoding: chunked\r\n\r\n` +
    `${chunk.length.toString(16)}\r\n${chunk}\r\n`.repeat(128) +
    '0\r\n\r\n';
  const streamed = await rawExchange({ host: '127.0.0.1', port: Number(port) }, chunked);
  assert.equal(streamed.status, 413);
  assert.equal(
    streamed.body,
    '{"jsonrpc":"2.0","error":{"code":-32600,"message":"Request body too large: at most 65536 bytes"},"id":null}',
  );
  const batch = JSON.stringify(Array.from({ length: 3 }, (_, i) => ({ ...INIT, id: i })));
  assert.deepEqual(await raw(s, { method: 'POST', body: batch }), {
    status: 400,
    allow: null,
    body: '{"jsonrpc":"2.0","error":{"code":-32600,"message":"Invalid Request: batches are not supported; send one message per request"},"id":null}',
  });
  assert.deepEqual(await raw(s, { method: 'POST', body: '{"jsonrpc":' }), {
    status: 400,
    allow: null,
    body: '{"jsonrpc":"2.0","error":{"code":-32700,"message":"Parse error: Invalid JSON"},"id":null}',
  });
  for (const method of ['GET', 'DELETE', 'PUT'])
    assert.deepEqual(await raw(s, { method }), {
      status: 405,
      allow: 'POST',
      body: `{"error":"Method ${method} not allowed; use POST"}`,
    });
  // Deep nesting within the bound: refused by validation, never a stack overflow.
  const nested = '{"a":'.repeat(10_000) + '1' + '}'.repeat(10_000);
  const deepArgs = await raw(s, {
    method: 'POST',
    body: `{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"search_servers","arguments":{"query":${nested}}}}`,
  });
  assert.equal(deepArgs.status, 200);
  assert.match(
    deepArgs.body,
    /^\{"result":\{"content":\[\{"type":"text","text":"MCP error -32602: Input validation error: Invalid arguments for tool search_servers: Invalid input: expected string/,
  );
  assert.deepEqual(
    await raw(s, { method: 'POST', body: `{"jsonrpc":"2.0","id":${nested},"method":"tools/list"}` }),
    {
      status: 400,
      allow: null,
      body: '{"jsonrpc":"2.0","error":{"code":-32700,"message":"Parse error: Invalid JSON-RPC message"},"id":null}',
    },
  );
  const health = await fetch(`${s.api.url}/healthz`);
  assert.equal(health.status, 200);
  // The same answer as before the abuse.
  const c = await connect(s);
  try {
    assert.equal((await c.listTools()).tools.length, 3);
  } finally {
    await c.close();
  }
});

test('the MCP Inspector CLI lists the tools and calls one, with the API key', async () => {
  const bin =
    process.env.MCPR_MCP_INSPECTOR_BIN ||
    execFileSync('bash', [join(REPO, 'test/mcp-inspector/install.sh')], { encoding: 'utf8' }).trim();
  const inspector = (...args: string[]) =>
    JSON.parse(
      execFileSync(
        process.execPath,
        [bin, '--cli', `${big.api.url}/mcp`, '--header', `Authorization: Bearer ${KEY}`, ...args],
        // Its catalog file goes to a scratch home, never the user's.
        { encoding: 'utf8', env: { ...process.env, HOME: dir, MCP_CATALOG_PATH: join(dir, 'mcp.json') } },
      ),
    ) as Record<string, unknown>;
  const listed = inspector('--method', 'tools/list') as { tools: { name: string }[] };
  assert.deepEqual(
    listed.tools.map((t) => t.name),
    ['search_servers', 'get_server', 'list_server_versions'],
  );
  const name = (await everyServer(big))[123]!.server.name;
  const got = inspector(
    '--method',
    'tools/call',
    '--tool-name',
    'get_server',
    '--tool-arg',
    `name=${name}`,
  ) as {
    structuredContent: unknown;
  };
  assert.deepEqual(
    got.structuredContent,
    await rest(big, `/v0.1/servers/${encodeURIComponent(name)}/versions/latest`),
  );
});
