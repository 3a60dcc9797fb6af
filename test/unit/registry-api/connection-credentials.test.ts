/**
 * An answer remembered per keep-alive connection (access/connection-credentials.ts) is given again only
 * to the same credential on the same connection, and only while it holds. The decisions as a table;
 * then over ONE real keep-alive connection to an in-process API with Cedar policies and `oidc` auth
 * against a real issuer on loopback (jose keys, discovery + JWKS), where two callers who see different
 * entries take turns, a refused token follows an accepted one, a token's cache time runs out and an
 * API key is revoked.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { Agent, createServer, request, type Server } from 'node:http';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { SignJWT, exportJWK, generateKeyPair } from 'jose';
import { ConnectionCredentials } from '../../../src/registry-api/access/connection-credentials.ts';
import { Authenticator, type AuthResult } from '../../../src/registry-api/access/auth.ts';
import { OidcVerifier } from '../../../src/registry-api/access/oidc.ts';
import { EntryAuthorizer } from '../../../src/registry-api/access/authorize-entries.ts';
import { SnapshotStore } from '../../../src/registry-api/snapshot/snapshot.ts';
import { snapshotOf } from '../../../src/registry-api/snapshot/catalog-entries.ts';
import { startApiServer } from '../../../src/registry-api/server.ts';
import { parsePolicy } from '../../../src/admission/policy/policy.ts';
import { setSourcePolicy, sourcePolicy } from '../../../src/sources/destinations/destinations.ts';
import { catalogOfFixture } from './harness.ts';

const ALICE = Object.freeze({ ok: true as const, subject: 'alice' });
const BOB = Object.freeze({ ok: true as const, subject: 'bob' });

type Step = ['remember', string | undefined, AuthResult & { ok: true }] | ['recall', string | undefined];
/** [case, steps on one connection, what the last recall answers, with the answer holding or not]. */
const DECISIONS: [string, Step[], AuthResult | undefined, boolean][] = [
  ['nothing remembered', [['recall', 'Bearer a']], undefined, true],
  [
    'the same header again',
    [
      ['remember', 'Bearer a', ALICE],
      ['recall', 'Bearer a'],
    ],
    ALICE,
    true,
  ],
  [
    'the same header, no longer holding',
    [
      ['remember', 'Bearer a', ALICE],
      ['recall', 'Bearer a'],
    ],
    undefined,
    false,
  ],
  [
    'another header',
    [
      ['remember', 'Bearer a', ALICE],
      ['recall', 'Bearer b'],
    ],
    undefined,
    true,
  ],
  [
    'no header after one',
    [
      ['remember', 'Bearer a', ALICE],
      ['recall', undefined],
    ],
    undefined,
    true,
  ],
  [
    'the first header again after another one came (the connection is shared from then on)',
    [
      ['remember', 'Bearer a', ALICE],
      ['recall', 'Bearer b'],
      ['recall', 'Bearer a'],
    ],
    undefined,
    true,
  ],
  [
    'a second caller remembered on a shared connection',
    [
      ['remember', 'Bearer a', ALICE],
      ['remember', 'Bearer b', BOB],
      ['recall', 'Bearer b'],
    ],
    undefined,
    true,
  ],
];
for (const [name, steps, want, holding] of DECISIONS)
  test(`ConnectionCredentials: ${name}`, () => {
    const memory = new ConnectionCredentials();
    const connection = {};
    let got: AuthResult | undefined;
    for (const s of steps)
      if (s[0] === 'remember') memory.remember(connection, s[1], undefined, s[2]);
      else got = memory.recall(connection, s[1], undefined, () => holding);
    assert.equal(got, want);
    // Another connection never sees what this one remembered.
    assert.equal(
      memory.recall({}, 'Bearer a', undefined, () => true),
      undefined,
    );
  });

const AUD = 'mcp-registry';
const KEY = 'k-9b3e-connection-key';
const HIDDEN = 'adb-mysql-mcp-server';
const POLICIES = `
@id("everyone") permit(principal, action, resource) unless { resource.name == "${HIDDEN}" };
@id("staff") permit(principal in Group::"staff", action, resource);
`;
const original = sourcePolicy();
let issuer: Server;
let url = '';
let close: () => Promise<void>;
let authorizer: EntryAuthorizer;
let auth: Authenticator;
let dir: string;
let clock = Date.now();
let checks = 0;
let sign: (sub: string, groups: string[]) => Promise<string>;

before(async () => {
  const pair = await generateKeyPair('ES256', { extractable: true });
  const jwk = { ...(await exportJWK(pair.publicKey)), kid: 'k1', alg: 'ES256', use: 'sig' };
  let iss = '';
  issuer = createServer((req, res) => {
    const body =
      req.url === '/.well-known/openid-configuration'
        ? { issuer: iss, jwks_uri: `${iss}/jwks` }
        : req.url === '/jwks'
          ? { keys: [jwk] }
          : undefined;
    if (!body) return res.writeHead(404).end();
    res.writeHead(200, { 'Content-Type': 'application/json' }).end(JSON.stringify(body));
  });
  await new Promise<void>((r) => issuer.listen(0, '127.0.0.1', r));
  const addr = issuer.address();
  iss = `http://127.0.0.1:${typeof addr === 'object' && addr ? addr.port : 0}`;
  setSourcePolicy(parsePolicy('allowHTTP: true\nallowedCIDRs: ["127.0.0.1/32"]\n'));
  sign = (sub, groups) =>
    new SignJWT({ groups })
      .setProtectedHeader({ alg: 'ES256', kid: 'k1' })
      .setSubject(sub)
      .setIssuer(iss)
      .setAudience(AUD)
      .setExpirationTime('10m')
      .sign(pair.privateKey);
  dir = mkdtempSync(join(tmpdir(), 'mcpr-conn-'));
  writeFileSync(join(dir, 'keys'), `${KEY}\n`);
  writeFileSync(join(dir, 'policies.cedar'), POLICIES);
  const verifier = new OidcVerifier({
    issuer: iss,
    audiences: [AUD],
    groupsClaim: 'groups',
    now: () => clock,
  });
  auth = new Authenticator({
    apiKeysFile: join(dir, 'keys'),
    // The real verifier, counted: a remembered answer is one the verifier was not asked for.
    oidc: { check: (t) => (checks++, verifier.check(t)), reusable: (r) => verifier.reusable(r) },
  });
  const store = new SnapshotStore();
  store.set(snapshotOf(catalogOfFixture(), 'x', { registryName: 'test', source: 'test' }));
  authorizer = new EntryAuthorizer(join(dir, 'policies.cedar'), pino({ level: 'silent' })).start();
  const srv = await startApiServer({
    address: '127.0.0.1:0',
    store,
    log: pino({ level: 'silent' }),
    auth,
    authorizer,
  });
  url = srv.url;
  close = srv.close;
});
after(async () => {
  setSourcePolicy(original);
  authorizer.stop();
  auth.close();
  await close();
  issuer.close();
});

/** One request on `agent`'s single keep-alive connection: status, body, and which connection carried it. */
function send(agent: Agent, path: string, authorization: string) {
  return new Promise<{ status: number; body: string; port: number }>((resolve, reject) => {
    const req = request(`${url}${path}`, { agent, headers: { authorization } }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (body += c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body, port: req.socket?.localPort ?? 0 }));
    });
    req.on('error', reject);
    req.end();
  });
}

const oneConnection = () => new Agent({ keepAlive: true, maxSockets: 1 });
const LIST = '/v0.1/servers?limit=100';

test('two callers who see different entries, over one connection, each get their own answer', async () => {
  const agent = oneConnection();
  const alice = `Bearer ${await sign('alice', ['staff'])}`;
  const bob = `Bearer ${await sign('bob', ['dev'])}`;
  const before = checks;
  const a1 = await send(agent, LIST, alice);
  const a2 = await send(agent, LIST, alice);
  assert.equal(a1.status, 200);
  assert.ok(a1.body.includes(HIDDEN), 'alice (staff) sees the entry');
  assert.equal(a2.body, a1.body);
  assert.equal(
    checks - before,
    1,
    'the second request of the same credential was answered from the connection',
  );
  const b = await send(agent, LIST, bob);
  assert.equal(b.status, 200);
  assert.equal(b.body.includes(HIDDEN), false, 'bob never gets alice’s answer');
  assert.equal((await send(agent, `/v0.1/servers/${HIDDEN}/versions/latest`, bob)).status, 404);
  const a3 = await send(agent, LIST, alice);
  assert.ok(a3.body.includes(HIDDEN), 'alice still sees it after bob');
  const refused = await send(agent, LIST, 'Bearer not-a-token');
  assert.equal(refused.status, 401);
  assert.equal(refused.body, '{"error":"Unauthorized: invalid token: malformed JWT"}');
  assert.equal(new Set([a1.port, a2.port, b.port, a3.port, refused.port]).size, 1, 'all on one connection');
  agent.destroy();
});

test('a remembered answer ends with its cache time: the verifier is asked again', async () => {
  const agent = oneConnection();
  const alice = `Bearer ${await sign('alice', ['staff'])}`;
  const before = checks;
  assert.equal((await send(agent, LIST, alice)).status, 200);
  assert.equal((await send(agent, LIST, alice)).status, 200);
  assert.equal(checks - before, 1);
  clock += 61_000; // past the verifier's 60 s cache time, within the token's 10 min
  assert.equal((await send(agent, LIST, alice)).status, 200);
  assert.equal(checks - before, 2, 'asked again once the answer no longer held');
  agent.destroy();
});

test('a revoked API key stops working on the connection that used it', async () => {
  const agent = oneConnection();
  assert.equal((await send(agent, LIST, `Bearer ${KEY}`)).status, 200);
  assert.equal((await send(agent, LIST, `Bearer ${KEY}`)).status, 200);
  writeFileSync(join(dir, 'keys'), 'another-key\n');
  await auth.reloadKeys();
  const r = await send(agent, LIST, `Bearer ${KEY}`);
  assert.equal(r.status, 401);
  assert.equal(r.body, '{"error":"Unauthorized: invalid token: malformed JWT"}');
  agent.destroy();
});
