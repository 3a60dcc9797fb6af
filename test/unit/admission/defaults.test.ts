import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { DEFAULT_POLICY, defaultSpec, defaultingPatch } from '../../../src/admission/index.ts';
import { applyPatch } from 'rfc6902';
import { alpha, beta, policy } from './helpers.ts';

const specOf = (o: unknown) => (o as { spec: unknown }).spec;

test('v1alpha1 url source: format and a sync policy for a remote source', () => {
  const out = defaultSpec(alpha({ source: { type: 'url', url: 'https://a.com/r.json' } }), DEFAULT_POLICY);
  assert.deepEqual(specOf(out), {
    source: { type: 'url', url: 'https://a.com/r.json' },
    format: 'toolhive',
    syncPolicy: { interval: '1h' },
  });
});

test('v1alpha1 configmap source: key defaulted, no sync policy added for a local source', () => {
  const out = defaultSpec(alpha({ source: { type: 'configmap', configmap: { name: 'c' } } }), DEFAULT_POLICY);
  assert.deepEqual(specOf(out), {
    source: { type: 'configmap', configmap: { name: 'c', key: 'registry.json' } },
    format: 'toolhive',
  });
});

test('v1alpha1 git source: path defaulted; a given format is kept', () => {
  const out = defaultSpec(
    alpha({ format: 'upstream', source: { type: 'git', git: { repository: 'https://a.com/r' } } }),
    DEFAULT_POLICY,
  );
  assert.deepEqual(specOf(out), {
    format: 'upstream',
    source: { type: 'git', git: { repository: 'https://a.com/r', path: 'registry.json' } },
    syncPolicy: { interval: '1h' },
  });
});

test('syncPolicy present without interval gets the policy default even for a ConfigMap source', () => {
  const p = policy('defaults: {syncInterval: 2h}');
  const out = defaultSpec(
    alpha({ source: { type: 'configmap', configmap: { name: 'c' } }, syncPolicy: {} }),
    p,
  );
  assert.deepEqual((specOf(out) as { syncPolicy: unknown }).syncPolicy, { interval: '2h' });
});

test('syncRemoteSources: false adds no sync policy', () => {
  const p = policy('defaults: {syncRemoteSources: false}');
  const out = defaultSpec(alpha({ source: { type: 'registry', registry: { url: 'https://r.com' } } }), p);
  assert.equal((specOf(out) as { syncPolicy?: unknown }).syncPolicy, undefined);
});

test('v1beta1: per-source format, key and path; one remote source adds the sync policy', () => {
  const out = defaultSpec(
    beta({
      sources: [
        { name: 'a', type: 'configmap', configMapRef: { name: 'c' } },
        { name: 'b', type: 'git', git: { repository: 'https://a.com/r' }, format: 'upstream' },
      ],
    }),
    DEFAULT_POLICY,
  );
  assert.deepEqual(specOf(out), {
    sources: [
      { name: 'a', type: 'configmap', configMapRef: { name: 'c', key: 'registry.json' }, format: 'toolhive' },
      {
        name: 'b',
        type: 'git',
        git: { repository: 'https://a.com/r', path: 'registry.json' },
        format: 'upstream',
      },
    ],
    syncPolicy: { interval: '1h' },
  });
});

test('filters: trimmed, empty strings and duplicates dropped, order kept (spec and per-source)', () => {
  const out = defaultSpec(
    beta({
      sources: [
        {
          name: 'a',
          type: 'configmap',
          configMapRef: { name: 'c' },
          filter: { tags: { include: [' x', 'x ', ''] } },
        },
      ],
      filter: { names: { include: [' b/* ', 'a', '', 'b/*', 'a'], exclude: ['  '] } },
    }),
    DEFAULT_POLICY,
  ) as unknown as { spec: { filter: unknown; sources: { filter: unknown }[] } };
  assert.deepEqual(out.spec.filter, { names: { include: ['b/*', 'a'], exclude: [] } });
  assert.deepEqual(out.spec.sources[0]?.filter, { tags: { include: ['x'] } });
});

test('policy default filter applies only when the spec has none; enforced excludes are merged', () => {
  const p = policy(`
defaults: {filter: {tags: {include: [official]}}}
enforced: {excludeNames: ["internal/*"], excludeTags: [deprecated]}
`);
  const none = defaultSpec(alpha({ source: { type: 'configmap', configmap: { name: 'c' } } }), p);
  assert.deepEqual((specOf(none) as { filter: unknown }).filter, {
    tags: { include: ['official'], exclude: ['deprecated'] },
    names: { exclude: ['internal/*'] },
  });
  const own = defaultSpec(
    alpha({
      source: { type: 'configmap', configmap: { name: 'c' } },
      filter: { names: { exclude: ['internal/*', 'x'] } },
    }),
    p,
  );
  assert.deepEqual((specOf(own) as { filter: unknown }).filter, {
    names: { exclude: ['internal/*', 'x'] },
    tags: { exclude: ['deprecated'] },
  });
});

test('metadata, status and unknown fields are never touched', () => {
  const obj = {
    ...alpha(
      { source: { type: 'configmap', configmap: { name: 'c' } }, futureField: { a: 1 } },
      { labels: { a: 'b' } },
    ),
    status: { phase: 'Ready' },
  };
  const out = defaultSpec(obj, DEFAULT_POLICY) as typeof obj;
  assert.deepEqual(out.metadata, obj.metadata);
  assert.deepEqual(out.status, obj.status);
  assert.deepEqual((out.spec as Record<string, unknown>).futureField, { a: 1 });
});

test('an object of another group or version comes back unchanged', () => {
  const other = { apiVersion: 'v1', kind: 'ConfigMap', spec: { source: {} } };
  assert.deepEqual(defaultSpec(other, DEFAULT_POLICY), other);
});

test('the patch only adds for absent fields and applies back to the defaulted object', () => {
  const obj = alpha({
    source: { type: 'url', url: 'https://a.com/r.json' },
    filter: { names: { include: ['a', 'a'] } },
  });
  const out = defaultSpec(obj, DEFAULT_POLICY);
  const ops = defaultingPatch(obj, out);
  assert.deepEqual(ops, [
    { op: 'add', path: '/spec/format', value: 'toolhive' },
    { op: 'add', path: '/spec/syncPolicy', value: { interval: '1h' } },
    // Removing a duplicate from a filter list this webhook normalises: the only removal it may emit.
    { op: 'remove', path: '/spec/filter/names/include/0' },
  ]);
  const copy = structuredClone(obj);
  applyPatch(copy, ops);
  assert.deepEqual(copy, out);
});

test('a removal outside the filter lists is refused', () => {
  assert.throws(
    () => defaultingPatch({ spec: { a: 1, b: 2 } }, { spec: { a: 1 } }),
    /defaulting produced a removal of \/spec\/b, which it does not own/,
  );
});

// Arbitrary specs in both versions, including messy filters and wrong types, to prove idempotence.
const str = fc.oneof(
  fc.constantFrom('', ' ', 'a', ' a', 'a ', 'b/*', '[x', 'registry.json'),
  fc.string({ maxLength: 6 }),
);
const list = fc.array(fc.oneof(str, fc.integer()), { maxLength: 6 });
const filter = fc.record(
  {
    names: fc.record({ include: list, exclude: list }, { requiredKeys: [] }),
    tags: fc.record({ include: list, exclude: list }, { requiredKeys: [] }),
  },
  { requiredKeys: [] },
);
const type = fc.constantFrom('configmap', 'url', 'git', 'registry', 'bogus', 7);
const alphaSource = fc.record(
  {
    type,
    configmap: fc.record({ name: str, key: str }, { requiredKeys: [] }),
    url: str,
    git: fc.record({ repository: str, path: str, branch: str }, { requiredKeys: [] }),
    registry: fc.record({ url: str }, { requiredKeys: [] }),
  },
  { requiredKeys: [] },
);
const betaSource = fc.record(
  {
    name: str,
    type,
    format: fc.constantFrom('toolhive', 'upstream'),
    configMapRef: fc.record({ name: str, key: str }, { requiredKeys: [] }),
    url: fc.record({ href: str }, { requiredKeys: [] }),
    git: fc.record({ repository: str, path: str }, { requiredKeys: [] }),
    filter,
  },
  { requiredKeys: [] },
);
const syncPolicy = fc.record({ interval: str }, { requiredKeys: [] });
const arbObject = fc.oneof(
  fc
    .record(
      {
        source: fc.oneof(alphaSource, fc.constant('x')),
        syncPolicy,
        filter,
        format: fc.constantFrom('toolhive', 'upstream'),
      },
      { requiredKeys: [] },
    )
    .map((s) => alpha(s)),
  fc
    .record({ sources: fc.array(betaSource, { maxLength: 3 }), syncPolicy, filter }, { requiredKeys: [] })
    .map((s) => beta(s)),
);
const arbPolicy = fc.constantFrom(
  DEFAULT_POLICY,
  policy('defaults: {syncRemoteSources: false, syncInterval: 5m}'),
  policy(
    'defaults: {filter: {names: {include: [" a", "a"]}}}\nenforced: {excludeNames: [x, "b/*"], excludeTags: [t]}',
  ),
);

test('property: default(default(x)) = default(x), and the patch never removes what it does not own', () => {
  fc.assert(
    fc.property(arbObject, arbPolicy, (obj, p) => {
      const once = defaultSpec(obj, p);
      assert.deepEqual(defaultSpec(once, p), once);
      assert.deepEqual(defaultingPatch(once, defaultSpec(once, p)), []);
      const ops = defaultingPatch(obj, once);
      const copy = structuredClone(obj);
      applyPatch(copy, ops);
      assert.deepEqual(copy, once);
    }),
    { numRuns: 2000 },
  );
});

test('format default by source type: registry sources are upstream, others toolhive (both versions)', () => {
  const a = defaultSpec(
    alpha({ source: { type: 'registry', registry: { url: 'https://r.com' } } }),
    DEFAULT_POLICY,
  );
  assert.deepEqual(specOf(a), {
    source: { type: 'registry', registry: { url: 'https://r.com' } },
    format: 'upstream',
    syncPolicy: { interval: '1h' },
  });
  const b = defaultSpec(
    beta({
      sources: [
        { name: 'r', type: 'registry', registry: { baseURL: 'https://r.com' } },
        { name: 'u', type: 'url', url: { href: 'https://a.com/r.json' } },
        { name: 'g', type: 'git', git: { repository: 'https://a.com/r' } },
        { name: 'pinned', type: 'registry', registry: { baseURL: 'https://p.com' }, format: 'toolhive' },
      ],
    }),
    DEFAULT_POLICY,
  ) as unknown as { spec: { sources: { name: string; format: string }[] } };
  assert.deepEqual(
    b.spec.sources.map((s) => [s.name, s.format]),
    [
      ['r', 'upstream'],
      ['u', 'toolhive'],
      ['g', 'toolhive'],
      ['pinned', 'toolhive'], // a format the user wrote is never replaced
    ],
  );
});

test('a "__proto__" key the JSON text holds is kept as a key by defaulting, and the patch leaves it alone', () => {
  const obj = JSON.parse(
    '{"apiVersion":"toolhive.stacklok.io/v1alpha1","kind":"MCPRegistry","metadata":{"name":"x"},' +
      '"spec":{"__proto__":{"polluted":true},"source":{"type":"configmap","configmap":{"name":"c"}}}}',
  ) as { spec: Record<string, unknown> };
  const out = defaultSpec(obj, DEFAULT_POLICY) as { spec: Record<string, unknown> };
  assert.ok(Object.hasOwn(out.spec, '__proto__'));
  assert.equal(Object.getPrototypeOf(out.spec), Object.prototype);
  assert.equal((out.spec as { polluted?: unknown }).polluted, undefined);
  assert.deepEqual(defaultingPatch(obj, out), [
    { op: 'add', path: '/spec/format', value: 'toolhive' },
    { op: 'add', path: '/spec/source/configmap/key', value: 'registry.json' },
  ]);
});
