/**
 * The Cedar model of per-entry authorization (SPEC §13): who the caller is, which attributes a policy
 * reads, decisions, and the messages a policy author sees (Cedar's own, and the bounds that keep
 * cedar-wasm from overflowing its stack). Table tests over the real cedar-wasm.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  ANONYMOUS,
  CedarPolicies,
  PolicyError,
  callerOf,
  principalEntity,
  type EntryFacts,
} from '../../../src/registry-api/access/authorize-cedar.ts';
import { POLICY_BOUNDS, policyTextProblems } from '../../../src/admission/api/cedar-bounds.ts';

const entry = (over: Partial<EntryFacts> = {}): EntryFacts => ({
  name: 'fetch',
  serverName: 'io.github.stacklok/fetch',
  tags: ['web'],
  tier: 'Official',
  source: 'configmap/x',
  status: 'active',
  kind: 'container',
  ...over,
});

test('callerOf: what authentication established becomes the Cedar principal', () => {
  const cases: [string, Parameters<typeof callerOf>[0], ReturnType<typeof callerOf>][] = [
    ['no authentication', undefined, ANONYMOUS],
    [
      'an API key',
      { subject: 'api-key' },
      { kind: 'apikey', name: 'api-key', groups: [], namespace: '', claims: {} },
    ],
    [
      'a ServiceAccount with groups',
      { subject: 'system:serviceaccount:team-a:reader', groups: ['system:serviceaccounts'] },
      {
        kind: 'serviceaccount',
        name: 'system:serviceaccount:team-a:reader',
        groups: ['system:serviceaccounts'],
        namespace: 'team-a',
        claims: {},
      },
    ],
    [
      'a user with claims: only what Cedar holds plainly is kept',
      {
        subject: 'alice',
        claims: {
          email: 'a@x',
          level: 3,
          admin: true,
          roles: ['r1'],
          nested: { a: 1 },
          big: 2 ** 60,
          mixed: [1, 'a'],
        },
      },
      {
        kind: 'user',
        name: 'alice',
        groups: [],
        namespace: '',
        claims: { email: 'a@x', level: 3, admin: true, roles: ['r1'] },
      },
    ],
  ];
  for (const [name, input, want] of cases) assert.deepEqual(callerOf(input), want, name);
});

test('CedarPolicies.parse: ids from @id, and the entry attributes the policies read', () => {
  const cases: [string, string, readonly string[], readonly string[] | undefined][] = [
    [
      'tags only',
      '@id("t") permit(principal, action, resource) when { resource.tags.contains("web") };',
      ['t'],
      ['tags'],
    ],
    [
      'several attributes, has',
      'permit(principal, action, resource) when { resource has tier && resource.tier == "Official" }; forbid(principal, action, resource) when { resource.status == "deprecated" };',
      ['policy0', 'policy1'],
      ['status', 'tier'],
    ],
    ['no resource condition', 'permit(principal in Group::"staff", action, resource);', ['policy0'], []],
    [
      'resource scope names an entity',
      'permit(principal, action, resource == Server::"fetch");',
      ['policy0'],
      undefined,
    ],
    [
      'resource compared as a whole',
      'permit(principal, action, resource) when { resource == Server::"fetch" };',
      ['policy0'],
      undefined,
    ],
    [
      'an attribute entries do not have',
      'permit(principal, action, resource) when { resource.owner == "x" };',
      ['policy0'],
      undefined,
    ],
  ];
  for (const [name, text, ids, reads] of cases) {
    const p = CedarPolicies.parse(text);
    assert.deepEqual(p.ids, ids, name);
    assert.deepEqual(p.reads, reads, name);
  }
});

test('CedarPolicies.parse: what an author sees for a policy Cedar or the bounds refuse', () => {
  const deep = `permit(principal, action, resource) when { ${'('.repeat(5000)}true${')'.repeat(5000)} };`;
  const long = `permit(principal, action, resource) when { ${Array(300).fill('1').join(' + ')} == 1 };`;
  const cases: [string, string, string][] = [
    [
      "a syntax error: Cedar's message and where",
      'permit(principal, action, resource) when { resource.x == };',
      'unexpected token `}` (line 1, column 58: expected `!`, `(`, `-`, `[`, `{`, `false`, identifier, `if`, number, `?principal`, `?resource`, string literal, or `true`)',
    ],
    [
      'an unknown effect',
      'allow(principal, action, resource);',
      'invalid policy effect: allow (line 1, column 1); effect must be either `permit` or `forbid`',
    ],
    [
      'two policies with one id',
      '@id("a") permit(principal, action, resource); @id("a") forbid(principal, action, resource);',
      'two policies have the id "a": each @id must be unique',
    ],
    [
      'a template',
      'permit(principal == ?principal, action, resource);',
      'policy templates are not supported: write static policies',
    ],
    [
      '5,000 parentheses deep',
      deep,
      'line 1: brackets nested 5001 deep; at most 24 levels are accepted; line 1: a policy of more than 400 tokens; split it into several policies',
    ],
    ['a 600-token chain', long, 'line 1: a policy of more than 400 tokens; split it into several policies'],
    [
      'over the size cap',
      `// ${'x'.repeat(POLICY_BOUNDS.maxBytes)}\npermit(principal, action, resource);`,
      `the policies are ${POLICY_BOUNDS.maxBytes + 40} bytes; at most ${POLICY_BOUNDS.maxBytes} are accepted`,
    ],
  ];
  for (const [name, text, message] of cases)
    assert.throws(
      () => CedarPolicies.parse(text),
      (e: unknown) => e instanceof PolicyError && e.message === message,
      name,
    );
  // Nothing above reached cedar-wasm's stack limit: it still parses and decides afterwards.
  assert.equal(
    CedarPolicies.parse('permit(principal, action, resource);').decide(principalEntity(ANONYMOUS), entry())
      .allowed,
    true,
  );
});

test('policyTextProblems: strings and comments are not brackets; 24 levels pass, 25 do not', () => {
  const nest = (n: number) =>
    `permit(principal, action, resource) when { ${'['.repeat(n - 1)}${']'.repeat(n - 1)} == [] };`;
  assert.deepEqual(policyTextProblems(nest(24)), []);
  assert.deepEqual(policyTextProblems(nest(25)), [
    'line 1: brackets nested 25 deep; at most 24 levels are accepted',
  ]);
  assert.deepEqual(
    policyTextProblems(
      `permit(principal, action, resource) when { resource.name == "${'('.repeat(100)}" }; // ${'{'.repeat(100)}`,
    ),
    [],
  );
  assert.equal(CedarPolicies.parse(nest(24)).ids.length, 1);
});

test('decide: callers and entries as policies see them', () => {
  const p = CedarPolicies.parse(`
    @id("public") permit(principal, action, resource) unless { resource.tags.contains("internal") };
    @id("staff") permit(principal in Group::"staff", action, resource);
    @id("team-a-sa") permit(principal is ServiceAccount, action, resource) when { principal.namespace == "team-a" };
    @id("claims") permit(principal, action, resource) when { principal.claims has level && principal.claims.level >= 3 };
    @id("no-deprecated") forbid(principal, action, resource) when { resource.status == "deprecated" && !principal.authenticated };
  `);
  const internal = entry({ tags: ['internal'] });
  const cases: [string, ReturnType<typeof callerOf>, EntryFacts, boolean, string[]][] = [
    ['anonymous, public entry', ANONYMOUS, entry(), true, ['public']],
    ['anonymous, internal entry', ANONYMOUS, internal, false, []],
    ['anonymous, deprecated entry', ANONYMOUS, entry({ status: 'deprecated' }), false, ['no-deprecated']],
    ['a member of staff', callerOf({ subject: 'bob', groups: ['staff'] }), internal, true, ['staff']],
    [
      'a team-a ServiceAccount',
      callerOf({ subject: 'system:serviceaccount:team-a:r' }),
      internal,
      true,
      ['team-a-sa'],
    ],
    ['a team-b ServiceAccount', callerOf({ subject: 'system:serviceaccount:team-b:r' }), internal, false, []],
    ['a claim', callerOf({ subject: 'c', claims: { level: 3 } }), internal, true, ['claims']],
    [
      'an authenticated user, deprecated entry',
      callerOf({ subject: 'd' }),
      entry({ status: 'deprecated' }),
      true,
      ['public'],
    ],
  ];
  for (const [name, caller, facts, allowed, policies] of cases) {
    const d = p.decide(principalEntity(caller), facts);
    assert.equal(d.allowed, allowed, name);
    assert.deepEqual([...d.policies].sort(), policies, name);
  }
  assert.equal(
    p.classKey(entry({ name: 'a' })),
    p.classKey(entry({ name: 'b' })),
    'names are not read: one class',
  );
  assert.notEqual(p.classKey(entry()), p.classKey(internal));
});

test('callerReads and callerKey: callers the policies cannot tell apart share one class', () => {
  const cases: [string, string, readonly string[] | undefined][] = [
    ['no caller condition', 'permit(principal, action, resource);', []],
    ['a group in the scope', 'permit(principal in Group::"staff", action, resource);', ['groups']],
    [
      'a group in a condition',
      'permit(principal, action, resource) when { principal in Group::"staff" };',
      ['groups'],
    ],
    [
      'a set of groups',
      'permit(principal, action, resource) when { principal in [Group::"a", Group::"b"] };',
      ['groups'],
    ],
    [
      'a type',
      'permit(principal is ServiceAccount, action, resource) when { principal.namespace == "a" };',
      ['namespace'],
    ],
    [
      'a claim',
      'permit(principal, action, resource) when { principal.claims has level && principal.claims.level > 1 };',
      ['claims'],
    ],
    ['one user by uid', 'permit(principal == User::"alice", action, resource);', undefined],
    [
      'one user in a condition',
      'permit(principal, action, resource) when { principal == User::"alice" };',
      undefined,
    ],
    ['in a user entity', 'permit(principal in User::"alice", action, resource);', undefined],
    [
      'an unknown attribute',
      'permit(principal, action, resource) when { principal.email == "a" };',
      undefined,
    ],
  ];
  for (const [name, text, reads] of cases)
    assert.deepEqual(CedarPolicies.parse(text).callerReads, reads, name);
  const groups = CedarPolicies.parse('permit(principal in Group::"staff", action, resource);');
  const alice = callerOf({ subject: 'alice', groups: ['staff'] });
  const bob = callerOf({ subject: 'bob', groups: ['staff'] });
  assert.equal(groups.callerKey(alice), groups.callerKey(bob));
  assert.notEqual(groups.callerKey(alice), groups.callerKey(callerOf({ subject: 'carol', groups: [] })));
  assert.notEqual(
    groups.callerKey(alice),
    groups.callerKey(callerOf({ subject: 'system:serviceaccount:a:b', groups: ['staff'] })),
    'the type always counts',
  );
  const byName = CedarPolicies.parse(
    'permit(principal, action, resource) when { principal.name == "alice" };',
  );
  assert.notEqual(byName.callerKey(alice), byName.callerKey(bob));
});
