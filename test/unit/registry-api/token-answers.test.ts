/**
 * What a token checker keeps of its answers (src/registry-api/access/token-answers.ts): by digest,
 * each until its own time on the checker's clock, bounded by count, and `reusable` only for an
 * answer object it keeps and only within that time.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { TokenAnswers } from '../../../src/registry-api/access/token-answers.ts';

test('an answer holds until its time and not after; a time not in the future keeps nothing', () => {
  let now = 1_000;
  const answers = new TokenAnswers<{ ok: boolean }>(() => now);
  const key = TokenAnswers.keyOf('token-a');
  const yes = { ok: true };
  answers.keep(key, yes, 1_500, 300);
  assert.equal(answers.get(key), yes);
  assert.equal(answers.reusable(yes), true);
  now = 1_499;
  assert.equal(answers.get(key), yes);
  now = 1_500;
  assert.equal(answers.get(key), undefined);
  assert.equal(answers.reusable(yes), false);
  const late = { ok: true };
  answers.keep(TokenAnswers.keyOf('token-b'), late, now, 300);
  assert.equal(answers.get(TokenAnswers.keyOf('token-b')), undefined);
  assert.equal(answers.reusable(late), false);
});

test('keyed by digest: another token, or an equal-looking answer not kept, is not an answer', () => {
  const answers = new TokenAnswers<{ ok: boolean }>(() => 0);
  const kept = { ok: true };
  answers.keep(TokenAnswers.keyOf('token-a'), kept, 10, 300);
  assert.equal(answers.get(TokenAnswers.keyOf('token-a ')), undefined);
  assert.notEqual(TokenAnswers.keyOf('token-a'), 'token-a');
  assert.equal(answers.reusable({ ok: true }), false);
});

test('bounded by count: the least recently used answer goes first', () => {
  const answers = new TokenAnswers<{ n: number }>(() => 0, 2);
  const [a, b, c] = ['a', 'b', 'c'].map((t) => TokenAnswers.keyOf(t));
  answers.keep(a!, { n: 1 }, 10, 300);
  answers.keep(b!, { n: 2 }, 10, 300);
  answers.get(a!);
  answers.keep(c!, { n: 3 }, 10, 300);
  assert.deepEqual(answers.get(a!), { n: 1 });
  assert.equal(answers.get(b!), undefined);
  assert.deepEqual(answers.get(c!), { n: 3 });
});
