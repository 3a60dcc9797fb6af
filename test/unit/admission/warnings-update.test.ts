import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DEFAULT_POLICY } from '../../../src/admission/index.ts';
import { alpha, messages, policy, warnings } from './helpers.ts';

const url = (u: string) => ({ source: { type: 'url', url: u } });
const cm = (c: Record<string, unknown>) => ({
  source: { type: 'configmap', configmap: { name: 'cm', ...c } },
});
const hosts = policy('allowedHosts: ["github.com", "*.example.com"]');
const http = policy('allowHTTP: true');
const min5m = policy('minSyncInterval: 5m\ndefaults: {syncInterval: 1h}');

test('warnings: pattern both included and excluded, short remote interval, http allowed', () => {
  const obj = alpha({
    source: { type: 'url', url: 'http://a.com/r.json' },
    syncPolicy: { interval: '1m' },
    filter: { names: { include: ['a/*'], exclude: ['a/*'] }, tags: { include: ['x'], exclude: ['x'] } },
  });
  assert.deepEqual(warnings(obj, http), [
    'spec.source.url: plain http is allowed by the platform policy, but the data is not protected in transit',
    'spec.syncPolicy.interval: 1m polls a remote source more often than every 5m; consider 5m or more',
    'spec.filter.names: "a/*" is both included and excluded; the exclusion wins',
    'spec.filter.tags: "x" is both included and excluded; the exclusion wins',
    'spec.filter.names: every included pattern is also excluded, so this filter matches no server',
    'spec.filter.tags: every included tag is also excluded, so this filter matches no server',
  ]);
  assert.deepEqual(messages(obj, http), []);
});

test('a short interval on a ConfigMap source is not warned about', () => {
  assert.deepEqual(warnings(alpha({ ...cm({}), syncPolicy: { interval: '1m' } })), []);
});

test('update: a value the policy no longer allows is kept with a warning when unchanged', () => {
  const old = alpha(url('https://evil.com/r.json'));
  const edited = alpha(url('https://evil.com/r.json'), { labels: { team: 'a' } });
  assert.deepEqual(messages(edited, hosts, old), []);
  assert.deepEqual(warnings(edited, hosts, old), [
    'spec.source.url: Forbidden: host "evil.com" is not allowed by the platform policy (allowedHosts: github.com, *.example.com) (kept because this update does not change it)',
  ]);
});

test('update: changing to a forbidden value is refused', () => {
  const old = alpha(url('https://github.com/r.json'));
  assert.deepEqual(messages(alpha(url('https://evil.com/r.json')), hosts, old), [
    'spec.source.url: Forbidden: host "evil.com" is not allowed by the platform policy (allowedHosts: github.com, *.example.com)',
  ]);
});

test('update: an interval under a raised minimum is kept when unchanged, refused when lowered', () => {
  const at = (i: string) => alpha({ ...cm({}), syncPolicy: { interval: i } });
  assert.deepEqual(messages(at('1m'), min5m, at('1m')), []);
  assert.deepEqual(messages(at('2m'), min5m, at('3m')), [
    'spec.syncPolicy.interval: Invalid value: "2m": must be at least 5m (the platform policy\'s minSyncInterval)',
  ]);
});

test('update: rules that are not policy are never ratcheted', () => {
  const bad = alpha(url('https://a.com/r.json#x'));
  assert.deepEqual(messages(bad, DEFAULT_POLICY, bad), [
    'spec.source.url: Invalid value: "https://a.com/r.json#x": must not contain a fragment',
  ]);
});

test('an object being deleted is not checked (its finalizers must be removable)', () => {
  const bad = alpha(url('http://x'), { deletionTimestamp: '2026-11-23T00:00:00Z' });
  assert.deepEqual(messages(bad), []);
});

test('an unknown apiVersion is refused', () => {
  assert.deepEqual(messages({ apiVersion: 'toolhive.stacklok.io/v9', spec: {} }), [
    'apiVersion: Invalid value: "toolhive.stacklok.io/v9": must be toolhive.stacklok.io/v1alpha1 or toolhive.stacklok.io/v1beta1',
  ]);
});

test('update: a warning about a value the update leaves alone is not repeated; a changed one is', () => {
  const at = (interval: string, annotations?: Record<string, string>) =>
    alpha({ ...url('https://a.com/r.json'), syncPolicy: { interval } }, annotations ? { annotations } : {});
  const warned =
    'spec.syncPolicy.interval: 1m polls a remote source more often than every 5m; consider 5m or more';
  assert.deepEqual(warnings(at('1m')), [warned]);
  // `thv registry sync` only sets the trigger annotation.
  assert.deepEqual(
    warnings(at('1m', { 'toolhive.stacklok.io/sync-trigger': 'now' }), DEFAULT_POLICY, at('1m')),
    [],
  );
  assert.deepEqual(warnings(at('2m'), DEFAULT_POLICY, at('1m')), [
    'spec.syncPolicy.interval: 2m polls a remote source more often than every 5m; consider 5m or more',
  ]);
  assert.deepEqual(warnings(at('1m'), DEFAULT_POLICY, at('1h')), [warned]);
});
