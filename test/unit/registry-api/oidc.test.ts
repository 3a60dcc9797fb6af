/**
 * `--auth oidc` against a real issuer on loopback: a discovery document and a JWKS served over HTTP,
 * keys made and tokens signed with jose, keys rotated mid-test. The issuer's fetches obey the
 * destination policy: loopback is allowed here by the policy's allowedCIDRs, as a platform would allow
 * its own identity provider, and everything else the policy refuses stays out of reach.
 */
import { test, before, after, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import { SignJWT, exportJWK, generateKeyPair, type JWK } from 'jose';
import { catalogOfFixture, startApi } from './harness.ts';
import { OidcVerifier } from '../../../src/registry-api/access/oidc.ts';
import { parsePolicy } from '../../../src/admission/policy/policy.ts';
import { setSourcePolicy, sourcePolicy } from '../../../src/sources/destinations/destinations.ts';

type Key = Awaited<ReturnType<typeof generateKeyPair>>['privateKey'];
const AUD = 'mcp-registry';
let server: Server;
let issuer: string;
let keys: JWK[] = [];
let jwksFetches = 0;
/** What the discovery document says, per test. */
let discovery: (issuer: string) => { status: number; body?: unknown; location?: string };
const signing = new Map<string, Key>();
const original = sourcePolicy();
const LOOPBACK_ALLOWED = parsePolicy('allowHTTP: true\nallowedCIDRs: ["127.0.0.1/32"]\n');

async function addKey(kid: string): Promise<void> {
  const k = await generateKeyPair('ES256', { extractable: true });
  signing.set(kid, k.privateKey);
  keys.push({ ...(await exportJWK(k.publicKey)), kid, alg: 'ES256', use: 'sig' });
}

const defaultDiscovery = (iss: string) => ({ status: 200, body: { issuer: iss, jwks_uri: `${iss}/jwks` } });

before(async () => {
  server = createServer((req, res) => {
    if (req.url === '/jwks') {
      jwksFetches++;
      return res.writeHead(200, { 'Content-Type': 'application/json' }).end(JSON.stringify({ keys }));
    }
    if (req.url === '/.well-known/openid-configuration') {
      const d = discovery(issuer);
      return res
        .writeHead(d.status, {
          'Content-Type': 'application/json',
          ...(d.location ? { Location: d.location } : {}),
        })
        .end(JSON.stringify(d.body ?? {}));
    }
    res.writeHead(404).end();
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const addr = server.address();
  issuer = `http://127.0.0.1:${typeof addr === 'object' && addr ? addr.port : 0}`;
});
after(() => server.close());
afterEach(() => {
  setSourcePolicy(original);
  keys = [];
  signing.clear();
  discovery = defaultDiscovery;
});
discovery = defaultDiscovery;

const token = (
  kid: string,
  o: { aud?: string; exp?: number | string; iss?: string; groups?: unknown; sub?: string } = {},
) =>
  new SignJWT({ ...(o.groups !== undefined ? { groups: o.groups } : {}) })
    .setProtectedHeader({ alg: 'ES256', kid })
    .setSubject(o.sub ?? 'alice')
    .setIssuer(o.iss ?? issuer)
    .setAudience(o.aud ?? AUD)
    .setIssuedAt()
    .setExpirationTime(o.exp ?? '5m')
    .sign(signing.get(kid)!);

const verifier = (o: Partial<ConstructorParameters<typeof OidcVerifier>[0]> = {}) =>
  new OidcVerifier({ issuer, audiences: [AUD, 'other-client'], refetchCooldownMs: 0, retryMs: 0, ...o });

test('allowed: a token from the issuer, for one of the audiences; groups from the named claim', async () => {
  setSourcePolicy(LOOPBACK_ALLOWED);
  await addKey('k1');
  const v = verifier({ groupsClaim: 'groups' });
  const claims = (aud: string, groups: unknown) => ({ groups, sub: 'alice', iss: issuer, aud });
  assert.deepEqual(await v.check(await token('k1', { groups: ['team-a', 7, 'team-b'] })), {
    ok: true,
    subject: 'alice',
    groups: ['team-a', 'team-b'],
    // The verified claims for authorization policies, without the ones every new token changes.
    claims: claims(AUD, ['team-a', 7, 'team-b']),
  });
  assert.deepEqual(await v.check(await token('k1', { aud: 'other-client', groups: 'solo' })), {
    ok: true,
    subject: 'alice',
    groups: ['solo'],
    claims: claims('other-client', 'solo'),
  });
});

test('denied: wrong audience, wrong issuer, expired beyond the skew, a foreign key, garbage', async () => {
  setSourcePolicy(LOOPBACK_ALLOWED);
  await addKey('k1');
  const v = verifier({ clockSkewSec: 30 });
  const now = Math.floor(Date.now() / 1000);
  const refused = (message: string) => ({ ok: false, message: `invalid token: ${message}` });
  assert.deepEqual(await v.check(await token('k1', { aud: 'someone-else' })), refused('wrong audience'));
  assert.deepEqual(
    await v.check(await token('k1', { iss: 'https://evil.example' })),
    refused('wrong issuer'),
  );
  assert.deepEqual(await v.check(await token('k1', { exp: now - 120 })), refused('token has expired'));
  // Within the clock skew: an issuer whose clock is 10 s ahead still works.
  assert.equal((await v.check(await token('k1', { exp: now - 10 }))).ok, true);
  assert.equal((await verifier({ clockSkewSec: 0 }).check(await token('k1', { exp: now - 10 }))).ok, false);
  const stranger = await generateKeyPair('ES256');
  const forged = await new SignJWT({})
    .setProtectedHeader({ alg: 'ES256', kid: 'k1' })
    .setIssuer(issuer)
    .setAudience(AUD)
    .setExpirationTime('5m')
    .sign(stranger.privateKey);
  assert.deepEqual(await v.check(forged), refused('signature verification failed'));
  assert.deepEqual(await v.check('not.a-token'), refused('malformed JWT'));
});

test('rotated key: a token signed with a new kid fetches the JWKS again; the retired key stops working', async () => {
  setSourcePolicy(LOOPBACK_ALLOWED);
  await addKey('k1');
  const v = verifier();
  assert.equal((await v.check(await token('k1'))).ok, true);
  const before = jwksFetches;
  // The issuer rotates: k2 published, k1 withdrawn.
  await addKey('k2');
  const old = await token('k1');
  keys = keys.filter((k) => k.kid !== 'k1');
  assert.deepEqual(await v.check(await token('k2')), {
    ok: true,
    subject: 'alice',
    claims: { sub: 'alice', iss: issuer, aud: AUD },
  });
  assert.equal(jwksFetches, before + 1, 'one refetch for the unknown kid');
  assert.deepEqual(await v.check(old), {
    ok: false,
    message: 'invalid token: no matching key in the issuer JWKS',
  });
});

test('made-up kids do not make the issuer fetch its JWKS once per request (the refetch cooldown)', async () => {
  setSourcePolicy(LOOPBACK_ALLOWED);
  await addKey('k1');
  const v = verifier({ refetchCooldownMs: 3_600_000 });
  assert.equal((await v.check(await token('k1'))).ok, true);
  const before = jwksFetches;
  for (let i = 0; i < 20; i++) {
    await addKey(`fake-${i}`);
    keys.pop(); // signed with a key the issuer never published
    const r = await v.check(await token(`fake-${i}`));
    assert.deepEqual(r, { ok: false, message: 'invalid token: no matching key in the issuer JWKS' });
  }
  assert.equal(jwksFetches, before, 'no refetch within the cooldown');
});

test('the issuer on loopback under the built-in policy is never fetched: 503 with the policy’s reason', async () => {
  await addKey('k1');
  const v = verifier();
  const r = await v.check(await token('k1'));
  assert.equal(r.ok, false);
  assert.equal(!r.ok && r.status, 503);
  assert.equal(
    !r.ok && r.message,
    `issuer unavailable: ${issuer}/.well-known/openid-configuration: refused by the platform policy: must use https; 127.0.0.1 is a loopback address, not an allowed destination (the platform policy's allowedCIDRs can allow it)`,
  );
});

test('redirects and a jwks_uri to internal addresses are refused at fetch time', async () => {
  setSourcePolicy(LOOPBACK_ALLOWED);
  await addKey('k1');
  const t = await token('k1');
  const cases: [typeof discovery, string][] = [
    [
      () => ({ status: 302, location: 'http://169.254.169.254/latest/meta-data/' }),
      "issuer unavailable: http://169.254.169.254/latest/meta-data/: refused by the platform policy: 169.254.169.254 is the cloud metadata address, not an allowed destination (the platform policy's allowedCIDRs can allow it)",
    ],
    [
      () => ({ status: 302, location: 'http://127.0.0.2:1/' }),
      "issuer unavailable: http://127.0.0.2:1/: refused by the platform policy: 127.0.0.2 is a loopback address, not an allowed destination (the platform policy's allowedCIDRs can allow it)",
    ],
    [
      (iss) => ({ status: 200, body: { issuer: iss, jwks_uri: 'http://[::ffff:169.254.169.254]/keys' } }),
      `issuer unavailable: http://[::ffff:a9fe:a9fe]/keys: refused by the platform policy: "[::ffff:a9fe:a9fe]" (169.254.169.254) is the cloud metadata address, not an allowed destination (the platform policy's allowedCIDRs can allow it)`,
    ],
    [
      () => ({ status: 200, body: { issuer: 'https://someone-else.example', jwks_uri: 'https://x/jwks' } }),
      `issuer unavailable: discovery document names issuer "https://someone-else.example", not "${issuer}"`,
    ],
    [() => ({ status: 500 }), 'issuer unavailable: discovery document answered HTTP 500'],
  ];
  for (const [d, message] of cases) {
    discovery = d;
    const r = await verifier().check(t);
    assert.deepEqual(r, { ok: false, status: 503, message });
  }
});

test('through the API: 401 with the resource_metadata challenge, the RFC 9728 document, the page data', async () => {
  setSourcePolicy(LOOPBACK_ALLOWED);
  await addKey('k1');
  const api = await startApi(catalogOfFixture(), { oidc: verifier() }, undefined, {
    mode: 'oidc',
    issuer,
    registry: 'test',
  });
  try {
    const host = new URL(api.url).host;
    for (const path of ['/v0.1/servers', '/ui/catalog.json']) {
      const none = await fetch(`${api.url}${path}`);
      assert.equal(none.status, 401, path);
      assert.equal(
        none.headers.get('www-authenticate'),
        `Bearer realm="thv-registry-api", resource_metadata="http://${host}/.well-known/oauth-protected-resource"`,
      );
      assert.deepEqual(await none.json(), { error: 'Unauthorized: authentication required' });
      const ok = await fetch(`${api.url}${path}`, {
        headers: { Authorization: `Bearer ${await token('k1')}` },
      });
      assert.equal(ok.status, 200, path);
      await ok.arrayBuffer();
    }
    const expired = await fetch(`${api.url}/ui/catalog.json`, {
      headers: {
        Authorization: `Bearer ${await token('k1', { exp: Math.floor(Date.now() / 1000) - 3600 })}`,
      },
    });
    assert.deepEqual(await expired.json(), { error: 'Unauthorized: invalid token: token has expired' });
    const meta = await fetch(`${api.url}/.well-known/oauth-protected-resource`, {
      headers: { 'X-Forwarded-Proto': 'https' },
    });
    assert.equal(meta.status, 200);
    assert.deepEqual(await meta.json(), {
      resource: `https://${host}`,
      authorization_servers: [issuer],
      bearer_methods_supported: ['header'],
      resource_name: 'MCP registry test',
      resource_description:
        'A JWT access token from the authorization server, with one of the registry’s audiences.',
    });
  } finally {
    await api.close();
  }
});

test('a verified token is reused for at most cacheMs and never past its exp; refusals are not kept', async () => {
  setSourcePolicy(LOOPBACK_ALLOWED);
  await addKey('k1');
  let t = Date.now();
  const v = verifier({ cacheMs: 60_000, clockSkewSec: 0, now: () => t });
  const long = await token('k1', { exp: Math.floor(t / 1000) + 3600 });
  const short = await token('k1', { exp: Math.floor(t / 1000) + 30 });
  assert.equal((await v.check(long)).ok, true);
  assert.equal((await v.check(short)).ok, true);
  // The short token's exp ends its answer, cached or not.
  t += 31_000;
  assert.deepEqual(await v.check(short), { ok: false, message: 'invalid token: token has expired' });
  // The issuer withdraws the key, and a token with a kid it never had makes us fetch the JWKS again,
  // so jose's own copy no longer has k1: within the cache time the long token's answer stands ...
  await addKey('k9');
  keys = [];
  const unknown = { ok: false, message: 'invalid token: no matching key in the issuer JWKS' };
  assert.deepEqual(await v.check(await token('k9')), unknown);
  assert.equal((await v.check(long)).ok, true);
  // ... and after it, the token is checked again, against the JWKS without its key; refusals are not kept.
  t += 30_000;
  assert.deepEqual(await v.check(long), unknown);
  assert.deepEqual(await v.check(long), unknown);
});
