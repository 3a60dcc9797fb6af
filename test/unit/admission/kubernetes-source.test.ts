/**
 * The `kubernetes` source at admission (SPEC §12): the sub-object is optional, its namespaces are
 * checked for duplicates, another namespace needs the policy's allowCrossNamespaceDiscovery, and the
 * format can only be upstream. Exact messages, both API versions.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DEFAULT_POLICY, defaultSpec } from '../../../src/admission/index.ts';
import { alpha, beta, messages, policy } from './helpers.ts';

const crossNs =
  'discovering workloads in another namespace than the registry\'s own ("team") is not enabled by the platform policy (allowCrossNamespaceDiscovery)';

test('a kubernetes source needs no sub-object, in either version', () => {
  assert.deepEqual(messages(alpha({ source: { type: 'kubernetes' } }, { namespace: 'team' })), []);
  assert.deepEqual(
    messages(beta({ sources: [{ name: 'k', type: 'kubernetes' }] }, { namespace: 'team' })),
    [],
  );
});

test('the defaults make its format upstream and add no sync interval (it is watch-driven)', () => {
  const a = defaultSpec(alpha({ source: { type: 'kubernetes' } }), DEFAULT_POLICY);
  assert.deepEqual(a.spec, { source: { type: 'kubernetes' }, format: 'upstream' });
  const b = defaultSpec(beta({ sources: [{ name: 'k', type: 'kubernetes' }] }), DEFAULT_POLICY);
  assert.deepEqual(b.spec, { sources: [{ name: 'k', type: 'kubernetes', format: 'upstream' }] });
});

test('rules and their exact messages', () => {
  const cases: [string, unknown, string[], string?][] = [
    [
      'kubernetes set on another type',
      beta({ sources: [{ name: 'k', type: 'configmap', configMapRef: { name: 'c' }, kubernetes: {} }] }),
      ["spec.sources[0].kubernetes: Forbidden: kubernetes must not be set when type is 'configmap'"],
    ],
    [
      'another namespace without the policy',
      beta(
        { sources: [{ name: 'k', type: 'kubernetes', kubernetes: { namespaces: ['team', 'other'] } }] },
        { namespace: 'team' },
      ),
      [`spec.sources[0].kubernetes.namespaces[1]: Forbidden: ${crossNs}`],
    ],
    [
      'another namespace in v1alpha1',
      alpha({ source: { type: 'kubernetes', kubernetes: { namespaces: ['other'] } } }, { namespace: 'team' }),
      [`spec.source.kubernetes.namespaces[0]: Forbidden: ${crossNs}`],
    ],
    [
      'another namespace with the policy',
      beta(
        { sources: [{ name: 'k', type: 'kubernetes', kubernetes: { namespaces: ['other'] } }] },
        { namespace: 'team' },
      ),
      [],
      'allowCrossNamespaceDiscovery: true',
    ],
    [
      'a namespace twice',
      beta(
        { sources: [{ name: 'k', type: 'kubernetes', kubernetes: { namespaces: ['team', 'team'] } }] },
        { namespace: 'team' },
      ),
      ['spec.sources[0].kubernetes.namespaces[1]: Duplicate value: "team"'],
    ],
    [
      'a namespace that cannot exist',
      beta(
        { sources: [{ name: 'k', type: 'kubernetes', kubernetes: { namespaces: ['Team_A'] } }] },
        { namespace: 'team' },
      ),
      [
        'spec.sources[0].kubernetes.namespaces[0]: Invalid value: "Team_A": a lowercase RFC 1123 label must consist of lower case alphanumeric characters or \'-\', and must start and end with an alphanumeric character',
      ],
      'allowCrossNamespaceDiscovery: true',
    ],
    [
      'format toolhive',
      beta({ sources: [{ name: 'k', type: 'kubernetes', format: 'toolhive' }] }, { namespace: 'team' }),
      [
        'spec.sources[0].format: Invalid value: "toolhive": a kubernetes source builds upstream server.json entries; set "upstream" or leave it out',
      ],
    ],
    [
      'format toolhive in v1alpha1',
      alpha({ format: 'toolhive', source: { type: 'kubernetes' } }, { namespace: 'team' }),
      [
        'spec.format: Invalid value: "toolhive": a kubernetes source builds upstream server.json entries; set "upstream" or leave it out',
      ],
    ],
    [
      'not an allowed source type',
      beta({ sources: [{ name: 'k', type: 'kubernetes' }] }, { namespace: 'team' }),
      [
        'spec.sources[0].type: Forbidden: source type "kubernetes" is not allowed by the platform policy (allowedSourceTypes: configmap)',
      ],
      'allowedSourceTypes: [configmap]',
    ],
  ];
  for (const [what, obj, want, yaml] of cases)
    assert.deepEqual(messages(obj, yaml ? policy(yaml) : DEFAULT_POLICY), want, what);
});

test('a policy file that is not a boolean for allowCrossNamespaceDiscovery is refused', () => {
  assert.throws(() => policy('allowCrossNamespaceDiscovery: sometimes'), /allowCrossNamespaceDiscovery/);
  assert.equal(policy('{}').allowCrossNamespaceDiscovery, false);
});
