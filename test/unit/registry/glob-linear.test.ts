/**
 * Globs match in linear time (issue #12.3) with exactly the semantics they had as regular
 * expressions. The oracle below is the former regex compiler, kept here verbatim in behaviour: random
 * patterns over the glob alphabet must give the same verdicts and the same errors.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { filterCatalog, catalogOf, makeCatalogServer, parseGlob } from '../../../src/registry/index.ts';

/** The pre-#12 implementation: glob → anchored regex (backtracking). */
function oracle(pattern: string): { ok: true; regex: RegExp } | { ok: false; error: string } {
  const escape = (c: string) => (/[.*+?^${}()|[\]\\]/.test(c) ? `\\${c}` : c);
  const escapeClass = (c: string) => (/[\]\\^[]/.test(c) ? `\\${c}` : c);
  const classEnd = (start: number) => {
    let i = start + 1;
    if (pattern[i] === '!' || pattern[i] === '^') i++;
    if (pattern[i] === ']') i++;
    for (; i < pattern.length; i++) {
      if (pattern[i] === '\\') i++;
      else if (pattern[i] === ']') return i;
    }
    return -1;
  };
  let re = '^';
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i]!;
    if (c === '*') re += '[\\s\\S]*';
    else if (c === '?') re += '[\\s\\S]';
    else if (c === '\\') {
      const next = pattern[i + 1];
      if (next === undefined) return { ok: false, error: 'trailing \\ escapes nothing' };
      re += escape(next);
      i++;
    } else if (c === '[') {
      const end = classEnd(i);
      if (end < 0) return { ok: false, error: `unclosed [ at position ${i + 1}` };
      let body = pattern.slice(i + 1, end);
      const negate = body.startsWith('!') || body.startsWith('^');
      if (negate) body = body.slice(1);
      const cls = [...body].map((ch) => (ch === '-' ? '-' : escapeClass(ch))).join('');
      re += `[${negate ? '^' : ''}${cls}]`;
      try {
        new RegExp(`[${cls}]`);
      } catch {
        return { ok: false, error: `invalid class [${pattern.slice(i + 1, end)}] at position ${i + 1}` };
      }
      i = end;
    } else re += escape(c);
  }
  return { ok: true, regex: new RegExp(`${re}$`, 'u') };
}

// Small alphabets so that random patterns and names actually meet.
const patternChar = fc.constantFrom('a', 'b', '/', '.', '-', '*', '?', '[', ']', '!', '^', '\\', 'é', '😀');
const nameChar = fc.constantFrom('a', 'b', '/', '.', '-', ']', '!', '\\', 'é', '😀', '*', '?');

test('random patterns: same verdicts and errors as the former regex semantics (property)', () => {
  fc.assert(
    fc.property(
      fc.array(patternChar, { maxLength: 12 }).map((a) => a.join('')),
      fc.array(
        fc.array(nameChar, { maxLength: 10 }).map((a) => a.join('')),
        { minLength: 1, maxLength: 8 },
      ),
      (pattern, names) => {
        const want = oracle(pattern);
        const got = parseGlob(pattern);
        if (!want.ok) return void assert.deepEqual(got, want);
        assert.equal(got.ok, true, `${JSON.stringify(pattern)} should parse`);
        if (!got.ok) return;
        for (const n of names)
          assert.equal(
            got.glob.test(n),
            want.regex.test(n),
            `${JSON.stringify(pattern)} on ${JSON.stringify(n)}`,
          );
      },
    ),
    { numRuns: 8000 },
  );
});

test('random names built to match a pattern: both agree (property)', () => {
  // Names derived from the pattern itself exercise the matching branches, not just early misses.
  fc.assert(
    fc.property(
      fc.array(fc.constantFrom('a', 'b', '*', '?', '[ab]', '[!a]', '\\*', '/'), { maxLength: 10 }),
      fc.array(fc.constantFrom('', 'a', 'b', 'ab', '/x', '*'), { maxLength: 10 }),
      (parts, fills) => {
        const pattern = parts.join('');
        const name = parts
          .map((p, i) =>
            p === '*' ? (fills[i] ?? '') : p === '?' || p.startsWith('[') ? 'b' : p.replace('\\', ''),
          )
          .join('');
        const want = oracle(pattern);
        const got = parseGlob(pattern);
        assert.ok(want.ok && got.ok);
        assert.equal(got.glob.test(name), want.regex.test(name), `${pattern} on ${name}`);
      },
    ),
    { numRuns: 5000 },
  );
});

test('the ReDoS pattern of issue #12 costs at most (name + 1) × (pattern + 1) character tests', () => {
  const pattern = '*a*a*a*a*a*a*a*a*a*b';
  const r = parseGlob(pattern);
  assert.ok(r.ok);
  const name = 'a'.repeat(60);
  const { matched, steps } = r.glob.count(name);
  assert.equal(matched, false);
  assert.ok(steps <= (name.length + 1) * (pattern.length + 1), `${steps} steps`);
  // And the right answer when it does match.
  assert.equal(r.glob.count(`${'a'.repeat(59)}b`).matched, true);
});

test('the ReDoS pattern over a 10,000-server catalog completes with a bounded number of steps', () => {
  const pattern = '*a*a*a*a*a*a*a*a*a*b';
  const r = parseGlob(pattern);
  assert.ok(r.ok);
  const names = Array.from({ length: 10_000 }, (_, i) => `${'a'.repeat(55)}${String(i).padStart(5, '0')}`);
  let total = 0;
  for (const n of names) total += r.glob.count(n).steps;
  assert.ok(total <= names.length * 61 * (pattern.length + 1), `${total} steps`);
  // The filter itself (the path a sync takes) gives the expected, empty, result.
  const catalog = catalogOf(
    names.map((name) =>
      makeCatalogServer({
        name,
        kind: 'upstream-only',
        upstream: { name, description: 'd', version: '1' },
      }),
    ),
  );
  const out = filterCatalog(catalog, { names: { include: [pattern] } });
  assert.equal(out.servers.length, 0);
});
