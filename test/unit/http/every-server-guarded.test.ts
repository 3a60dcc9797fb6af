/**
 * Structural: every HTTP server in src takes its listener from src/http/guard.ts, and nothing outside
 * the guard reads `req.url` as a URL. A new server (or a handler that parses the target itself) fails
 * here before a malformed request can end it.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';

const root = resolve(import.meta.dirname, '../../..');
const files = (readdirSync(join(root, 'src'), { recursive: true }) as string[])
  .filter((f) => f.endsWith('.ts'))
  .map((f) => join(root, 'src', f));
const text = (f: string) => readFileSync(f, 'utf8');
const servesHttp = (src: string) =>
  /from 'node:(http|https|http2)'/.test(src) && /\bcreate(Secure)?Server\(/.test(src);

test('every file that creates an HTTP server wraps its listener in guarded() and guardServer()', () => {
  const servers = files.filter((f) => servesHttp(text(f)));
  assert.ok(servers.length >= 3, `found ${servers.map((f) => relative(root, f)).join(', ')}`);
  const unguarded = servers
    .filter((f) => !/\bguarded\(/.test(text(f)) || !/\bguardServer\(/.test(text(f)))
    .map((f) => relative(root, f));
  assert.deepEqual(unguarded, []);
});

test('no file but the guard parses req.url', () => {
  const parsing = files
    .filter((f) => !f.endsWith(join('src', 'http', 'guard.ts')))
    .filter((f) => /new URL\(\s*req(uest)?\.url|req(uest)?\.url\s*(\?\?[^)]*)?\)?\.split\(/.test(text(f)))
    .map((f) => relative(root, f));
  assert.deepEqual(parsing, []);
});
