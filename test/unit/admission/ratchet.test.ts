/**
 * Ratcheting judges the value a finding is about (SPEC §18, issue #26 item 6): an update that leaves a
 * value the tightened policy forbids unchanged passes with a warning; one that changes it is judged
 * anew, also when the finding sits on the source's type and the change is behind it (the URL, the
 * registryRef).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { beta, messages, policy, warnings } from './helpers.ts';

const ONLY_CONFIGMAP = policy('allowedSourceTypes: [configmap]\n');
const TYPE_URL =
  'spec.sources[0].type: Forbidden: source type "url" is not allowed by the platform policy (allowedSourceTypes: configmap)';
const TYPE_REGISTRY =
  'spec.sources[0].type: Forbidden: source type "registry" is not allowed by the platform policy (allowedSourceTypes: configmap)';
const urlReg = (href: string) => beta({ sources: [{ name: 'a', type: 'url', url: { href } }] });
const refReg = (name: string) =>
  beta({
    sources: [{ name: 'a', type: 'registry', registry: { registryRef: { name, namespace: 'team-b' } } }],
  });

test('ratchet: an unchanged forbidden source passes an unrelated update with a warning', () => {
  const old = urlReg('https://a.example/r.json');
  const next = structuredClone(old);
  (next.metadata as Record<string, unknown>).labels = { team: 'a' };
  assert.deepEqual(messages(next, ONLY_CONFIGMAP, old), []);
  assert.deepEqual(warnings(next, ONLY_CONFIGMAP, old), [
    `${TYPE_URL} (kept because this update does not change it)`,
  ]);
});

test('ratchet: a changed URL behind a forbidden type is judged anew', () => {
  const old = urlReg('https://a.example/r.json');
  assert.deepEqual(messages(urlReg('https://evil.example/r.json'), ONLY_CONFIGMAP, old), [TYPE_URL]);
});

test('ratchet: a changed registryRef behind a forbidden type is judged anew', () => {
  const old = refReg('shared');
  assert.deepEqual(messages(structuredClone(old), ONLY_CONFIGMAP, old), []);
  assert.deepEqual(messages(refReg('private'), ONLY_CONFIGMAP, old), [TYPE_REGISTRY]);
});

test('ratchet: a changed forbidden host is judged anew; key order alone is no change', () => {
  const hosts = policy("allowedHosts: ['*.corp.example']\n");
  const old = urlReg('https://a.example/r.json');
  assert.deepEqual(messages(urlReg('https://b.example/r.json'), hosts, old), [
    'spec.sources[0].url.href: Forbidden: host "b.example" is not allowed by the platform policy (allowedHosts: *.corp.example)',
  ]);
  const reordered = beta({
    sources: [{ url: { href: 'https://a.example/r.json' }, type: 'url', name: 'a' }],
  });
  assert.deepEqual(messages(reordered, hosts, old), []);
});
