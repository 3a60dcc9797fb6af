/**
 * Enforcement on the real apiserver (SPEC §11): an MCPRegistry with enforceServers turns enforcement
 * on for its namespace (any registry of the namespace may list the image); refusals name the image
 * or URL and the registries checked; an UPDATE keeping its image passes with a warning; the policy's
 * registries apply to every namespace but exempted ones.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { eventually, kubeconfigPath, kubectl } from '../../support/cluster.ts';
import { installToolhiveCrds, TOOLHIVE_GENERATIONS } from '../../support/toolhive-crds.ts';
import { DEFAULT_POLICY_YAML, startOperator } from '../../../src/local/stack.ts';
import {
  annotations,
  apply,
  getSpec,
  registerOwnWorkloadWebhooks,
  registryWith,
  TOOLHIVE_DOC,
  UPSTREAM_DOC,
  workloadNamespace,
} from './helpers.ts';

const server = (api: string, name: string, image?: string, ann?: Record<string, string>) => ({
  apiVersion: api,
  kind: 'MCPServer',
  metadata: { name, ...(ann && { annotations: ann }) },
  spec: image ? { image } : {},
});
const denied = (webhook: string, kind: string, name: string, detail: string) =>
  `admission webhook "${webhook}" denied the request: ${kind}.toolhive.stacklok.dev "${name}" is forbidden: ${detail}`;

for (const generation of TOOLHIVE_GENERATIONS) {
  const api = `toolhive.stacklok.dev/${generation === '2025-10-31' ? 'v1alpha1' : 'v1beta1'}`;
  test(`${generation}: enforceServers refuses, admits, ratchets`, async () => {
    await installToolhiveCrds(generation);
    const ns = await workloadNamespace();
    await registryWith(ns, 'corp', TOOLHIVE_DOC);
    await registryWith(ns, 'public', UPSTREAM_DOC);
    // Before enforcement anything goes: this one predates it.
    assert.equal(apply(ns, server(api, 'old', 'evil.example/x:1')).code, 0);
    await registryWith(ns, 'corp', TOOLHIVE_DOC, { enforceServers: true });

    assert.equal(
      apply(ns, server(api, 'listed', 'ghcr.io/acme/weather:2.1.0')).code,
      0,
      'listed by a non-enforcing registry of the namespace',
    );
    const bad = apply(ns, server(api, 'bad', 'evil.example/x:2'));
    assert.notEqual(bad.code, 0);
    assert.ok(
      bad.stderr.includes(
        denied(
          'vworkload.toolhive.stacklok.io',
          'MCPServer',
          'bad',
          'spec.image: Forbidden: image "evil.example/x:2" is in none of the registries enforced in this namespace (checked: corp, public)',
        ),
      ),
      bad.stderr,
    );
    // Ratcheting: an update that keeps the image passes, with a warning.
    const relabel = kubectl(['label', 'mcpservers.toolhive.stacklok.dev', 'old', '-n', ns, 'team=a']);
    assert.equal(relabel.code, 0, relabel.stderr);
    assert.match(
      relabel.stderr,
      /Warning: MCPServer "old": image "evil\.example\/x:1" is in none of the registries enforced in this namespace \(checked: corp, public\); allowed because this update does not change it/,
    );
    const moved = apply(ns, server(api, 'old', 'evil.example/x:3'));
    assert.notEqual(moved.code, 0);
    assert.match(moved.stderr, /image "evil\.example\/x:3" is in none of the registries enforced/);
    // Resolution and enforcement together: the resolved image is listed.
    const resolved = apply(ns, server(api, 'gh', undefined, annotations('corp', 'github')));
    assert.equal(resolved.code, 0, resolved.stderr);
    assert.equal(getSpec(ns, 'mcpservers', 'gh').spec.image, 'ghcr.io/github/github-mcp-server:v0.19.1');

    const urlField = generation === '2025-10-31' ? 'remoteURL' : 'remoteUrl';
    const proxy = (name: string, url: string) => ({
      apiVersion: api,
      kind: 'MCPRemoteProxy',
      metadata: { name },
      spec: { [urlField]: url, ...(generation === '2025-10-31' && { oidcConfig: { type: 'kubernetes' } }) },
    });
    const ok = apply(ns, proxy('weather', 'https://WEATHER.other.example:443/mcp'));
    assert.equal(ok.code, 0, ok.stderr);
    const other = apply(ns, proxy('other', 'https://weather.other.example/elsewhere'));
    assert.ok(
      other.stderr.includes(
        denied(
          'vworkload.toolhive.stacklok.io',
          'MCPRemoteProxy',
          'other',
          `spec.${urlField}: Forbidden: remote URL "https://weather.other.example/elsewhere" is in none of the registries enforced in this namespace (checked: corp, public)`,
        ),
      ),
      other.stderr,
    );
  });
}

test('policy registries apply to every namespace but exempted ones', async (t) => {
  await installToolhiveCrds('2026-08-21');
  const api = 'toolhive.stacklok.dev/v1beta1';
  const id = randomBytes(3).toString('hex');
  const platform = await workloadNamespace();
  await registryWith(platform, 'approved', UPSTREAM_DOC);
  const dir = mkdtempSync(join(tmpdir(), 'wl-policy-'));
  const policyFile = join(dir, 'policy.yaml');
  writeFileSync(policyFile, `${DEFAULT_POLICY_YAML}workloads:\n  registries: [${platform}/approved]\n`);
  const op = await startOperator({ kubeconfigPath: kubeconfigPath(), dir, policyFile });
  const unregister = await registerOwnWorkloadWebhooks(op, id);
  t.after(async () => {
    await op.stop();
    await unregister();
  });
  const team = await workloadNamespace({ 'workload-test': id });
  const exempt = await workloadNamespace({
    'workload-test': id,
    'toolhive.stacklok.io/enforcement': 'exempt',
  });
  const refused = await eventually('the policy registries to be enforced', () => {
    const r = apply(team, server(api, 'fetch', 'ghcr.io/stackloklabs/gofetch/server:1.0.1'));
    return r.code !== 0 ? r : undefined;
  });
  assert.ok(
    refused.stderr.includes(
      denied(
        'vworkload.toolhive.stacklok.io',
        'MCPServer',
        'fetch',
        `spec.image: Forbidden: image "ghcr.io/stackloklabs/gofetch/server:1.0.1" is in none of the registries enforced in this namespace (checked: ${platform}/approved)`,
      ),
    ),
    refused.stderr,
  );
  assert.equal(apply(team, server(api, 'weather', 'ghcr.io/acme/weather:2.1.0')).code, 0);
  const ex = apply(exempt, server(api, 'fetch', 'ghcr.io/stackloklabs/gofetch/server:1.0.1'));
  assert.equal(ex.code, 0, ex.stderr);
});
