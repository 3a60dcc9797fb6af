/**
 * registryRef rules the shared corpus cannot hold (it applies its manifests in a namespace of its
 * own): a reference that names the object's own namespace is itself; another namespace is not.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { alpha, beta, messages } from './helpers.ts';

const selfRef = 'refers to this MCPRegistry itself; a registry cannot read its own API';

test('a registryRef naming this registry and its own namespace is refused', () => {
  const obj = alpha(
    { source: { type: 'registry', registry: { registryRef: { name: 'r', namespace: 'team' } } } },
    { namespace: 'team' },
  );
  assert.deepEqual(messages(obj), [`spec.source.registry.registryRef: Forbidden: ${selfRef}`]);
});

test('the same name in another namespace is another registry', () => {
  const obj = beta(
    {
      sources: [
        { name: 'p', type: 'registry', registry: { registryRef: { name: 'r', namespace: 'shared' } } },
      ],
    },
    { namespace: 'team' },
  );
  assert.deepEqual(messages(obj), []);
});

test('with the namespace unknown (not yet defaulted), only an explicit other namespace is trusted', () => {
  const obj = beta({
    sources: [{ name: 'p', type: 'registry', registry: { registryRef: { name: 'r', namespace: 'x' } } }],
  });
  assert.deepEqual(messages(obj), []);
});
