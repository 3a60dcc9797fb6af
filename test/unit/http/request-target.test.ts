/** parseRequestTarget (src/http/guard.ts): what every server of ours reads from a request target, as a table. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseRequestTarget } from '../../../src/http/guard.ts';

const NOT_A_PATH = 'Malformed request target: expected a path starting with /';
const NOT_A_URL = 'Malformed request target: not a valid absolute URL';
const BAD_ESCAPE = 'Malformed request target: invalid percent-encoding in the path';

const cases: [raw: string | undefined, path: string, search?: string][] = [
  ['/v0.1/servers', '/v0.1/servers'],
  ['/v0.1/servers?limit=5&x=%', '/v0.1/servers', '?limit=5&x=%'],
  ['//x:99999/', '//x:99999/'],
  ['//[/', '//[/'],
  ['//@/', '//@/'],
  ['///', '///'],
  ['/a/../b/./c', '/b/c'],
  ['/../../etc/passwd', '/etc/passwd'],
  ['/%2e%2e/x', '/x'],
  ['/a%2Fb', '/a%2Fb'],
  ['/servers/%C3%28', '/servers/%C3%28'],
  ['/é', '/%C3%A9'],
  ['/a#frag', '/a'],
  ['http://attacker.example/v0.1/servers?limit=1', '/v0.1/servers', '?limit=1'],
  ['HTTPS://x/healthz', '/healthz'],
];
for (const [raw, path, search = ''] of cases)
  test(`${raw} reads as path ${path}`, () => {
    const r = parseRequestTarget(raw);
    assert.ok(r.ok, JSON.stringify(r));
    assert.equal(r.target.path, path);
    assert.equal(r.target.search, search);
  });

const refused: [raw: string | undefined, message: string][] = [
  [undefined, NOT_A_PATH],
  ['', NOT_A_PATH],
  ['*', NOT_A_PATH],
  ['x:1', NOT_A_PATH],
  ['javascript:alert(1)', NOT_A_PATH],
  ['file:///etc/passwd', NOT_A_PATH],
  ['http:/x', NOT_A_PATH],
  ['http://[/', NOT_A_URL],
  ['http://x:99999/', NOT_A_URL],
  ['https://[::1/', NOT_A_URL],
  ['//%/', BAD_ESCAPE],
  ['/%', BAD_ESCAPE],
  ['/%zz', BAD_ESCAPE],
  ['/a%2', BAD_ESCAPE],
  ['http://x/%', BAD_ESCAPE],
];
for (const [raw, message] of refused)
  test(`${raw} is refused: ${message}`, () => {
    assert.deepEqual(parseRequestTarget(raw), { ok: false, message });
  });

test('the query is read from the target, never from a Host or an authority', () => {
  const r = parseRequestTarget('http://evil.example:1/x?tag=a&tag=b');
  assert.ok(r.ok);
  assert.deepEqual(r.target.query.getAll('tag'), ['a', 'b']);
});
