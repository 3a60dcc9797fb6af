/**
 * When admission checks spec.api.authorization.policiesConfigMapRef (src/admission/policy-configmap.ts)
 * and the words it uses; and the webhook's Cedar checker (src/webhook/cedar-check.ts) on its worker
 * thread: Cedar's messages, the bounds, and an event loop that keeps turning while Cedar works.
 */
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import {
  policiesForbidden,
  policiesInvalid,
  policiesMissing,
  policiesUnchecked,
  policyQuestion,
} from '../../../src/admission/policy-configmap.ts';
import { formatFieldError } from '../../../src/api/field-error.ts';
import { CedarChecker } from '../../../src/webhook/cedar-check.ts';

const reg = (ref?: Record<string, unknown>) => ({
  metadata: { name: 'r', namespace: 'team-a' },
  spec: { api: ref ? { authorization: { policiesConfigMapRef: ref } } : {} },
});

test('policyQuestion: asked on create and when the reference changes, never otherwise', () => {
  const cases: [string, unknown, unknown, ReturnType<typeof policyQuestion>][] = [
    ['no policies', reg(), undefined, undefined],
    [
      'create, default key',
      reg({ name: 'p' }),
      undefined,
      { namespace: 'team-a', name: 'p', key: 'policies.cedar' },
    ],
    [
      'create, named key',
      reg({ name: 'p', key: 'k' }),
      undefined,
      { namespace: 'team-a', name: 'p', key: 'k' },
    ],
    [
      'update, unchanged (a later broken ConfigMap does not block edits)',
      reg({ name: 'p' }),
      reg({ name: 'p', key: 'policies.cedar' }),
      undefined,
    ],
    [
      'update, another ConfigMap',
      reg({ name: 'q' }),
      reg({ name: 'p' }),
      { namespace: 'team-a', name: 'q', key: 'policies.cedar' },
    ],
    [
      'update, another key',
      reg({ name: 'p', key: 'k2' }),
      reg({ name: 'p', key: 'k' }),
      { namespace: 'team-a', name: 'p', key: 'k2' },
    ],
    [
      'update, policies added',
      reg({ name: 'p' }),
      reg(),
      { namespace: 'team-a', name: 'p', key: 'policies.cedar' },
    ],
  ];
  for (const [name, obj, old, want] of cases) assert.deepEqual(policyQuestion(obj, old), want, name);
});

test('the messages a user sees', () => {
  const q = { namespace: 'team-a', name: 'p', key: 'policies.cedar' };
  assert.equal(
    formatFieldError(policiesForbidden(q, { username: 'carol' })),
    'spec.api.authorization.policiesConfigMapRef.name: Forbidden: user "carol" cannot get ConfigMap "p" in namespace "team-a" (missing permission: get configmaps): a spec may name only policies its author may read',
  );
  assert.equal(
    formatFieldError(policiesInvalid(q, 'unexpected token `}`')),
    'spec.api.authorization.policiesConfigMapRef: Invalid value: "p/policies.cedar": invalid Cedar policies in ConfigMap "p" key "policies.cedar": unexpected token `}`',
  );
  assert.equal(
    policiesMissing(q, false),
    'spec.api.authorization.policiesConfigMapRef: ConfigMap "p" does not exist in namespace "team-a"; the registry API refuses every read until it holds valid Cedar policies',
  );
  assert.equal(
    policiesMissing(q, true),
    'spec.api.authorization.policiesConfigMapRef: ConfigMap "p" has no key "policies.cedar"; the registry API refuses every read until it holds valid Cedar policies',
  );
  assert.equal(
    policiesUnchecked(q, 'the Kubernetes API did not answer within 2 s'),
    'spec.api.authorization.policiesConfigMapRef: the policies in ConfigMap "p" were not checked (the Kubernetes API did not answer within 2 s); the registry API checks them when it loads them and refuses every read while none are valid',
  );
});

const checker = new CedarChecker(30_000);
after(() => checker.close());

test('CedarChecker: Cedar’s message and the bounds, from the worker thread', async () => {
  assert.deepEqual(await checker.check('permit(principal, action, resource);'), {});
  assert.equal(
    (await checker.check('permit(principal, action, resource) when { resource.x == };')).invalid,
    'unexpected token `}` (line 1, column 58: expected `!`, `(`, `-`, `[`, `{`, `false`, identifier, `if`, number, `?principal`, `?resource`, string literal, or `true`)',
  );
  assert.equal(
    (
      await checker.check(
        `permit(principal, action, resource) when { ${'('.repeat(100)}true${')'.repeat(100)} };`,
      )
    ).invalid,
    'line 1: brackets nested 101 deep; at most 24 levels are accepted',
  );
});

test('CedarChecker: a heavy policy text is checked while the event loop keeps turning', async () => {
  const one = `permit(principal, action, resource) when { ${'('.repeat(22)} ${Array(150).fill('1').join(' + ')} ${')'.repeat(22)} == 1 };\n`;
  const text = one.repeat(Math.floor((64 * 1024 - 100) / one.length));
  let turns = 0;
  let done = false;
  const spin = () => {
    turns++;
    if (!done) setImmediate(spin);
  };
  setImmediate(spin);
  const result = await checker.check(text);
  done = true;
  assert.deepEqual(result, {});
  // Parsing this on the event loop would leave it at one or two turns; on the worker it keeps turning.
  assert.ok(turns > 50, `the event loop turned ${turns} times while Cedar checked`);
});

test('CedarChecker: past its deadline a check is unchecked (a warning), and the next check works', async () => {
  const hasty = new CedarChecker(1);
  try {
    assert.deepEqual(await hasty.check('permit(principal, action, resource);'), {
      unchecked: 'Cedar did not finish checking them within 0.001 s',
    });
  } finally {
    hasty.close();
  }
  assert.deepEqual(await checker.check('forbid(principal, action, resource);'), {});
});
