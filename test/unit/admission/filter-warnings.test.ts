/** Filters that match nothing whatever the data: warned at admission with these exact words (#21.6). */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DEFAULT_POLICY, defaultSpec } from '../../../src/admission/index.ts';
import { alpha, beta, messages, warnings } from './helpers.ts';

const cm = { type: 'configmap', configmap: { name: 'c' } };
const warned = (obj: unknown) => warnings(defaultSpec(obj, DEFAULT_POLICY));

test('a name exclusion of * (it crosses /) excludes every server', () => {
  const obj = alpha({ source: cm, filter: { names: { exclude: ['*'] } } });
  assert.deepEqual(warned(obj), [
    'spec.filter.names.exclude: "*" excludes every server, so this filter matches no server',
  ]);
  assert.deepEqual(messages(obj), []);
  assert.deepEqual(
    warned(alpha({ source: cm, filter: { names: { include: ['a/*'], exclude: ['b', '**'] } } })),
    ['spec.filter.names.exclude: "**" excludes every server, so this filter matches no server'],
  );
});

test('includes that are all excluded cancel out, per list and per source filter', () => {
  const obj = beta({
    sources: [
      {
        name: 'a',
        type: 'configmap',
        configMapRef: { name: 'c' },
        filter: { names: { include: ['x', 'y'], exclude: ['y', 'x', 'z'] } },
      },
    ],
    filter: { tags: { include: ['db'], exclude: ['db'] } },
  });
  assert.deepEqual(warned(obj), [
    'spec.sources[0].filter.names: "x" is both included and excluded; the exclusion wins',
    'spec.sources[0].filter.names: "y" is both included and excluded; the exclusion wins',
    'spec.sources[0].filter.names: every included pattern is also excluded, so this filter matches no server',
    'spec.filter.tags: "db" is both included and excluded; the exclusion wins',
    'spec.filter.tags: every included tag is also excluded, so this filter matches no server',
  ]);
});

test('no matches-nothing warning where some server can still pass', () => {
  for (const filter of [
    { names: { include: ['x', 'y'], exclude: ['y'] } },
    { names: { exclude: ['a*'] } },
    { tags: { include: ['db', 'web'], exclude: ['db'] } },
    { tags: { exclude: ['db'] } },
  ])
    assert.deepEqual(
      warned(alpha({ source: cm, filter })).filter((w) => w.includes('matches no server')),
      [],
      JSON.stringify(filter),
    );
});
