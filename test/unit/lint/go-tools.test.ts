/**
 * Every Go tool the tests build goes through scripts/go-tool.sh (issue #27): one cache layout, one
 * stamp rule, per-process scratch directories. A build script that hand-rolls its own cache again
 * (and its own races: two runs sharing one `.tmp` directory once failed a CI run) fails here.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync, existsSync } from 'node:fs';
import { join, resolve } from 'node:path';

const root = resolve(import.meta.dirname, '../../..');
const scripts = readdirSync(join(root, 'test'))
  .map((d) => join('test', d, 'build.sh'))
  .filter((p) => existsSync(join(root, p)));

test('there are Go tool build scripts to check', () => {
  assert.ok(scripts.length >= 6, scripts.join(', '));
});

for (const script of scripts)
  test(`${script} builds through scripts/go-tool.sh`, () => {
    const text = readFileSync(join(root, script), 'utf8');
    assert.match(text, /source "\$here\/\.\.\/\.\.\/scripts\/go-tool\.sh"/);
    assert.match(text, /go_tool_build /);
    assert.doesNotMatch(text, /sha256sum|\.tmp"/, 'the cache key and scratch directory belong to go-tool.sh');
  });
