/**
 * `--auth api-keys`: keys from a file laid out like a mounted Secret key, compared by digest; a key
 * added or revoked by rewriting the file works without a restart (the kubelet rewrites a mounted
 * Secret when it is edited); a file that goes missing keeps the last keys; the protected-resource
 * document names no authorization server.
 */
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { catalogOfFixture, startApi } from './harness.ts';
import { KeyFile } from '../../../src/registry-api/access/api-keys.ts';

const dir = mkdtempSync(join(tmpdir(), 'mcpr-api-keys-'));
after(() => rmSync(dir, { recursive: true, force: true }));

/** Replaces the file in one rename, as the kubelet swaps a Secret volume's contents. */
function writeKeys(path: string, text: string): void {
  writeFileSync(`${path}.tmp`, text);
  renameSync(`${path}.tmp`, path);
}

test('several keys; a wrong one, a prefix of a right one, or none is refused with the reason', async () => {
  const file = join(dir, 'several');
  writeKeys(file, '# team keys\nalpha-key-1\n\n  beta-key-2  \n');
  const api = await startApi(catalogOfFixture(), { apiKeysFile: file });
  try {
    const call = async (headers: Record<string, string>) => {
      const r = await fetch(`${api.url}/v0.1/servers?limit=1`, { headers });
      return { status: r.status, body: (await r.json()) as { error?: string } };
    };
    assert.equal((await call({ 'X-API-Key': 'alpha-key-1' })).status, 200);
    assert.equal((await call({ Authorization: 'Bearer beta-key-2' })).status, 200);
    for (const wrong of ['alpha-key', 'alpha-key-12', 'gamma', '# team keys'])
      assert.deepEqual(await call({ 'X-API-Key': wrong }), {
        status: 401,
        body: { error: 'Unauthorized: invalid API key' },
      });
    assert.deepEqual(await call({ Authorization: 'Bearer nope' }), {
      status: 401,
      body: { error: 'Unauthorized: invalid API key' },
    });
    assert.deepEqual(await call({}), {
      status: 401,
      body: { error: 'Unauthorized: authentication required' },
    });
  } finally {
    await api.close();
  }
});

test('rotation without restart: a new key works and a removed one stops, once the file is read again', async () => {
  const file = join(dir, 'rotating');
  writeKeys(file, 'old-key\n');
  const api = await startApi(catalogOfFixture(), { apiKeysFile: file }, undefined, {
    mode: 'api-keys',
    registry: 'test',
  });
  try {
    const status = async (key: string) =>
      (await fetch(`${api.url}/ui/catalog.json`, { headers: { Authorization: `Bearer ${key}` } })).status;
    assert.equal(await status('old-key'), 200);
    assert.equal(await status('new-key'), 401);
    writeKeys(file, 'new-key\n');
    await api.auth!.reloadKeys();
    assert.equal(await status('new-key'), 200);
    assert.equal(await status('old-key'), 401);
    // The volume disappears (a Secret deleted, a bad mount): the last keys stay in force.
    rmSync(file);
    await api.auth!.reloadKeys();
    assert.equal(await status('new-key'), 200);
    const meta = await fetch(`${api.url}/.well-known/oauth-protected-resource`);
    assert.deepEqual(await meta.json(), {
      resource: `http://${new URL(api.url).host}`,
      bearer_methods_supported: ['header'],
      resource_name: 'MCP registry test',
      resource_description: 'An API key, as Authorization: Bearer <key> or X-API-Key: <key>.',
    });
  } finally {
    await api.close();
  }
});

test('the watcher reads the file again by itself and reports only how many keys there are', async () => {
  const file = join(dir, 'watched');
  writeKeys(file, 'one\n');
  const counts: number[] = [];
  const keys = new KeyFile(file, { onReload: (n) => counts.push(n) }).watch(20);
  try {
    writeKeys(file, 'one\ntwo\nthree\n');
    // Polls the condition, not the clock: the watcher's own turn makes it true.
    while (!keys.matches('three')) await new Promise((r) => setImmediate(r));
    assert.deepEqual(counts, [1, 3]);
    assert.equal(keys.count, 3);
  } finally {
    keys.stop();
  }
});

test('a keys file missing at start is an error, not an API that refuses everyone', () => {
  assert.throws(() => new KeyFile(join(dir, 'absent')), /ENOENT/);
});

test('under --base-path the challenge and the document name the API where it is, reachable through the prefix', async () => {
  const file = join(dir, 'based');
  writeKeys(file, 'k\n');
  const api = await startApi(
    catalogOfFixture(),
    { apiKeysFile: file },
    undefined,
    { mode: 'api-keys' },
    '/registry',
  );
  try {
    const origin = `http://${new URL(api.url).host}`;
    const none = await fetch(`${api.url}/registry/v0.1/servers`);
    assert.equal(none.status, 401);
    assert.equal(
      none.headers.get('www-authenticate'),
      `Bearer realm="thv-registry-api", resource_metadata="${origin}/registry/.well-known/oauth-protected-resource"`,
    );
    for (const path of [
      '/registry/.well-known/oauth-protected-resource',
      '/.well-known/oauth-protected-resource/registry',
    ]) {
      const meta = await fetch(`${api.url}${path}`);
      assert.equal(meta.status, 200, path);
      assert.equal(((await meta.json()) as { resource: string }).resource, `${origin}/registry`, path);
    }
  } finally {
    await api.close();
  }
});
