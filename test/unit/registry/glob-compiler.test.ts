import { test } from 'node:test';
import assert from 'node:assert/strict';
import { GlobCompiler, globSyntaxError, parseGlob } from '../../../src/registry/filter/glob.ts';

test('a GlobCompiler compiles a pattern once and stays within its bound', () => {
  const c = new GlobCompiler(3);
  const a = c.parse('io.github.*/*');
  assert.ok(a.ok);
  assert.equal(c.parse('io.github.*/*'), a, 'the second parse is the cached result');
  assert.equal(c.size, 1);
  c.parse('a*');
  c.parse('b*');
  assert.equal(c.size, 3);
  c.parse('c*');
  assert.equal(c.size, 1, 'cleared when full, then holds the new pattern');
  assert.deepEqual(new GlobCompiler().parse('[a-'), { ok: false, error: 'unclosed [ at position 1' });
  assert.equal(new GlobCompiler().size, 0, 'a fresh compiler shares nothing');
});

test('globSyntaxError agrees with parseGlob on valid and invalid patterns, with or without the fast path', () => {
  const patterns = [
    'io.github.*',
    'a?b',
    '*',
    '',
    'x[',
    'x[abc]',
    'x[!a-z]*',
    'a\\',
    'a\\*',
    '[😀-😀]',
    'x]y',
    '😀*',
  ];
  for (const p of patterns) {
    const parsed = parseGlob(p);
    assert.equal(globSyntaxError(p), parsed.ok ? undefined : parsed.error, p);
  }
  assert.equal(globSyntaxError('x['), 'unclosed [ at position 2');
  assert.equal(globSyntaxError('a\\'), 'trailing \\ escapes nothing');
});
