/**
 * Lenient where the official registry is (SPEC §14), judged by the official server itself: the same
 * requests to it (built from its Go module, on PostgreSQL; test/support/upstream-registry.ts) and to
 * thv-registry-api serving the same servers, with the same status class and the same servers listed
 * (or the same redirect). Empty `version=`, Go's boolean spellings of `include_deleted`, cursors in
 * the official server's own form and made-up ones, trailing slashes. Our 501s for publisher log-in and
 * validation differ from it by design (nothing is published here): test/unit/registry-api/leniency.test.ts.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { serverJson, startUpstreamRegistry, type UpstreamRegistry } from '../../support/upstream-registry.ts';
import { startApi, type ApiProcess } from '../ui/browser.ts';

const SERVERS = Array.from({ length: 12 }, (_, i) =>
  serverJson(`io.example.lenient/s-${String(i).padStart(2, '0')}`, '1.0.0'),
);

let official: UpstreamRegistry;
let ours: ApiProcess;

before(async () => {
  const dir = mkdtempSync(join(tmpdir(), 'mcpr-lenient-'));
  const file = join(dir, 'servers.json');
  writeFileSync(file, JSON.stringify(SERVERS));
  [official, ours] = await Promise.all([startUpstreamRegistry({ seed: SERVERS }), startApi(file)]);
});
after(async () => {
  await Promise.all([official?.stop(), ours?.stop()]);
});

interface Answer {
  class: string;
  location?: string | null;
  names?: string[];
}

async function ask(base: string, path: string, method = 'GET'): Promise<Answer> {
  const r = await fetch(base + path, { method, redirect: 'manual' });
  const text = await r.text();
  const out: Answer = { class: `${String(r.status)[0]}xx` };
  // Compared decoded: the official server decodes %2F in the Location (so its redirect of
  // `…/io.example%2Fx/versions/` then names a path its own router does not serve); ours keeps it.
  if (r.status >= 300 && r.status < 400) out.location = decodeURIComponent(r.headers.get('location') ?? '');
  if (r.status === 200 && path.includes('/servers')) {
    const body = JSON.parse(text) as { servers?: { server: { name: string } }[]; server?: { name: string } };
    out.names = body.servers ? body.servers.map((s) => s.server.name) : [body.server?.name ?? ''];
  }
  return out;
}

async function same(path: string, method = 'GET'): Promise<Answer> {
  const [theirs, mine] = await Promise.all([
    ask(official.baseURL, path, method),
    ask(ours.url, path, method),
  ]);
  assert.deepEqual(mine, theirs, `${method} ${path}`);
  return mine;
}

test('empty version= and include_deleted spellings: the same servers as the official server', async () => {
  const all = await same('/v0.1/servers');
  assert.equal(all.names?.length, SERVERS.length);
  assert.deepEqual(await same('/v0.1/servers?version='), all);
  assert.deepEqual(await same('/v0/servers?version=&limit=30'), all);
  for (const v of ['', '1', 't', 'T', 'TRUE', 'true', 'True', '0', 'f', 'F', 'FALSE', 'false', 'False'])
    assert.deepEqual(await same(`/v0.1/servers?include_deleted=${v}`), all, `include_deleted=${v}`);
  for (const v of ['yes', 'on', '2'])
    assert.equal((await same(`/v0.1/servers?include_deleted=${v}`)).class, '4xx');
  const one = encodeURIComponent(SERVERS[4]!.name);
  for (const v of ['1', 'T', 'False']) {
    await same(`/v0.1/servers/${one}/versions?include_deleted=${v}`);
    await same(`/v0.1/servers/${one}/versions/latest?include_deleted=${v}`);
  }
});

test("cursors: the official server's own, and made-up ones, page alike", async () => {
  const first = (await (await fetch(`${official.baseURL}/v0.1/servers?limit=3`)).json()) as {
    metadata: { nextCursor: string };
  };
  const cursors = [
    first.metadata.nextCursor, // name:version, as the official server makes them
    SERVERS[7]!.name, // a bare name
    `${SERVERS[7]!.name}:0.0.1`, // an older version of a listed server: that server comes next
    'io.example.lenient/s-055', // between two names
    'zzz', // after everything
    'aaa', // before everything
    '!!', // not a name at all
  ];
  for (const c of cursors) await same(`/v0.1/servers?limit=4&cursor=${encodeURIComponent(c)}`);
});

test('trailing slashes: the same 308 and Location as the official server', async () => {
  for (const path of [
    '/v0.1/servers/',
    '/v0.1/servers/?limit=2&version=latest',
    '/v0/servers/',
    `/v0.1/servers/${encodeURIComponent(SERVERS[1]!.name)}/versions/`,
    '//evil.example/',
  ]) {
    const a = await same(path);
    assert.equal(a.class, '3xx', path);
    await same(path, 'POST');
  }
});
