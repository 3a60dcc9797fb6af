/**
 * CORS of the registry API (SPEC §14): the policy a flag gives (table, exact messages), and the
 * exact headers of preflights and actual requests over HTTP on loopback, anonymous and authenticated.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { corsPolicy } from '../../../src/registry-api/access/cors.ts';
import { catalogOfFixture, startApi } from './harness.ts';

const ALLOWED = 'http://127.0.0.1:5173';

test('corsPolicy: defaults, lists and refusals with the messages users see', () => {
  const cases: [string | undefined, boolean, unknown][] = [
    [undefined, false, { kind: 'any' }],
    [undefined, true, { kind: 'none' }],
    ['*', false, { kind: 'any' }],
    [' * ', false, { kind: 'any' }],
    [
      'https://A.example.com:443,http://127.0.0.1:5173',
      true,
      { kind: 'list', origins: new Set(['https://a.example.com', ALLOWED]) },
    ],
    [
      '',
      false,
      '--cors-origins: no origin given; use "*" or a list like https://a.example,https://b.example',
    ],
    [
      ' , ',
      true,
      '--cors-origins: no origin given; use "*" or a list like https://a.example,https://b.example',
    ],
    ['*,https://a.example', false, '--cors-origins: "*" cannot be combined with other origins'],
    [
      '*',
      true,
      '--cors-origins "*" cannot be used with authentication (--auth kubernetes|oidc|api-keys, --api-keys-file, --jwks-url): list the origins that may send credentials',
    ],
    [
      'a.example',
      false,
      '--cors-origins: "a.example" is not an origin (not a URL); use scheme://host[:port], e.g. https://app.example.com',
    ],
    [
      'ftp://a.example',
      false,
      '--cors-origins: "ftp://a.example" is not an origin (only http and https); use scheme://host[:port], e.g. https://app.example.com',
    ],
    [
      'https://a.example/',
      false,
      '--cors-origins: "https://a.example/" is not an origin (no path, query or fragment); use scheme://host[:port], e.g. https://app.example.com',
    ],
    [
      'https://a.example/app',
      false,
      '--cors-origins: "https://a.example/app" is not an origin (no path, query or fragment); use scheme://host[:port], e.g. https://app.example.com',
    ],
    [
      'https://u:p@a.example',
      false,
      '--cors-origins: "https://u:p@a.example" is not an origin (no user information); use scheme://host[:port], e.g. https://app.example.com',
    ],
  ];
  for (const [flag, auth, want] of cases) {
    if (typeof want === 'string')
      assert.throws(() => corsPolicy(flag, auth), { message: want }, String(flag));
    else assert.deepEqual(corsPolicy(flag, auth), want, String(flag));
  }
});

type Api = Awaited<ReturnType<typeof startApi>>;
let anon: Api;
let listed: Api;
let authDefault: Api;
const KEY = 'browser-key';

before(async () => {
  const dir = mkdtempSync(join(tmpdir(), 'mcpr-cors-'));
  writeFileSync(join(dir, 'keys'), `${KEY}\n`);
  anon = await startApi(catalogOfFixture());
  listed = await startApi(catalogOfFixture(), { apiKeysFile: join(dir, 'keys') }, corsPolicy(ALLOWED, true));
  authDefault = await startApi(catalogOfFixture(), { apiKeysFile: join(dir, 'keys') });
});
after(async () => {
  await Promise.all([anon.close(), listed.close(), authDefault.close()]);
});

const CORS_HEADERS = [
  'access-control-allow-origin',
  'access-control-allow-methods',
  'access-control-allow-headers',
  'access-control-max-age',
  'access-control-expose-headers',
  'access-control-allow-credentials',
  'vary',
];
async function ask(base: string, path: string, init: RequestInit) {
  const r = await fetch(base + path, init);
  await r.arrayBuffer();
  const h: Record<string, string> = {};
  for (const k of CORS_HEADERS) {
    const v = r.headers.get(k);
    if (v !== null) h[k] = v;
  }
  return { status: r.status, headers: h };
}

const preflight = (origin: string, method = 'GET', headers = 'authorization') => ({
  method: 'OPTIONS',
  headers: {
    Origin: origin,
    'Access-Control-Request-Method': method,
    'Access-Control-Request-Headers': headers,
  },
});

test('anonymous registry: like the official one (*, preflight 204 allowing Authorization)', async () => {
  assert.deepEqual(await ask(anon.url, '/v0.1/servers?limit=1', preflight('https://anything.example')), {
    status: 204,
    headers: {
      'access-control-allow-origin': '*',
      'access-control-allow-methods': 'GET',
      'access-control-allow-headers': 'authorization',
      'access-control-max-age': '86400',
    },
  });
  assert.deepEqual(
    await ask(
      anon.url,
      '/mcp',
      preflight('https://x.example', 'POST', 'Content-Type, Mcp-Protocol-Version,Authorization'),
    ),
    {
      status: 204,
      headers: {
        'access-control-allow-origin': '*',
        'access-control-allow-methods': 'POST',
        'access-control-allow-headers': 'content-type, mcp-protocol-version, authorization',
        'access-control-max-age': '86400',
      },
    },
  );
  assert.deepEqual(
    await ask(anon.url, '/v0.1/servers?limit=1', { headers: { Origin: 'https://anything.example' } }),
    {
      status: 200,
      headers: {
        'access-control-allow-origin': '*',
        'access-control-expose-headers': 'ETag, WWW-Authenticate, Location',
        vary: 'Accept-Encoding',
      },
    },
  );
  // No Origin: not a cross-origin request, no CORS headers (rs/cors does the same).
  assert.deepEqual((await ask(anon.url, '/v0.1/servers?limit=1', {})).headers, { vary: 'Accept-Encoding' });
  // A method no route has, or a malformed header list: 204 without allow headers (the browser refuses).
  assert.deepEqual(await ask(anon.url, '/v0.1/servers', preflight('https://x.example', 'TRACE')), {
    status: 204,
    headers: {},
  });
  assert.deepEqual(
    await ask(anon.url, '/v0.1/servers', preflight('https://x.example', 'GET', 'bad header')),
    { status: 204, headers: {} },
  );
  // Errors carry the header too, so a page can read why it failed.
  const missing = await ask(anon.url, '/v0.1/servers/nope%2Fnope/versions/latest', {
    headers: { Origin: 'https://x.example' },
  });
  assert.equal(missing.status, 404);
  assert.equal(missing.headers['access-control-allow-origin'], '*');
});

test('authenticated registry with listed origins: the origin echoed, Vary: Origin, never * nor credentials', async () => {
  assert.deepEqual(await ask(listed.url, '/v0.1/servers', preflight(ALLOWED)), {
    status: 204,
    headers: {
      'access-control-allow-origin': ALLOWED,
      'access-control-allow-methods': 'GET',
      'access-control-allow-headers': 'authorization',
      'access-control-max-age': '86400',
      vary: 'Origin',
    },
  });
  assert.deepEqual(await ask(listed.url, '/v0.1/servers', preflight('http://127.0.0.1:5174')), {
    status: 204,
    headers: { vary: 'Origin' },
  });
  assert.deepEqual(
    await ask(listed.url, '/v0.1/servers?limit=1', {
      headers: { Origin: ALLOWED, Authorization: `Bearer ${KEY}` },
    }),
    {
      status: 200,
      headers: {
        'access-control-allow-origin': ALLOWED,
        'access-control-expose-headers': 'ETag, WWW-Authenticate, Location',
        vary: 'Origin, Accept-Encoding',
      },
    },
  );
  const unauth = await ask(listed.url, '/v0.1/servers', { headers: { Origin: ALLOWED } });
  assert.equal(unauth.status, 401);
  assert.equal(unauth.headers['access-control-allow-origin'], ALLOWED);
  const other = await ask(listed.url, '/v0.1/servers', {
    headers: { Origin: 'https://evil.example', Authorization: `Bearer ${KEY}` },
  });
  assert.deepEqual(other, { status: 200, headers: { vary: 'Origin, Accept-Encoding' } });
});

test('authenticated registry without --cors-origins: no cross-origin access, preflight still 204', async () => {
  assert.deepEqual(await ask(authDefault.url, '/v0.1/servers', preflight('https://x.example')), {
    status: 204,
    headers: {},
  });
  assert.deepEqual(
    await ask(authDefault.url, '/v0.1/servers', {
      headers: { Origin: 'https://x.example', 'X-API-Key': KEY },
    }),
    {
      status: 200,
      headers: { vary: 'Accept-Encoding' },
    },
  );
});
