/**
 * The catalog page with `--auth oidc` (SPEC §13 "the catalog page works in every mode"): the real
 * thv-registry-api process against an OIDC issuer served from loopback (discovery document and JWKS,
 * keys from jose), reached only because `--destination-policy` lets loopback in, as the operator
 * passes the platform's rules. In chromium, a token for another audience is refused with the API's
 * words and a right one shows the list. The same process without the policy never fetches the
 * loopback issuer: 503 with the policy's reason.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { Page } from 'playwright-core';
import { SignJWT, exportJWK, generateKeyPair } from 'jose';
import { launchBrowser, startApi, type ApiProcess, type Launched } from './browser.ts';
import { FIXTURE } from './fixtures.ts';

const AUD = 'catalog-page';
let issuerServer: Server;
let issuer: string;
let key: Awaited<ReturnType<typeof generateKeyPair>>['privateKey'];
let api: ApiProcess;
let closed: ApiProcess;
let browser: Launched;

before(async () => {
  const pair = await generateKeyPair('RS256', { extractable: true });
  key = pair.privateKey;
  const jwk = { ...(await exportJWK(pair.publicKey)), kid: 'page', alg: 'RS256', use: 'sig' };
  issuerServer = createServer((req, res) => {
    const body =
      req.url === '/.well-known/openid-configuration'
        ? { issuer, jwks_uri: `${issuer}/jwks` }
        : req.url === '/jwks'
          ? { keys: [jwk] }
          : undefined;
    if (!body) return res.writeHead(404).end();
    res.writeHead(200, { 'Content-Type': 'application/json' }).end(JSON.stringify(body));
  });
  await new Promise<void>((r) => issuerServer.listen(0, '127.0.0.1', r));
  const addr = issuerServer.address();
  issuer = `http://127.0.0.1:${typeof addr === 'object' && addr ? addr.port : 0}`;
  const oidc = ['--auth', 'oidc', '--oidc-issuer', issuer, '--oidc-audience', AUD];
  api = await startApi(FIXTURE, [
    ...oidc,
    '--destination-policy',
    '{"allowHTTP":true,"allowedCIDRs":["127.0.0.1/32"]}',
  ]);
  closed = await startApi(FIXTURE, oidc);
  browser = await launchBrowser();
});
after(async () => {
  await browser?.close();
  await api?.stop();
  await closed?.stop();
  issuerServer?.close();
});

const token = (aud: string) =>
  new SignJWT({})
    .setProtectedHeader({ alg: 'RS256', kid: 'page' })
    .setSubject('page-user')
    .setIssuer(issuer)
    .setAudience(aud)
    .setExpirationTime('5m')
    .sign(key);

test('oidc: the page asks for a token, refuses one for another audience, shows the list with the right one', async () => {
  const page: Page = await browser.context.newPage();
  page.on('pageerror', (e) => assert.fail(`page error: ${e.message}`));
  await page.goto(`${api.url}/`);
  await page.getByRole('heading', { name: 'Sign in to this catalog' }).waitFor();
  const field = page.getByLabel('API key or token');
  await field.fill(await token('someone-else'));
  await page.keyboard.press('Enter');
  await page.getByRole('alert').filter({ hasText: 'Unauthorized: invalid token: wrong audience' }).waitFor();
  await field.fill(await token(AUD));
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.locator('#result-count', { hasText: '88 servers' }).waitFor();
  await page.close();
});

test('without the destination policy the loopback issuer is never fetched: 503 with the reason', async () => {
  const r = await fetch(`${closed.url}/v0.1/servers`, {
    headers: { Authorization: `Bearer ${await token(AUD)}` },
  });
  assert.equal(r.status, 503);
  assert.deepEqual(await r.json(), {
    error: `Service Unavailable: issuer unavailable: ${issuer}/.well-known/openid-configuration: refused by the platform policy: must use https; 127.0.0.1 is a loopback address, not an allowed destination (the platform policy's allowedCIDRs can allow it)`,
  });
});
