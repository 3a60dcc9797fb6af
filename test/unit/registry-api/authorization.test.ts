/**
 * Per-entry authorization and the audit log over HTTP (SPEC §13), on an in-process API on loopback
 * serving the ToolHive fixture. Callers: an API key (a real keys file) and bearer tokens answered
 * through the Authenticator's TokenChecker seam (the kubernetes mode's: TokenReview itself is covered
 * by kubernetes-auth.test.ts and the integration tests). Policies come from a real file the API
 * watches. A hidden entry must be absent from every listing form and a 404 exactly like a missing one.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { pino } from 'pino';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { SnapshotStore } from '../../../src/registry-api/snapshot/snapshot.ts';
import { snapshotOf } from '../../../src/registry-api/snapshot/catalog-entries.ts';
import { startApiServer } from '../../../src/registry-api/server.ts';
import { Authenticator, type AuthResult } from '../../../src/registry-api/access/auth.ts';
import { EntryAuthorizer } from '../../../src/registry-api/access/authorize-entries.ts';
import { auditLogger } from '../../../src/registry-api/access/audit.ts';
import { catalogOfFixture } from './harness.ts';

const KEY = 'k-5d1e0c2f-secret-api-key';
const TOKENS: Record<string, AuthResult> = {
  'tok-staff-0a9f': { ok: true, subject: 'alice', groups: ['staff'] },
  'tok-plain-77b1': { ok: true, subject: 'bob', groups: ['dev'] },
  'tok-noperm-3c2e': { ok: false, status: 403, message: 'bob may not read this catalog' },
};
const HIDDEN = 'adb-mysql-mcp-server';
const HIDDEN_SERVER_NAME = 'io.github.stacklok/adb-mysql-mcp-server';
const POLICIES = `
@id("everyone") permit(principal, action, resource) unless { resource.name == "${HIDDEN}" };
@id("staff") permit(principal in Group::"staff", action, resource);
`;

const lines: Record<string, unknown>[] = [];
const sink = new Writable({
  write(chunk: Buffer, _enc, done) {
    for (const l of chunk.toString('utf8').split('\n'))
      if (l) lines.push(JSON.parse(l) as Record<string, unknown>);
    done();
  },
});
let url = '';
let close: () => Promise<void>;
let authorizer: EntryAuthorizer;
let dir: string;

before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'mcpr-authz-'));
  writeFileSync(join(dir, 'keys'), `${KEY}\n`);
  writeFileSync(join(dir, 'policies.cedar'), POLICIES);
  const catalog = catalogOfFixture();
  const store = new SnapshotStore();
  store.set(snapshotOf(catalog, 'x', { registryName: 'test', source: 'test' }));
  const silent = pino({ level: 'silent' });
  authorizer = new EntryAuthorizer(join(dir, 'policies.cedar'), silent).start();
  const srv = await startApiServer({
    address: '127.0.0.1:0',
    store,
    log: silent,
    auth: new Authenticator({
      apiKeysFile: join(dir, 'keys'),
      kubernetes: {
        check: async (t) => {
          if (t === 'tok-throws') throw new Error('review failed');
          return TOKENS[t] ?? { ok: false, message: 'invalid token' };
        },
      },
    }),
    authorizer,
    audit: auditLogger(sink),
  });
  url = srv.url;
  close = srv.close;
});
after(async () => {
  authorizer.stop();
  await close();
});

const as = (token: string) => ({ Authorization: `Bearer ${token}` });
const get = (path: string, token: string) => fetch(url + path, { headers: as(token) });
async function json(path: string, token: string): Promise<Record<string, unknown>> {
  const r = await get(path, token);
  assert.equal(r.status, 200, path);
  return (await r.json()) as Record<string, unknown>;
}
const names = (body: Record<string, unknown>) =>
  (body.servers as { name?: string; server?: { name: string } }[]).map((s) => s.name ?? s.server!.name);

/** Every form a listing takes; each must leave the hidden entry out for `bob` and keep it for `alice`. */
const LISTINGS: [string, (b: Record<string, unknown>) => boolean][] = [
  ['/api/v1/registry/servers?limit=1000', (b) => names(b).includes(HIDDEN)],
  ['/api/v1/registry/servers?search=adb', (b) => names(b).includes(HIDDEN)],
  ['/api/v1/registry/servers?tag=mysql', (b) => names(b).includes(HIDDEN)],
  ['/api/v1/registry/servers?format=upstream&limit=1000', (b) => names(b).includes(HIDDEN_SERVER_NAME)],
  ['/v0.1/servers?limit=100', (b) => JSON.stringify(b).includes(HIDDEN)],
  ['/v0.1/servers?search=adb-mysql', (b) => names(b).includes(HIDDEN_SERVER_NAME)],
  ['/ui/catalog.json', (b) => JSON.stringify(b).includes(HIDDEN)],
];

test('a hidden entry is absent from every listing form and every count; a permitted caller sees it', async () => {
  // The permitted caller first: its cached bodies must never reach the other caller.
  const staffInfo = await json('/api/v1/registry/info', 'tok-staff-0a9f');
  const plainInfo = await json('/api/v1/registry/info', 'tok-plain-77b1');
  assert.equal(plainInfo.serverCount, (staffInfo.serverCount as number) - 1);
  for (const [path, holds] of LISTINGS) {
    assert.equal(holds(await json(path, 'tok-staff-0a9f')), true, `alice, ${path}`);
    assert.equal(holds(await json(path, 'tok-plain-77b1')), false, `bob, ${path}`);
    assert.equal(holds(await json(path, 'tok-staff-0a9f')), true, `alice again, ${path}`);
  }
  const summary = await json('/ui/catalog.json', 'tok-plain-77b1');
  assert.equal(
    JSON.stringify(summary).includes('data-warehouse'),
    false,
    'no facet counts a hidden entry’s tags',
  );
});

test('a hidden entry is a 404 exactly like a missing one, on every by-name route and the page', async () => {
  const pairs: [string, string][] = [
    [`/api/v1/registry/servers/${HIDDEN}`, '/api/v1/registry/servers/no-such-server'],
    [
      `/v0.1/servers/${encodeURIComponent(HIDDEN_SERVER_NAME)}/versions`,
      '/v0.1/servers/io.github.x%2Fnone/versions',
    ],
    [`/v0.1/servers/${HIDDEN}/versions/latest`, '/v0.1/servers/no-such-server/versions/latest'],
    [`/servers/${HIDDEN}`, '/servers/no-such-server'],
  ];
  for (const [hidden, missing] of pairs) {
    const [h, m] = [await get(hidden, 'tok-plain-77b1'), await get(missing, 'tok-plain-77b1')];
    assert.equal(h.status, 404, hidden);
    assert.equal(m.status, 404, missing);
    const [hb, mb] = [await h.text(), await m.text()];
    if (!hidden.startsWith('/servers/')) assert.deepEqual(JSON.parse(hb), JSON.parse(mb), hidden);
    assert.equal((await get(hidden, 'tok-staff-0a9f')).status, 200, `alice, ${hidden}`);
  }
  // The page shell is open: without credentials it answers as the anonymous caller would (no oracle).
  assert.equal((await fetch(`${url}/servers/${HIDDEN}`)).status, 404);
});

test('/mcp tools show only what the caller may read', async () => {
  for (const [token, visible] of [
    ['tok-plain-77b1', false],
    ['tok-staff-0a9f', true],
  ] as const) {
    const client = new Client({ name: 'authz-test', version: '1.0.0' });
    await client.connect(
      new StreamableHTTPClientTransport(new URL(`${url}/mcp`), { requestInit: { headers: as(token) } }),
    );
    const search = (await client.callTool({
      name: 'search_servers',
      arguments: { query: 'adb', limit: 50 },
    })) as unknown as {
      structuredContent: { servers: { server: { name: string } }[] };
    };
    assert.equal(
      search.structuredContent.servers.some((s) => s.server.name === HIDDEN_SERVER_NAME),
      visible,
      token,
    );
    for (const name of ['get_server', 'list_server_versions']) {
      const r = (await client.callTool({ name, arguments: { name: HIDDEN } })) as {
        isError?: boolean;
        content: { text: string }[];
      };
      const missing = (await client.callTool({ name, arguments: { name: 'no-such-server' } })) as {
        content: { text: string }[];
      };
      assert.equal(r.isError === true, !visible, `${token} ${name}`);
      if (!visible)
        assert.equal(r.content[0]!.text, missing.content[0]!.text.replace('no-such-server', HIDDEN), name);
    }
    await client.close();
  }
});

test('audit: one line per request for each outcome, with AU-3 fields and never a credential', async () => {
  lines.length = 0;
  const asked: [string, Record<string, string>][] = [
    ['/v0.1/servers?limit=5', as('tok-plain-77b1')],
    ['/api/v1/registry/servers/' + HIDDEN, as('tok-plain-77b1')],
    ['/api/v1/registry/servers/no-such-server', as('tok-plain-77b1')],
    ['/api/v1/registry/servers/' + HIDDEN, { 'X-API-Key': KEY }],
    ['/api/v1/registry/servers', {}],
    ['/api/v1/registry/servers', as('tok-garbage-9f8e7d')],
    ['/api/v1/registry/servers', as('tok-noperm-3c2e')],
    ['/api/v1/registry/servers', as('tok-throws')],
  ];
  for (const [path, headers] of asked) await (await fetch(url + path, { headers })).arrayBuffer();
  await new Promise((r) => setTimeout(r, 50)); // the audit destination writes asynchronously
  assert.equal(lines.length, asked.length, JSON.stringify(lines));
  const pick = (l: Record<string, unknown>) => [
    l.status,
    l.outcome,
    l.principal,
    l.decision,
    l.entries,
    l.policies,
  ];
  assert.deepEqual(lines.map(pick), [
    [200, 'success', { kind: 'user', name: 'bob', groups: ['dev'] }, 'filtered', 5, ['everyone']],
    [404, 'not-found', { kind: 'user', name: 'bob', groups: ['dev'] }, 'deny', 0, ['everyone']],
    [404, 'not-found', { kind: 'user', name: 'bob', groups: ['dev'] }, 'filtered', 0, ['everyone']],
    [404, 'not-found', { kind: 'apikey', name: 'api-key' }, 'deny', 0, ['everyone']],
    [401, 'unauthenticated', { kind: 'unauthenticated' }, undefined, 0, undefined],
    [401, 'unauthenticated', { kind: 'unauthenticated' }, undefined, 0, undefined],
    [403, 'forbidden', { kind: 'unauthenticated' }, undefined, 0, undefined],
    [500, 'error', { kind: 'unauthenticated' }, undefined, 0, undefined],
  ]);
  for (const l of lines) {
    assert.equal(l.logger, 'audit');
    assert.match(String(l.time), /^\d{4}-\d\d-\d\dT/);
    assert.equal(l.source, '127.0.0.1');
    assert.equal(l.method, 'GET');
    assert.equal(typeof l.path, 'string');
  }
  const text = lines.map((l) => JSON.stringify(l)).join('\n');
  for (const secret of [KEY, 'tok-plain-77b1', 'tok-garbage-9f8e7d', 'tok-noperm-3c2e', 'tok-throws'])
    assert.equal(text.includes(secret), false, `${secret} in the audit log`);
});

test('policies that cannot load refuse every read (fail closed); a later bad file keeps the good ones', async () => {
  const silent = pino({ level: 'silent' });
  const missing = new EntryAuthorizer(join(dir, 'absent.cedar'), silent).start();
  assert.equal(
    missing.problem,
    'authorization policies not loaded: absent.cedar does not exist (is the ConfigMap there, with that key?)',
  );
  missing.stop();
  writeFileSync(join(dir, 'bad.cedar'), 'permit(principal, action, resource) when { resource.x == };');
  const bad = new EntryAuthorizer(join(dir, 'bad.cedar'), silent).start();
  assert.match(
    bad.problem ?? '',
    /^authorization policies not loaded: unexpected token `}` \(line 1, column 58/,
  );
  bad.use(POLICIES);
  assert.equal(bad.problem, undefined);
  bad.reload(); // the bad text again: the good policies stay
  assert.deepEqual(bad.policyIds, ['everyone', 'staff']);
  bad.stop();
});
