/**
 * spec.api.authorization.policiesConfigMapRef at admission (SPEC §13), through the real apiserver and
 * the test stack's webhook, as users with limited RBAC (kubectl --as): invalid Cedar is refused with
 * Cedar's own message, hostile text (5,000 parentheses; 64 KiB of policies Cedar takes most of a second
 * on) is refused by the bounds or checked on the webhook's worker thread, a ConfigMap its author may not
 * read is refused without showing its content, and one not there yet is a warning.
 */
import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import { createNamespace, kubectl, kubectlOk, grantUser } from '../../support/cluster.ts';

let ns: string;

function tenant(user: string, configMaps: boolean): void {
  grantUser(ns, user, [
    { apiGroups: ['toolhive.stacklok.io'], resources: ['mcpregistries'], verbs: ['get', 'create'] },
    ...(configMaps ? [{ apiGroups: [''], resources: ['configmaps'], verbs: ['get'] }] : []),
  ]);
}

const configMap = (name: string, data: Record<string, string>) =>
  kubectlOk(['apply', '-f', '-'], {
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: { name, namespace: ns },
    data,
  });

const registry = (name: string, policies: string, key?: string) => ({
  apiVersion: 'toolhive.stacklok.io/v1beta1',
  kind: 'MCPRegistry',
  metadata: { name, namespace: ns },
  spec: {
    sources: [{ name: 'main', type: 'url', url: { href: 'https://example.com/r.json' } }],
    api: { authorization: { policiesConfigMapRef: { name: policies, ...(key ? { key } : {}) } } },
  },
});
const create = (user: string, obj: object) =>
  kubectl(['create', '--dry-run=server', '--as', user, '-f', '-'], obj);

/** Within the bounds, valid, and slow for Cedar (~0.25-0.85 s): 22 brackets deep, 150-term sums. */
function heavyPolicies(): string {
  const one = `permit(principal, action, resource) when { ${'('.repeat(22)} ${Array(150).fill('1').join(' + ')} ${')'.repeat(22)} == 1 };\n`;
  return one.repeat(Math.floor((64 * 1024 - 100) / one.length));
}

before(async () => {
  ns = await createNamespace('cedar-adm');
  tenant('alice', true);
  tenant('carol', false);
  configMap('good', { 'policies.cedar': '@id("all") permit(principal, action, resource);' });
  configMap('bad', { 'policies.cedar': 'permit(principal, action, resource) when { resource.x == };' });
  configMap('other-key', {
    'team.cedar':
      'forbid(principal, action, resource) when { resource.tags.contains("internal") }; permit(principal, action, resource);',
  });
  configMap('deep', {
    'policies.cedar': `permit(principal, action, resource) when { ${'('.repeat(5000)}true${')'.repeat(5000)} };`,
  });
  configMap('heavy', { 'policies.cedar': heavyPolicies() });
  // The webhook loads its Kubernetes client on the first question; until then a check is a warning.
  for (let i = 0; i < 30; i++) {
    const r = create('alice', registry('warm-up', 'good'));
    assert.equal(r.code, 0, r.stderr);
    if (!/were not checked/.test(r.stderr)) break;
    await new Promise((res) => setTimeout(res, 200));
  }
});

test('valid policies are admitted, under the default key or a named one', () => {
  for (const [name, cm, key] of [
    ['r-good', 'good', undefined],
    ['r-key', 'other-key', 'team.cedar'],
  ] as const) {
    const r = create('alice', registry(name, cm, key));
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stderr, '');
  }
});

test('invalid Cedar is refused with Cedar’s own message, line and column', () => {
  const r = create('alice', registry('r-bad', 'bad'));
  assert.notEqual(r.code, 0);
  assert.equal(
    r.stderr.trim(),
    'The MCPRegistry "r-bad" is invalid: spec.api.authorization.policiesConfigMapRef: Invalid value: "bad/policies.cedar": invalid Cedar policies in ConfigMap "bad" key "policies.cedar": unexpected token `}` (line 1, column 58: expected `!`, `(`, `-`, `[`, `{`, `false`, identifier, `if`, number, `?principal`, `?resource`, string literal, or `true`)',
  );
});

test('hostile policies: refused by the bounds before Cedar, or checked on the worker thread', () => {
  const deep = create('alice', registry('r-deep', 'deep'));
  assert.notEqual(deep.code, 0);
  assert.match(
    deep.stderr,
    /invalid Cedar policies in ConfigMap "deep" key "policies\.cedar": line 1: brackets nested 5001 deep; at most 24 levels are accepted/,
  );
  // Valid, within the bounds, slow for Cedar: admitted (the webhook answered it from its worker).
  const heavy = create('alice', registry('r-heavy', 'heavy'));
  assert.equal(heavy.code, 0, heavy.stderr);
  // The webhook still answers, and Cedar in it still works after both.
  const after = create('alice', registry('r-bad-again', 'bad'));
  assert.match(after.stderr, /unexpected token `}`/);
});

test('a ConfigMap its author may not read is refused without its content; a missing one is a warning', () => {
  const carol = create('carol', registry('r-carol', 'bad'));
  assert.notEqual(carol.code, 0);
  assert.match(
    carol.stderr,
    /spec\.api\.authorization\.policiesConfigMapRef\.name: Forbidden: user "carol" cannot get ConfigMap "bad" in namespace "cedar-adm-[a-z0-9]+" \(missing permission: get configmaps\): a spec may name only policies its author may read/,
  );
  assert.doesNotMatch(carol.stderr, /unexpected token/);
  const missing = create('alice', registry('r-missing', 'not-there'));
  assert.equal(missing.code, 0, missing.stderr);
  assert.match(
    missing.stderr,
    /Warning: spec\.api\.authorization\.policiesConfigMapRef: ConfigMap "not-there" does not exist in namespace "cedar-adm-[a-z0-9]+"; the registry API refuses every read until it holds valid Cedar policies/,
  );
  const noKey = create('alice', registry('r-nokey', 'good', 'team.cedar'));
  assert.match(
    noKey.stderr,
    /Warning: spec\.api\.authorization\.policiesConfigMapRef: ConfigMap "good" has no key "team\.cedar"/,
  );
});
