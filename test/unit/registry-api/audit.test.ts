/**
 * The audit line's who and where (SPEC §13): a caller refused with a 403 is named in `principal` (not
 * only inside the message), the probes and the scrape are not audited, and under `--base-path` the
 * path is the one requested, prefix included. An in-process API on loopback with a real audit logger;
 * the kubernetes mode's answers come through the Authenticator's TokenChecker seam (TokenReview itself:
 * kubernetes-auth tests). Also /readyz while the authorization policies cannot decide.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { pino } from 'pino';
import { Registry } from 'prom-client';
import { SnapshotStore } from '../../../src/registry-api/snapshot/snapshot.ts';
import { snapshotOf } from '../../../src/registry-api/snapshot/catalog-entries.ts';
import { startApiServer } from '../../../src/registry-api/server.ts';
import { Authenticator, type AuthResult } from '../../../src/registry-api/access/auth.ts';
import { EntryAuthorizer } from '../../../src/registry-api/access/authorize-entries.ts';
import { audited, auditLogger } from '../../../src/registry-api/access/audit.ts';
import { catalogOfFixture } from './harness.ts';

const STRANGER = 'system:serviceaccount:team-a:stranger';
const REFUSAL = `${STRANGER} may not get mcpregistries/catalog "test" in namespace "team-a"`;
const TOKENS: Record<string, AuthResult> = {
  'tok-reader-51c0': {
    ok: true,
    subject: 'system:serviceaccount:team-a:reader',
    groups: ['system:serviceaccounts'],
  },
  'tok-stranger-9d3a': {
    ok: false,
    status: 403,
    message: REFUSAL,
    subject: STRANGER,
    groups: ['system:serviceaccounts', 'system:serviceaccounts:team-a'],
  },
};

const lines: Record<string, unknown>[] = [];
const sink = new Writable({
  write(chunk: Buffer, _enc, done) {
    for (const l of chunk.toString('utf8').split('\n'))
      if (l) lines.push(JSON.parse(l) as Record<string, unknown>);
    done();
  },
});
const silent = pino({ level: 'silent' });
let dir: string;
const servers: { close: () => Promise<void> }[] = [];
const authorizers: EntryAuthorizer[] = [];

async function start(opts: { basePath?: string; policies?: string } = {}): Promise<string> {
  const store = new SnapshotStore();
  store.set(snapshotOf(catalogOfFixture(), 'x', { registryName: 'test', source: 'test' }));
  const authorizer = opts.policies ? new EntryAuthorizer(opts.policies, silent).start() : undefined;
  if (authorizer) authorizers.push(authorizer);
  const srv = await startApiServer({
    address: '127.0.0.1:0',
    store,
    log: silent,
    auth: new Authenticator({
      kubernetes: { check: async (t) => TOKENS[t] ?? { ok: false, status: 401, message: 'invalid token' } },
    }),
    metricsRegistry: new Registry(),
    authorizer,
    audit: auditLogger(sink),
    basePath: opts.basePath,
  });
  servers.push(srv);
  return srv.url;
}

before(() => {
  dir = mkdtempSync(join(tmpdir(), 'mcpr-audit-'));
});
after(async () => {
  for (const a of authorizers) a.stop();
  for (const s of servers) await s.close();
});

test('which paths are audited: not the probes or the scrape, at the root or under the prefix', () => {
  const cases: [string, string, boolean][] = [
    ['/healthz', '', false],
    ['/readyz', '', false],
    ['/metrics', '', false],
    ['/healthz', '/registry', false],
    ['/registry/healthz', '/registry', false],
    ['/registry/readyz', '/registry', false],
    ['/registry/metrics', '/registry', false],
    ['/v0.1/servers', '', true],
    ['/registry/v0.1/servers', '/registry', true],
    ['/registry', '/registry', true],
    ['/other/healthz', '/registry', true],
    ['/healthz/', '', true],
    ['/registryhealthz', '/registry', true],
  ];
  for (const [path, base, want] of cases) assert.equal(audited(path, base), want, `${base} ${path}`);
});

test('audit lines under --base-path: the path as requested, a 403 names the caller, no probe lines', async () => {
  const url = await start({ basePath: '/registry' });
  lines.length = 0;
  const bearer = (t: string) => ({ Authorization: `Bearer ${t}` });
  const asked: [string, Record<string, string>, number][] = [
    ['/healthz', {}, 200],
    ['/readyz', {}, 200],
    ['/metrics', {}, 200],
    ['/registry/healthz', {}, 200],
    ['/registry/readyz', {}, 200],
    ['/registry/v0.1/servers?limit=2&search=x', bearer('tok-reader-51c0'), 200],
    ['/registry/v0.1/servers', bearer('tok-stranger-9d3a'), 403],
    ['/registry/ui/catalog.json', bearer('tok-stranger-9d3a'), 403],
    ['/registry/v0.1/servers', bearer('tok-nobody'), 401],
    ['/v0.1/servers', bearer('tok-reader-51c0'), 404],
  ];
  for (const [path, headers, status] of asked) {
    const r = await fetch(url + path, { headers });
    await r.arrayBuffer();
    assert.equal(r.status, status, path);
  }
  await new Promise((r) => setTimeout(r, 50)); // the audit destination writes asynchronously
  const stable = lines.map((l) => {
    assert.match(String(l.time), /^\d{4}-\d\d-\d\dT[\d:.]+Z$/);
    assert.equal(typeof l.durationMs, 'number');
    const { time: _t, durationMs: _d, ...rest } = l;
    return rest;
  });
  const common = {
    level: 30,
    logger: 'audit',
    name: 'audit',
    msg: 'request',
    source: '127.0.0.1',
    method: 'GET',
  };
  const stranger = {
    kind: 'serviceaccount',
    name: STRANGER,
    groups: ['system:serviceaccounts', 'system:serviceaccounts:team-a'],
    namespace: 'team-a',
  };
  assert.deepEqual(stable, [
    {
      ...common,
      principal: {
        kind: 'serviceaccount',
        name: 'system:serviceaccount:team-a:reader',
        groups: ['system:serviceaccounts'],
        namespace: 'team-a',
      },
      path: '/registry/v0.1/servers',
      route: '/v0.1/servers',
      status: 200,
      outcome: 'success',
      entries: 2,
    },
    {
      ...common,
      principal: stranger,
      refused: REFUSAL,
      path: '/registry/v0.1/servers',
      route: '/v0.1/servers',
      status: 403,
      outcome: 'forbidden',
      entries: 0,
    },
    {
      ...common,
      principal: stranger,
      refused: REFUSAL,
      path: '/registry/ui/catalog.json',
      status: 403,
      outcome: 'forbidden',
      entries: 0,
    },
    {
      ...common,
      principal: { kind: 'unauthenticated' },
      refused: 'invalid token',
      path: '/registry/v0.1/servers',
      route: '/v0.1/servers',
      status: 401,
      outcome: 'unauthenticated',
      entries: 0,
    },
    {
      ...common,
      principal: { kind: 'unauthenticated' },
      path: '/v0.1/servers',
      status: 404,
      outcome: 'not-found',
      entries: 0,
    },
  ]);
});

test('/readyz is 503 while no valid authorization policies were loaded, and ready once they are', async () => {
  const file = join(dir, 'policies.cedar');
  const url = await start({ policies: file });
  const ready = async () => {
    const r = await fetch(`${url}/readyz`);
    return { status: r.status, body: (await r.json()) as unknown };
  };
  assert.deepEqual(await ready(), {
    status: 503,
    body: {
      error:
        'Not ready: authorization policies not loaded: policies.cedar does not exist (is the ConfigMap there, with that key?)',
    },
  });
  writeFileSync(file, 'permit(principal, action, resource) when { resource.x == };');
  authorizers.at(-1)!.reload();
  const invalid = await ready();
  assert.equal(invalid.status, 503);
  assert.match(
    (invalid.body as { error: string }).error,
    /^Not ready: authorization policies not loaded: unexpected token `}` \(line 1, column 58/,
  );
  writeFileSync(file, '@id("all") permit(principal, action, resource);');
  authorizers.at(-1)!.reload();
  assert.deepEqual(await ready(), { status: 200, body: { status: 'ready' } });
  // A later invalid edit keeps the last valid policies in force: still ready.
  writeFileSync(file, 'permit(');
  authorizers.at(-1)!.reload();
  assert.deepEqual(await ready(), { status: 200, body: { status: 'ready' } });
});
