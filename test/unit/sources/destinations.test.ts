/**
 * Fetch-time destination checks and bounds (issue #12.7, #12.8) with real HTTP servers on loopback:
 * refused under the built-in rules, allowed when listed, a redirect into loopback refused, a name
 * resolving to loopback refused, a closed and a filtered port reading alike, a gzip bomb stopped.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import { gzipSync } from 'node:zlib';
import { parsePolicy } from '../../../src/admission/policy/policy.ts';
import { httpGet } from '../../../src/sources/fetch/http-fetch.ts';
import { setSourcePolicy } from '../../../src/sources/destinations/destinations.ts';
import { SourceError } from '../../../src/sources/types.ts';

// Plain http to these loopback servers is allowed: what is judged here is the address.
const rules = (yaml: string) => setSourcePolicy(parsePolicy(`allowHTTP: true\n${yaml}`));
const OPTS = { timeoutMs: 5000, maxBytes: 1024 * 1024 };

let target: Server;
let hop: Server;
let targetPort = 0;
let hopPort = 0;
const seenHeaders: Record<string, string | undefined>[] = [];
const BOMB = gzipSync(Buffer.alloc(20 * 1024 * 1024));

function listen(s: Server, host: string): Promise<number> {
  return new Promise((r) =>
    s.listen(0, host, () => {
      const a = s.address();
      r(typeof a === 'object' && a ? a.port : 0);
    }),
  );
}

before(async () => {
  target = createServer((req, res) => {
    seenHeaders.push({ authorization: req.headers.authorization });
    if (req.url === '/bomb') res.writeHead(200, { 'Content-Encoding': 'gzip' }).end(BOMB);
    else if (req.url === '/gz') res.writeHead(200, { 'Content-Encoding': 'gzip' }).end(gzipSync('{"a":1}'));
    else res.writeHead(200, { 'Content-Type': 'application/json' }).end('{"ok":true}');
  });
  targetPort = await listen(target, '127.0.0.1');
  // The "allowed host" of the redirect test: 127.0.0.2 is loopback too, listed on its own.
  hop = createServer((req, res) => {
    seenHeaders.push({ authorization: req.headers.authorization });
    if (req.url === '/same') res.writeHead(302, { Location: '/final' }).end();
    else if (req.url === '/final') res.writeHead(200).end('{"ok":"hop"}');
    else res.writeHead(302, { Location: `http://127.0.0.1:${targetPort}/r.json` }).end();
  });
  hopPort = await listen(hop, '127.0.0.2');
});

after(() => {
  rules('');
  target.close();
  hop.close();
});

async function refusal(href: string, opts = OPTS): Promise<SourceError> {
  const e = await httpGet(href, opts).then(
    () => assert.fail(`${href} was fetched`),
    (err: unknown) => err,
  );
  assert.ok(e instanceof SourceError, String(e));
  return e;
}

test('built-in rules: a loopback server is refused before any connection', async () => {
  rules('');
  const before = seenHeaders.length;
  const e = await refusal(`http://127.0.0.1:${targetPort}/r.json`);
  assert.equal(e.reason, 'DestinationRefused');
  assert.equal(
    e.message,
    `http://127.0.0.1:${targetPort}/r.json: refused by the platform policy: 127.0.0.1 is a loopback address, not an allowed destination (the platform policy's allowedCIDRs can allow it)`,
  );
  assert.equal(seenHeaders.length, before, 'the server saw no request');
  const hex = await refusal(`http://0x7f.1:${targetPort}/r.json`);
  assert.equal(hex.reason, 'DestinationRefused');
});

test('listed in allowedCIDRs: the same server is fetched', async () => {
  rules('allowedCIDRs: [127.0.0.1/32]\n');
  const r = await httpGet(`http://127.0.0.1:${targetPort}/r.json`, OPTS);
  assert.equal(r.body.toString(), '{"ok":true}');
});

test('a DNS name resolving to loopback (localhost) is refused after resolution', async () => {
  rules('allowedCIDRs: [127.0.0.2/32]\n');
  const e = await refusal(`http://localhost:${targetPort}/r.json`);
  assert.equal(e.reason, 'DestinationRefused');
  assert.match(
    e.message,
    new RegExp(
      `^http://localhost:${targetPort}/r\\.json: refused by the platform policy: "localhost" \\((127\\.0\\.0\\.1|::1)\\) is a loopback address, not an allowed destination \\(the platform policy's allowedCIDRs can allow it\\)$`,
    ),
  );
});

test('a redirect from an allowed host to 127.0.0.1 is refused; one within the origin is followed', async () => {
  rules('allowedCIDRs: [127.0.0.2/32]\n');
  const e = await refusal(`http://127.0.0.2:${hopPort}/start`);
  assert.equal(e.reason, 'DestinationRefused');
  assert.equal(
    e.message,
    `http://127.0.0.1:${targetPort}/r.json: refused by the platform policy: 127.0.0.1 is a loopback address, not an allowed destination (the platform policy's allowedCIDRs can allow it)`,
  );
  const ok = await httpGet(`http://127.0.0.2:${hopPort}/same`, OPTS);
  assert.equal(ok.body.toString(), '{"ok":"hop"}');
});

test('credentials are sent to their own origin only, never along a redirect to another', async () => {
  rules('allowedCIDRs: [127.0.0.0/8]\n');
  seenHeaders.length = 0;
  await httpGet(`http://127.0.0.2:${hopPort}/start`, {
    ...OPTS,
    headers: { Authorization: 'Bearer s3cret' },
  });
  assert.deepEqual(seenHeaders, [{ authorization: 'Bearer s3cret' }, { authorization: undefined }]);
});

test('a closed port and an address that never answers read alike', async () => {
  rules('allowedCIDRs: [127.0.0.0/8]\n');
  const closed = await new Promise<number>((r) => {
    const s = createServer();
    s.listen(0, '127.0.0.1', () => {
      const a = s.address();
      s.close(() => r(typeof a === 'object' && a ? a.port : 0));
    });
  });
  const a = await refusal(`http://127.0.0.1:${closed}/r.json`, { ...OPTS, timeoutMs: 500 });
  // TEST-NET-1 is never routed: the connection times out or the network says unreachable.
  const b = await refusal('http://192.0.2.1:81/r.json', { ...OPTS, timeoutMs: 500 });
  assert.equal(a.reason, b.reason);
  assert.equal(a.message.replace(/^[^ ]+: /, ''), b.message.replace(/^[^ ]+: /, ''));
  assert.equal(b.message, 'http://192.0.2.1:81/r.json: no connection (refused, unreachable or timed out)');
});

test('gzip: a body is inflated, a bomb stops at the byte limit', async () => {
  rules('allowedCIDRs: [127.0.0.1/32]\n');
  const ok = await httpGet(`http://127.0.0.1:${targetPort}/gz`, OPTS);
  assert.equal(ok.body.toString(), '{"a":1}');
  const e = await refusal(`http://127.0.0.1:${targetPort}/bomb`);
  assert.equal(e.reason, 'ResponseTooLarge');
  assert.equal(
    e.message,
    `http://127.0.0.1:${targetPort}/bomb: gzip response inflates beyond the limit of 1048576 bytes`,
  );
});

test('a timeout longer than the 10m cap is cut to it (600h never overflows a timer)', async () => {
  rules('allowedCIDRs: [127.0.0.1/32]\n');
  const r = await httpGet(`http://127.0.0.1:${targetPort}/r.json`, { ...OPTS, timeoutMs: 600 * 3_600_000 });
  assert.equal(r.status, 200);
});
