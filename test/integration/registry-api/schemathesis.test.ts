/**
 * schemathesis (PyPI, installed by test/schemathesis/install.sh into a cache outside the repository)
 * against the registry API serving the ToolHive fixture: once with our /openapi.json and every check,
 * once with the official MCP registry OpenAPI document (taken from the registry's Go module, the one
 * test/upstream-registry builds) and the response checks. Zero failures expected. Bounded: a fixed
 * seed, 10 examples per operation, no stateful phase (the API is read-only: there is no state for
 * links to carry). A negative control proves a non-conforming server fails the same run.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { createServer, type Server } from 'node:http';
import { join, resolve } from 'node:path';

const ROOT = resolve(import.meta.dirname, '../../..');
const CONFIG = join(ROOT, 'test/schemathesis/schemathesis.toml');
const RESPONSE_CHECKS =
  'not_a_server_error,response_schema_conformance,content_type_conformance,response_headers_conformance';

let st: string;
let officialDoc: string;
let api: { url: string; child: ChildProcess };

before(async () => {
  st =
    process.env.MCPR_SCHEMATHESIS_BIN ||
    execFileSync('bash', [join(ROOT, 'test/schemathesis/install.sh')], { encoding: 'utf8' }).trim();
  // The official document as the registry module version test/upstream-registry pins ships it.
  const mod = JSON.parse(
    execFileSync('go', ['mod', 'download', '-json', 'github.com/modelcontextprotocol/registry'], {
      cwd: join(ROOT, 'test/upstream-registry'),
      encoding: 'utf8',
      env: { ...process.env, GOTOOLCHAIN: 'local', GOFLAGS: '-modcacherw' },
    }),
  ) as { Dir: string; Version: string };
  officialDoc = join(mod.Dir, 'docs/reference/api/openapi.yaml');
  api = await serveFixture();
});
after(() => api?.child.kill('SIGTERM'));

/** The real thv-registry-api command (with its metrics) serving the ToolHive fixture on a free port. */
function serveFixture(): Promise<{ url: string; child: ChildProcess }> {
  const child = spawn(
    process.execPath,
    [
      join(ROOT, 'src/bin/thv-registry-api.ts'),
      'serve',
      '--from-file',
      join(ROOT, 'test/fixtures/toolhive-registry/registry-2025-10-22.json'),
      '--registry-name',
      'toolhive',
      '--address',
      '127.0.0.1:0',
      '--log-level',
      'warn',
    ],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let err = '';
  child.stderr?.on('data', (c: Buffer) => (err += c.toString()));
  return new Promise((res, rej) => {
    let out = '';
    child.stdout?.on('data', (c: Buffer) => {
      out += c.toString();
      const m = /listening on (\S+)/.exec(out);
      if (m?.[1]) res({ url: m[1], child });
    });
    child.once('exit', (code) => rej(new Error(`thv-registry-api exited ${code}: ${err}`)));
  });
}

/** Runs schemathesis without blocking this process's event loop (the API under test runs in it). */
function schemathesis(args: string[]): Promise<{ code: number | null; output: string }> {
  return new Promise((res, rej) => {
    const child = spawn(st, ['--no-color', '--config-file', CONFIG, 'run', ...args], {
      cwd: ROOT,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (c: Buffer) => (output += c.toString()));
    child.stderr.on('data', (c: Buffer) => (output += c.toString()));
    child.once('error', rej);
    child.once('exit', (code) => res({ code, output }));
  });
}

const bounded = (baseUrl: string) => [
  '--url',
  baseUrl,
  '--seed',
  '1',
  '-n',
  '10',
  '--phases',
  'examples,coverage,fuzzing',
];
/** The failures and the summary: what a reader of a failed run needs. */
const summary = (output: string) => output.slice(-6000);

test('our /openapi.json: every schemathesis check passes', async () => {
  const r = await schemathesis([`${api.url}/openapi.json`, ...bounded(api.url), '--checks', 'all']);
  assert.equal(r.code, 0, summary(r.output));
  assert.match(r.output, /No issues found/);
  assert.match(r.output, /Selected: 26\/26/, 'every documented operation (with the /v0 twins) was tested');
});

test('the official MCP registry OpenAPI document: the response checks pass', async () => {
  const r = await schemathesis([officialDoc, ...bounded(api.url), '--checks', RESPONSE_CHECKS]);
  assert.equal(r.code, 0, summary(r.output));
  assert.match(r.output, /No issues found/);
  assert.match(r.output, /Selected: 8\/8/);
});

test('negative control: a server whose list body breaks the official schema fails the same run', async () => {
  const bad: Server = createServer((_req, res) =>
    res.writeHead(200, { 'content-type': 'application/json' }).end('{"servers":"none","metadata":{}}'),
  );
  await new Promise<void>((r) => bad.listen(0, '127.0.0.1', r));
  const addr = bad.address();
  const url = `http://127.0.0.1:${typeof addr === 'object' && addr ? addr.port : 0}`;
  try {
    const r = await schemathesis([
      officialDoc,
      ...bounded(url),
      '--checks',
      RESPONSE_CHECKS,
      '--include-path',
      '/v0.1/servers',
      '--max-failures',
      '1',
    ]);
    assert.notEqual(r.code, 0, summary(r.output));
    assert.match(r.output, /Response violates schema/);
  } finally {
    bad.close();
  }
});
