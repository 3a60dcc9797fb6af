import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DEFAULT_POLICY, defaultSpec } from '../../../src/admission/index.ts';
import { CORE_CASES } from '../../support/admission-corpus.ts';
import { alpha, messages, policy } from './helpers.ts';

// The cases live in the admission corpus, which the kubectl and differential tests share.
for (const c of CORE_CASES) {
  test(`validate: ${c.name}`, () => {
    // Validation runs after mutation in the apiserver; do the same.
    const p = c.policy ? policy(c.policy) : DEFAULT_POLICY;
    assert.deepEqual(messages(defaultSpec(c.obj, p), p), c.want);
  });
}

test('the SPEC §1.1 example is valid as written and after defaulting', () => {
  const ex = alpha({
    displayName: 'MCP Community Registry',
    format: 'upstream',
    source: { type: 'url', url: 'https://github.com/modelcontextprotocol/registry/raw/main/registry.json' },
  });
  assert.deepEqual(messages(ex), []);
  assert.deepEqual(messages(defaultSpec(ex, DEFAULT_POLICY)), []);
});
