/**
 * `thv registry migrate` keeps protection (SPEC §13): ToolHive's `authConfig` / configYAML `auth`
 * becomes spec.api.auth, and a protected registry whose auth cannot be carried over is an error, with
 * the exact message, unless --allow-anonymous (then a warning). Through the real CLI entry (run()).
 */
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'yaml';
import { run } from '../../../src/cli/main.ts';
import { memoryIO } from '../../../src/cli/io.ts';

const dir = mkdtempSync(join(tmpdir(), 'thv-migrate-auth-'));
after(() => rmSync(dir, { recursive: true, force: true }));

const registry = (authConfig: unknown) => `apiVersion: toolhive.stacklok.dev/v1alpha1
kind: MCPRegistry
metadata:
  name: private
  namespace: team
spec:
  registries:
    - name: main
      configMapRef: { name: catalog, key: registry.json }
  authConfig: ${JSON.stringify(authConfig)}
`;

async function migrate(text: string, ...flags: string[]) {
  const file = join(dir, `in-${Math.random().toString(36).slice(2)}.yaml`);
  writeFileSync(file, text);
  const io = memoryIO();
  const code = await run(['registry', 'migrate', ...flags, file], io);
  const out = io.stdout.trim() ? (parse(io.stdout) as { spec: { api?: unknown } }) : undefined;
  return { code, api: out?.spec.api, stderr: io.stderr.replaceAll(file, 'IN') };
}

const keycloak = {
  name: 'keycloak',
  issuerUrl: 'https://sso.example.com/realms/team',
  audience: 'registry',
  jwksUrl: 'https://sso.example.com/realms/team/protocol/openid-connect/certs',
  clientId: 'registry-api',
};

test('oauth with one issuer → oidc with its audiences; fields with no place are named as dropped', async () => {
  const r = await migrate(
    registry({
      mode: 'oauth',
      oauth: {
        resourceUrl: 'https://registry.example.com',
        realm: 'mcp',
        providers: [keycloak, { name: 'ide', issuerUrl: keycloak.issuerUrl, audience: 'ide' }],
      },
    }),
  );
  assert.equal(r.code, 0, r.stderr);
  assert.deepEqual(r.api, {
    auth: {
      mode: 'oidc',
      oidc: { issuer: 'https://sso.example.com/realms/team', audiences: ['registry', 'ide'] },
    },
  });
  assert.equal(
    r.stderr,
    [
      'warning: IN: document 1 (MCPRegistry team/private): spec.authConfig.oauth.providers[0].jwksUrl: dropped (the JWKS is found through the issuer’s discovery document)',
      'warning: IN: document 1 (MCPRegistry team/private): spec.authConfig.oauth.providers[0].clientId: dropped (the registry API verifies tokens; it is no OAuth client)',
      'warning: IN: document 1 (MCPRegistry team/private): spec.authConfig.oauth.resourceUrl: dropped (the registry API names its own resource and realm)',
      'warning: IN: document 1 (MCPRegistry team/private): spec.authConfig.oauth.realm: dropped (the registry API names its own resource and realm)',
      'migrated 1 MCPRegistry in 1 file',
      '',
    ].join('\n'),
  );
});

test('two issuers: the first is kept and the other provider is named as refused, never opened', async () => {
  const r = await migrate(
    registry({
      mode: 'oauth',
      oauth: {
        providers: [
          { name: 'a', issuerUrl: 'https://a.example', audience: 'x' },
          { name: 'b', issuerUrl: 'https://b.example', audience: 'y' },
        ],
      },
    }),
  );
  assert.equal(r.code, 0, r.stderr);
  assert.deepEqual(r.api, {
    auth: { mode: 'oidc', oidc: { issuer: 'https://a.example', audiences: ['x'] } },
  });
  assert.match(
    r.stderr,
    /spec\.authConfig\.oauth\.providers\[1\]: dropped \(spec\.api\.auth\.oidc takes one issuer, https:\/\/a\.example: tokens from https:\/\/b\.example will be refused\)/,
  );
});

test('anonymous stays anonymous, silently', async () => {
  const r = await migrate(registry({ mode: 'anonymous' }));
  assert.equal(r.code, 0, r.stderr);
  assert.equal(r.api, undefined);
  assert.equal(r.stderr, 'migrated 1 MCPRegistry in 1 file\n');
});

const unmappable: [string, unknown, string][] = [
  [
    'no issuer',
    { mode: 'oauth', oauth: { providers: [{ name: 'opaque', introspectionUrl: 'https://idp/introspect' }] } },
    'spec.authConfig.oauth.providers: mode oauth, but no provider has an issuerUrl (spec.api.auth.oidc needs one)',
  ],
  [
    'no audience',
    { mode: 'oauth', oauth: { providers: [{ name: 'k', issuerUrl: 'https://sso.example.com' }] } },
    'spec.authConfig.oauth.providers[0].audience: missing (spec.api.auth.oidc accepts only tokens for a named audience, and https://sso.example.com has none here)',
  ],
  ['unknown mode', { mode: 'mtls' }, 'spec.authConfig.mode: unknown mode "mtls"'],
];
for (const [name, authConfig, why] of unmappable)
  test(`a protected registry that cannot be carried over (${name}) is refused unless --allow-anonymous`, async () => {
    const refused = await migrate(registry(authConfig));
    assert.equal(refused.code, 1);
    assert.equal(
      refused.stderr.split('\n')[0],
      `error: IN: document 1 (MCPRegistry team/private): ${why}; refusing to turn a protected registry into an open one: set spec.api.auth by hand after migrating with --allow-anonymous, or fix the source`,
    );
    const open = await migrate(registry(authConfig), '--allow-anonymous');
    assert.equal(open.code, 0, open.stderr);
    assert.equal(open.api, undefined);
    assert.ok(
      open.stderr.includes(
        `warning: IN: document 1 (MCPRegistry team/private): ${why}; migrated WITHOUT authentication because of --allow-anonymous`,
      ),
      open.stderr,
    );
  });

test('a configYAML auth section is carried over the same way', async () => {
  const text = `apiVersion: toolhive.stacklok.dev/v1beta1
kind: MCPRegistry
metadata: { name: cy, namespace: team }
spec:
  configYAML: |
    sources:
      - name: k8s
        kubernetes: {}
    registries:
      - name: default
        sources: ["k8s"]
    auth:
      mode: oauth
      oauth:
        providers:
          - name: k
            issuerUrl: https://sso.example.com
            audience: registry
`;
  const r = await migrate(text);
  assert.equal(r.code, 0, r.stderr);
  assert.deepEqual(r.api, {
    auth: { mode: 'oidc', oidc: { issuer: 'https://sso.example.com', audiences: ['registry'] } },
  });
  const refused = await migrate(text.replace(/\n +issuerUrl: [^\n]*/, ''));
  assert.equal(refused.code, 1);
  assert.match(
    refused.stderr,
    /^error: IN: document 1 \(MCPRegistry team\/cy\): spec\.configYAML\.auth\.oauth\.providers: mode oauth, but no provider has an issuerUrl/,
  );
});
