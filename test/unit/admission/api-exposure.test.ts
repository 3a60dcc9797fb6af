/** `spec.api.basePath`, `ingress`, `httpRoute` (SPEC §13): every refusal, with the exact message a user reads. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ANNOTATION_V1BETA1_SPEC } from '../../../src/api/constants.ts';
import { pathsOverlap } from '../../../src/admission/api/api-exposure.ts';
import { exposureQuestion } from '../../../src/admission/api/exposure-access.ts';
import { alpha, beta, messages, policy, warnings } from './helpers.ts';

const source = { name: 'main', type: 'configmap', configMapRef: { name: 'cm' } };
const withApi = (api: unknown) => beta({ sources: [source], api });

const SUBDOMAIN =
  "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')";
const WILDCARD =
  "a wildcard DNS-1123 subdomain must start with '*.', followed by a valid DNS subdomain, which must consist of lower case alphanumeric characters, '-' or '.' and end with an alphanumeric character (e.g. '*.example.com', regex used for validation is '\\*\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')";
const GRAMMAR =
  "segments of letters, digits, '-', '.', '_' or '~', each after a '/', with no trailing '/' and no '.' or '..' segment";
const gw = [{ name: 'public', namespace: 'gateways' }];

const CASES: { name: string; api: unknown; want: string[] }[] = [
  {
    name: 'a full Ingress under a base path',
    api: {
      basePath: '/registry',
      ingress: {
        className: 'nginx',
        host: 'registry.example.com',
        tls: { secretName: 'registry-tls' },
        annotations: { 'nginx.ingress.kubernetes.io/proxy-body-size': '1m' },
      },
    },
    want: [],
  },
  {
    name: 'a full HTTPRoute',
    api: {
      basePath: '/a/b',
      httpRoute: {
        parentRefs: [{ name: 'public', namespace: 'gateways', sectionName: 'https', port: 443 }],
        host: '*.example.com',
        path: '/a',
      },
    },
    want: [],
  },
  { name: 'an Ingress for every host at /', api: { ingress: { path: '/' } }, want: [] },
  {
    name: 'a base path ending in /',
    api: { basePath: '/registry/' },
    want: [`spec.api.basePath: Invalid value: "/registry/": must be ${GRAMMAR}, e.g. '/registry'`],
  },
  {
    name: 'a relative base path',
    api: { basePath: 'registry' },
    want: [
      `spec.api.basePath: Invalid value: "registry": must start with '/' (${GRAMMAR}, e.g. '/registry')`,
    ],
  },
  {
    name: 'base path /',
    api: { basePath: '/' },
    want: [
      `spec.api.basePath: Invalid value: "/": must not be '/' (leave the field out to serve at the root)`,
    ],
  },
  {
    name: 'dot segments, doubled slashes and escapes',
    api: { basePath: '/a/../b', ingress: { path: '/a//b' }, httpRoute: undefined },
    want: [
      `spec.api.basePath: Invalid value: "/a/../b": must be ${GRAMMAR}, e.g. '/registry'`,
      `spec.api.ingress.path: Invalid value: "/a//b": must be ${GRAMMAR}, e.g. '/registry'`,
    ],
  },
  {
    name: 'a percent-escape in a route path',
    api: { httpRoute: { parentRefs: gw, path: '/a%2Fb' } },
    want: [`spec.api.httpRoute.path: Invalid value: "/a%2Fb": must be ${GRAMMAR}, e.g. '/registry'`],
  },
  {
    name: 'a route path beside the base path',
    api: { basePath: '/registry', ingress: { path: '/registry-v2' } },
    want: [
      'spec.api.ingress.path: Invalid value: "/registry-v2": routes nothing the API serves: it serves under spec.api.basePath "/registry"; use that path (the default), a path above it or one under it',
    ],
  },
  {
    name: 'a route path under the base path',
    api: { basePath: '/r', ingress: { path: '/r/v0.1' } },
    want: [],
  },
  {
    name: 'an upper-case host',
    api: { ingress: { host: 'Registry.example.com' } },
    want: [`spec.api.ingress.host: Invalid value: "Registry.example.com": ${SUBDOMAIN}`],
  },
  {
    name: 'a wildcard that is not a label',
    api: { httpRoute: { parentRefs: gw, host: '*example.com' } },
    want: [`spec.api.httpRoute.host: Invalid value: "*example.com": ${SUBDOMAIN}`],
  },
  {
    name: 'a wildcard over a bad name',
    api: { ingress: { host: '*.-bad.example' } },
    want: [`spec.api.ingress.host: Invalid value: "*.-bad.example": ${WILDCARD}`],
  },
  {
    name: 'an IP address as host',
    api: { ingress: { host: '10.0.0.1' } },
    want: ['spec.api.ingress.host: Invalid value: "10.0.0.1": must be a DNS name, not an IP address'],
  },
  {
    name: 'a TLS Secret name that no Secret can have, without a host',
    api: { ingress: { tls: { secretName: 'My_Cert' } } },
    want: [
      `spec.api.ingress.tls.secretName: Invalid value: "My_Cert": ${SUBDOMAIN}`,
      'spec.api.ingress.host: Required value: a TLS certificate is served for a host name: set host with tls',
    ],
  },
  {
    name: 'an annotation key that is not a qualified name',
    api: { ingress: { annotations: { 'a b': 'x' } } },
    want: [
      "spec.api.ingress.annotations[a b]: Invalid value: \"a b\": must be a qualified name: an optional DNS subdomain prefix and '/', then a name of at most 63 alphanumeric characters, '-', '_' or '.', starting and ending with an alphanumeric character",
    ],
  },
  {
    name: 'both ingress and httpRoute',
    api: { ingress: {}, httpRoute: { parentRefs: gw } },
    want: ['spec.api.httpRoute: Forbidden: at most one of ingress or httpRoute may be set'],
  },
  {
    name: 'an httpRoute without parentRefs',
    api: { httpRoute: {} },
    want: ['spec.api.httpRoute.parentRefs: Required value'],
  },
  {
    name: 'empty parentRefs',
    api: { httpRoute: { parentRefs: [] } },
    want: ['spec.api.httpRoute.parentRefs: Required value: must have at least 1 item(s)'],
  },
  {
    name: 'one Gateway twice, once without a listener',
    api: { httpRoute: { parentRefs: [{ name: 'g' }, { name: 'g', sectionName: 'http' }] } },
    want: [
      'spec.api.httpRoute.parentRefs: Invalid value: "array": sectionName must be specified when parentRefs includes 2 or more references to the same parent',
    ],
  },
  {
    name: 'one listener twice',
    api: {
      httpRoute: {
        parentRefs: [
          { name: 'g', sectionName: 'http' },
          { name: 'g', sectionName: 'http', port: 80 },
        ],
      },
    },
    want: [
      'spec.api.httpRoute.parentRefs: Invalid value: "array": sectionName must be unique when parentRefs includes 2 or more references to the same parent',
    ],
  },
  {
    name: 'a Gateway namespace that is not a namespace name',
    api: { httpRoute: { parentRefs: [{ name: 'g', namespace: 'Gateways' }] } },
    want: [
      'spec.api.httpRoute.parentRefs[0].namespace: Invalid value: "Gateways": a lowercase RFC 1123 label must consist of lower case alphanumeric characters or \'-\', and must start and end with an alphanumeric character',
    ],
  },
  {
    name: 'an IngressClass name that is not a name',
    api: { ingress: { className: 'Nginx' } },
    want: [
      `spec.api.ingress.className: Invalid value: "Nginx": ${SUBDOMAIN.slice(0, SUBDOMAIN.indexOf(' (e.g.'))}`,
    ],
  },
];

for (const c of CASES)
  test(`spec.api exposure: ${c.name}`, () => {
    assert.deepEqual(messages(withApi(c.api)), c.want);
  });

test('route paths overlap the base path segment-wise', () => {
  const table: [string, string, boolean][] = [
    ['/', '/registry', true],
    ['/registry', '/registry', true],
    ['/registry/v0.1', '/registry', true],
    ['/reg', '/registry', false],
    ['/registry2', '/registry', false],
  ];
  for (const [a, b, want] of table) assert.equal(pathsOverlap(a, b), want, `${a} ${b}`);
});

test('exposure in a v1alpha1 stash is validated and named by its path in the annotation', () => {
  const stash = JSON.stringify({ api: { basePath: 'x', ingress: { host: 'A' } } });
  const obj = alpha(
    { source: { type: 'configmap', configmap: { name: 'cm', key: 'registry.json' } }, format: 'toolhive' },
    { annotations: { [ANNOTATION_V1BETA1_SPEC]: stash } },
  );
  const where = `metadata.annotations[${ANNOTATION_V1BETA1_SPEC}].api`;
  assert.deepEqual(messages(obj), [
    `${where}.basePath: Invalid value: "x": must start with '/' (${GRAMMAR}, e.g. '/registry')`,
    `${where}.ingress.host: Invalid value: "A": ${SUBDOMAIN}`,
  ]);
});

const closed = policy('api:\n  allowExposure: false\n');

test('the platform policy may forbid exposure, ratcheted on an unchanged value', () => {
  assert.deepEqual(messages(withApi({ ingress: { host: 'r.example.com' } }), closed), [
    'spec.api.ingress: Forbidden: exposing the registry API outside the cluster is not allowed by the platform policy (api.allowExposure)',
  ]);
  assert.deepEqual(messages(withApi({ httpRoute: { parentRefs: gw } }), closed), [
    'spec.api.httpRoute: Forbidden: exposing the registry API outside the cluster is not allowed by the platform policy (api.allowExposure)',
  ]);
  assert.deepEqual(messages(withApi({ basePath: '/r' }), closed), []);
  const old = withApi({ ingress: { host: 'r.example.com' } });
  const now = { ...old, metadata: { ...old.metadata, labels: { a: 'b' } } };
  assert.deepEqual(messages(now, closed, old), []);
  assert.deepEqual(warnings(now, closed, old), [
    'spec.api.ingress: Forbidden: exposing the registry API outside the cluster is not allowed by the platform policy (api.allowExposure) (kept because this update does not change it)',
  ]);
});

test('a policy with allowExposure not a boolean is refused', () => {
  assert.throws(() => policy('api:\n  allowExposure: sometimes\n'), /api\.allowExposure/);
});

test('an exposure a write adds or changes is a question for its author; one left as it was is not', () => {
  const ns = (api: unknown) => ({ ...withApi(api), metadata: { name: 'r', namespace: 'team' } });
  const ing = ns({ ingress: { host: 'a.example' } });
  assert.deepEqual(exposureQuestion(ing, undefined), {
    field: 'spec.api.ingress',
    namespace: 'team',
    group: 'networking.k8s.io',
    resource: 'ingresses',
  });
  assert.equal(exposureQuestion(ing, ing), undefined);
  assert.equal(exposureQuestion(ns({ basePath: '/r' }), undefined), undefined);
  assert.equal(exposureQuestion(ns({ ingress: { host: 'b.example' } }), ing)?.resource, 'ingresses');
  assert.equal(
    exposureQuestion(ns({ httpRoute: { parentRefs: [{ name: 'g' }] } }), ing)?.resource,
    'httproutes',
  );
  const stashed = alpha(
    { source: { type: 'configmap', configmap: { name: 'cm', key: 'registry.json' } }, format: 'toolhive' },
    { annotations: { [ANNOTATION_V1BETA1_SPEC]: JSON.stringify({ api: { ingress: {} } }) } },
  );
  assert.equal(
    exposureQuestion(stashed, undefined)?.field,
    `metadata.annotations[${ANNOTATION_V1BETA1_SPEC}].api.ingress`,
  );
});
