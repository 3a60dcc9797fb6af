/**
 * Auth of the registry API against a real test issuer: a JWKS served on 127.0.0.1, tokens signed
 * with jose, and the classic forgeries (alg none, HS256 "signed" with the public key).
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import { createHmac } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SignJWT, exportJWK, exportSPKI, generateKeyPair } from 'jose';
import { catalogOfFixture, startApi } from './harness.ts';

let issuer: Server;
let jwksUrl: string;
let api: Awaited<ReturnType<typeof startApi>>;
let privateKey: Awaited<ReturnType<typeof generateKeyPair>>['privateKey'];
let publicPem: string;
const ISS = 'https://issuer.test';
const AUD = 'mcp-registry';

before(async () => {
  const keys = await generateKeyPair('RS256', { extractable: true });
  privateKey = keys.privateKey;
  publicPem = await exportSPKI(keys.publicKey);
  const jwk = { ...(await exportJWK(keys.publicKey)), kid: 'k1', alg: 'RS256', use: 'sig' };
  issuer = createServer((_q, res) =>
    res.writeHead(200, { 'Content-Type': 'application/json' }).end(JSON.stringify({ keys: [jwk] })),
  );
  await new Promise<void>((r) => issuer.listen(0, '127.0.0.1', r));
  const addr = issuer.address();
  jwksUrl = `http://127.0.0.1:${typeof addr === 'object' && addr ? addr.port : 0}/jwks.json`;
  const dir = mkdtempSync(join(tmpdir(), 'mcpr-keys-'));
  writeFileSync(join(dir, 'keys'), '# registry API keys\nkey-one\n\nkey-two\n');
  api = await startApi(catalogOfFixture(), {
    apiKeysFile: join(dir, 'keys'),
    jwt: { jwksUrl, issuer: ISS, audience: AUD },
  });
});
after(async () => {
  await api.close();
  issuer.close();
});

const token = (claims: { iss?: string; aud?: string; exp?: number | string } = {}) => {
  const jwt = new SignJWT({ scope: 'read' })
    .setProtectedHeader({ alg: 'RS256', kid: 'k1' })
    .setSubject('alice')
    .setIssuedAt();
  jwt
    .setIssuer(claims.iss ?? ISS)
    .setAudience(claims.aud ?? AUD)
    .setExpirationTime(claims.exp ?? '5m');
  return jwt.sign(privateKey);
};

const b64 = (o: unknown) => Buffer.from(JSON.stringify(o)).toString('base64url');

async function call(headers: Record<string, string>) {
  const r = await fetch(`${api.url}/api/v1/registry/info`, { headers });
  return {
    status: r.status,
    body: (await r.json()) as Record<string, unknown>,
    www: r.headers.get('www-authenticate'),
  };
}

test('health, readiness and metrics stay open', async () => {
  for (const p of ['/healthz', '/readyz', '/openapi.json'])
    assert.equal((await fetch(`${api.url}${p}`)).status, 200, p);
});

test('API keys: valid key (header or bearer), wrong key, no key', async () => {
  assert.equal((await call({ 'X-API-Key': 'key-two' })).status, 200);
  assert.equal((await call({ Authorization: 'Bearer key-one' })).status, 200);
  assert.deepEqual((await call({ 'X-API-Key': 'nope' })).body, { error: 'Unauthorized: invalid API key' });
  const none = await call({});
  assert.equal(none.status, 401);
  assert.deepEqual(none.body, { error: 'Unauthorized: authentication required' });
  assert.equal(
    none.www,
    `Bearer realm="thv-registry-api", resource_metadata="http://${new URL(api.url).host}/.well-known/oauth-protected-resource"`,
  );
});

test('a valid JWT from the issuer is accepted', async () => {
  assert.equal((await call({ Authorization: `Bearer ${await token()}` })).status, 200);
});

test('expired, wrong audience and wrong issuer tokens are refused with the reason', async () => {
  const expired = await token({ exp: Math.floor(Date.now() / 1000) - 3600 });
  assert.deepEqual((await call({ Authorization: `Bearer ${expired}` })).body, {
    error: 'Unauthorized: invalid token: token has expired',
  });
  assert.deepEqual((await call({ Authorization: `Bearer ${await token({ aud: 'other' })}` })).body, {
    error: 'Unauthorized: invalid token: wrong audience',
  });
  assert.deepEqual(
    (await call({ Authorization: `Bearer ${await token({ iss: 'https://evil.test' })}` })).body,
    { error: 'Unauthorized: invalid token: wrong issuer' },
  );
});

test('alg none and HS256 signed with the public key are refused', async () => {
  const payload = { sub: 'mallory', iss: ISS, aud: AUD, exp: Math.floor(Date.now() / 1000) + 300 };
  const none = `${b64({ alg: 'none', typ: 'JWT' })}.${b64(payload)}.`;
  const r1 = await call({ Authorization: `Bearer ${none}` });
  assert.equal(r1.status, 401);
  assert.match(String(r1.body.error), /^Unauthorized: invalid token: /);
  const head = `${b64({ alg: 'HS256', typ: 'JWT', kid: 'k1' })}.${b64(payload)}`;
  const forged = `${head}.${createHmac('sha256', publicPem).update(head).digest('base64url')}`;
  const r2 = await call({ Authorization: `Bearer ${forged}` });
  assert.deepEqual(r2.body, { error: 'Unauthorized: invalid token: signing algorithm not allowed' });
});
