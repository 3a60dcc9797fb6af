/**
 * The real thv-registry-api process with `--authorization-policies` and `--audit` (SPEC §13): the
 * policies file is read at start, reloaded when it changes (a ConfigMap volume's edit), a bad edit keeps
 * the last valid policies and says why in Cedar's words, a missing file refuses every read (fail
 * closed), and the audit lines on stdout never carry the API key.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, renameSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { FIXTURE } from '../ui/fixtures.ts';

const BIN = resolve(import.meta.dirname, '../../../src/bin/thv-registry-api.ts');
const KEY = 'authz-process-key-8c1f0e';
const HIDDEN = 'adb-mysql-mcp-server';
const HIDE = `@id("hide") permit(principal, action, resource) unless { resource.name == "${HIDDEN}" };`;
const SHOW = '@id("show-all") permit(principal, action, resource);';

interface Api {
  url: string;
  lines: Record<string, unknown>[];
  child: ChildProcess;
}
let dir: string;
const running: ChildProcess[] = [];

async function start(policies: string): Promise<Api> {
  const child = spawn(
    process.execPath,
    [
      BIN,
      'serve',
      '--from-file',
      FIXTURE,
      '--address',
      '127.0.0.1:0',
      '--api-keys-file',
      join(dir, 'keys'),
    ].concat(['--authorization-policies', policies, '--audit']),
    { stdio: ['ignore', 'pipe', 'inherit'] },
  );
  running.push(child);
  const lines: Record<string, unknown>[] = [];
  const url = await new Promise<string>((res, rej) => {
    let buf = '';
    child.stdout!.on('data', (c: Buffer) => {
      buf += c.toString();
      let nl;
      while ((nl = buf.indexOf('\n')) >= 0) {
        const line = buf.slice(0, nl);
        buf = buf.slice(nl + 1);
        const m = /^listening on (\S+)/.exec(line);
        if (m?.[1]) res(m[1]);
        else if (line.startsWith('{')) lines.push(JSON.parse(line) as Record<string, unknown>);
      }
    });
    child.once('exit', (code) => rej(new Error(`thv-registry-api exited with code ${code}`)));
  });
  return { url, lines, child };
}

async function until<T>(what: string, f: () => Promise<T | undefined>): Promise<T> {
  for (let i = 0; i < 300; i++) {
    const v = await f();
    if (v !== undefined) return v;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`timed out waiting for ${what}`);
}

const get = (api: Api, path: string) => fetch(api.url + path, { headers: { 'X-API-Key': KEY } });

before(() => {
  dir = mkdtempSync(join(tmpdir(), 'mcpr-authz-proc-'));
  writeFileSync(join(dir, 'keys'), `${KEY}\n`);
});
after(() => {
  for (const c of running) c.kill('SIGTERM');
});

test('policies apply at start, reload on change, and a bad edit keeps the last valid ones', async () => {
  const file = join(dir, 'policies.cedar');
  writeFileSync(file, HIDE);
  const api = await start(file);
  const status = (path: string) => get(api, path).then((r) => r.status);
  await until('the catalog', async () => ((await status('/readyz')) === 200 ? true : undefined));
  assert.equal(await status(`/api/v1/registry/servers/${HIDDEN}`), 404);
  // Replaced the way the kubelet updates a ConfigMap volume: a new file renamed over the old one.
  writeFileSync(`${file}.new`, SHOW);
  renameSync(`${file}.new`, file);
  await until('the new policies', async () =>
    (await status(`/api/v1/registry/servers/${HIDDEN}`)) === 200 ? true : undefined,
  );
  writeFileSync(`${file}.new`, 'permit(principal, action, resource) when { resource.x == };');
  renameSync(`${file}.new`, file);
  const logged = await until('the refusal in the log', async () =>
    api.lines.find((l) => l.msg === 'invalid authorization policies; the previous ones stay in force'),
  );
  assert.match(String(logged.err), /^unexpected token `}` \(line 1, column 58/);
  assert.equal(await status(`/api/v1/registry/servers/${HIDDEN}`), 200, 'the last valid policies stay');

  const audit = api.lines.filter((l) => l.logger === 'audit');
  assert.ok(audit.length >= 3, JSON.stringify(audit));
  assert.deepEqual(
    audit.find((l) => l.status === 404 && l.path === `/api/v1/registry/servers/${HIDDEN}`),
    {
      ...audit.find((l) => l.status === 404),
      principal: { kind: 'apikey', name: 'api-key' },
      decision: 'deny',
      policies: ['hide'],
      entries: 0,
    },
  );
  assert.equal(JSON.stringify(api.lines).includes(KEY), false, 'the API key is in a log line');
});

test('without a policies file every read is refused, naming it (fail closed)', async () => {
  const api = await start(join(dir, 'absent.cedar'));
  const r = await until('an answer', async () => {
    const x = await get(api, '/v0.1/servers');
    return x.status === 503 && (await x.text()).includes('authorization') ? x : undefined;
  });
  assert.equal(r.status, 503);
  const body = (await (await get(api, '/v0.1/servers')).json()) as { error: string };
  assert.equal(
    body.error,
    'authorization policies not loaded: absent.cedar does not exist (is the ConfigMap there, with that key?)',
  );
  // The audit line is written after the answer: read once it has arrived on the process's stdout.
  const line = await until('the audit line', async () =>
    api.lines.find((l) => l.logger === 'audit' && l.status === 503),
  );
  assert.equal(line?.decision, 'unavailable');
  assert.equal(line?.outcome, 'error');
});
