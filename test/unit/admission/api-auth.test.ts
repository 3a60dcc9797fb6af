/** `spec.api.auth` (SPEC §13): each mode's block, the OIDC issuer under the destination policy; exact messages. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { alpha, beta, messages, policy, warnings } from './helpers.ts';
import { ANNOTATION_V1BETA1_SPEC } from '../../../src/api/constants.ts';

const source = { name: 'main', type: 'configmap', configMapRef: { name: 'cm' } };
const withAuth = (auth: unknown) => beta({ sources: [source], api: { auth } });
const oidc = (o: Record<string, unknown> = {}) => ({
  mode: 'oidc',
  oidc: { issuer: 'https://login.example.com/realms/a', audiences: ['mcp-registry'], ...o },
});

const CASES: { name: string; auth: unknown; want: string[] }[] = [
  { name: 'oidc, complete', auth: oidc({ clockSkewSeconds: 60, groupsClaim: 'groups' }), want: [] },
  { name: 'api-keys, complete', auth: { mode: 'api-keys', apiKeysSecretRef: { name: 'keys' } }, want: [] },
  {
    name: 'oidc without its block',
    auth: { mode: 'oidc' },
    want: ['spec.api.auth.oidc: Required value: required when spec.api.auth.mode is oidc'],
  },
  {
    name: 'api-keys without its Secret',
    auth: { mode: 'api-keys' },
    want: ['spec.api.auth.apiKeysSecretRef: Required value: required when spec.api.auth.mode is api-keys'],
  },
  {
    name: 'an oidc block under kubernetes',
    auth: { ...oidc(), mode: 'kubernetes' },
    want: [
      'spec.api.auth.oidc: Forbidden: may only be set when spec.api.auth.mode is oidc (it is kubernetes)',
    ],
  },
  {
    name: 'a Secret with the default (anonymous) mode',
    auth: { apiKeysSecretRef: { name: 'keys' } },
    want: [
      'spec.api.auth.apiKeysSecretRef: Forbidden: may only be set when spec.api.auth.mode is api-keys (it is anonymous)',
    ],
  },
  {
    name: 'an unknown mode',
    auth: { mode: 'basic' },
    want: [
      'spec.api.auth.mode: Unsupported value: "basic": supported values: "anonymous", "kubernetes", "oidc", "api-keys"',
    ],
  },
  {
    name: 'a plain-http issuer',
    auth: oidc({ issuer: 'http://login.example.com' }),
    want: ['spec.api.auth.oidc.issuer: Invalid value: "http://login.example.com": must use https'],
  },
  {
    name: 'an issuer at the cloud metadata address',
    auth: oidc({ issuer: 'https://169.254.169.254/latest' }),
    want: [
      "spec.api.auth.oidc.issuer: Forbidden: 169.254.169.254 is the cloud metadata address, not an allowed destination (the platform policy's allowedCIDRs can allow it)",
    ],
  },
  {
    name: 'an issuer on loopback',
    auth: oidc({ issuer: 'https://127.0.0.1:8443' }),
    want: [
      "spec.api.auth.oidc.issuer: Forbidden: 127.0.0.1 is a loopback address, not an allowed destination (the platform policy's allowedCIDRs can allow it)",
    ],
  },
  {
    name: 'an issuer with a query',
    auth: oidc({ issuer: 'https://login.example.com/?tenant=a' }),
    want: [
      'spec.api.auth.oidc.issuer: Invalid value: "https://login.example.com/?tenant=a": must not contain a query: a registry URL is a base URL',
    ],
  },
  {
    name: 'no audience',
    auth: oidc({ audiences: [] }),
    want: ['spec.api.auth.oidc.audiences: Required value: must have at least 1 item(s)'],
  },
  {
    name: 'a repeated audience',
    auth: oidc({ audiences: ['a', 'b', 'a'] }),
    want: ['spec.api.auth.oidc.audiences[2]: Duplicate value: "a"'],
  },
  {
    name: 'clock skew over 300 seconds',
    auth: oidc({ clockSkewSeconds: 301 }),
    want: ['spec.api.auth.oidc.clockSkewSeconds: Invalid value: 301: must be less than or equal to 300'],
  },
  {
    name: 'a Secret name no Secret can have',
    auth: { mode: 'api-keys', apiKeysSecretRef: { name: 'Keys!' } },
    want: [
      `spec.api.auth.apiKeysSecretRef.name: Invalid value: "Keys!": a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character`,
    ],
  },
  {
    name: 'a Secret key no Secret can have',
    auth: { mode: 'api-keys', apiKeysSecretRef: { name: 'keys', key: 'a/b' } },
    want: [
      `spec.api.auth.apiKeysSecretRef.key: Invalid value: "a/b": a valid config key must consist of alphanumeric characters, '-', '_' or '.'`,
    ],
  },
  {
    name: 'an empty groups claim',
    auth: oidc({ groupsClaim: '' }),
    want: ['spec.api.auth.oidc.groupsClaim: Invalid value: "": must be at least 1 characters'],
  },
];

for (const c of CASES)
  test(`spec.api.auth: ${c.name}`, () => {
    assert.deepEqual(messages(withAuth(c.auth)), c.want);
  });

test('an issuer outside the policy’s allowedHosts is refused as a policy rule', () => {
  const p = policy('allowedHosts: ["*.corp.example"]\n');
  assert.deepEqual(messages(withAuth(oidc()), p), [
    'spec.api.auth.oidc.issuer: Forbidden: host "login.example.com" is not allowed by the platform policy (allowedHosts: *.corp.example)',
  ]);
  assert.deepEqual(messages(withAuth(oidc({ issuer: 'https://sso.corp.example' })), p), []);
});

test('a policy allowing http admits a plain-http issuer with the warning sources get', () => {
  const p = policy('allowHTTP: true\n');
  const reg = withAuth(oidc({ issuer: 'http://login.example.com' }));
  assert.deepEqual(messages(reg, p), []);
  assert.deepEqual(warnings(reg, p), [
    'spec.api.auth.oidc.issuer: plain http is allowed by the platform policy, but the data is not protected in transit',
  ]);
});

test('v1alpha1 keeps spec.api.auth in its stash, and the same rules name the field by its path there', () => {
  const stash = JSON.stringify({ api: { auth: oidc({ issuer: 'https://[::1]/' }) } });
  const a = alpha(
    { source: { type: 'configmap', configmap: { name: 'cm', key: 'registry.json' } }, format: 'toolhive' },
    { annotations: { [ANNOTATION_V1BETA1_SPEC]: stash } },
  );
  assert.deepEqual(messages(a), [
    `metadata.annotations[${ANNOTATION_V1BETA1_SPEC}].api.auth.oidc.issuer: Forbidden: ::1 is a loopback address, not an allowed destination (the platform policy's allowedCIDRs can allow it)`,
  ]);
});
