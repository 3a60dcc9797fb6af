/**
 * Resolution on the real apiserver, for each generation of ToolHive's CRDs: a workload with only the
 * reference annotations is admitted and filled (MCPServer without `image`, which ToolHive's schema
 * requires, passes because our mutation runs first), from ToolHive-format and upstream-format
 * entries, OCI and remote; refusals show the exact message kubectl prints.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { installToolhiveCrds, TOOLHIVE_GENERATIONS } from '../../support/toolhive-crds.ts';
import {
  annotations,
  apply,
  getSpec,
  registryWith,
  TOOLHIVE_DOC,
  UPSTREAM_DOC,
  workloadNamespace,
} from './helpers.ts';
import { VERSIONS_PAGE } from '../../unit/admission/workloads/catalogs.ts';

const OIDC = { oidcConfig: { type: 'kubernetes' } };

for (const generation of TOOLHIVE_GENERATIONS) {
  const v = generation === '2025-10-31' ? 'v1alpha1' : 'v1beta1';
  const api = `toolhive.stacklok.dev/${v}`;

  test(`${generation}: an MCPServer with only the annotations is admitted and resolved`, async () => {
    await installToolhiveCrds(generation);
    const ns = await workloadNamespace();
    await registryWith(ns, 'corp', TOOLHIVE_DOC);
    await registryWith(ns, 'public', UPSTREAM_DOC);
    const r = apply(ns, {
      apiVersion: api,
      kind: 'MCPServer',
      metadata: { name: 'fetch', annotations: annotations('corp', 'fetch') },
    });
    assert.equal(r.code, 0, r.stderr);
    const got = getSpec(ns, 'mcpservers', 'fetch');
    assert.equal(got.spec.image, 'ghcr.io/stackloklabs/gofetch/server:1.0.1');
    assert.equal(got.spec.transport, 'streamable-http');
    assert.equal(got.spec.mcpPort, 8080);
    assert.deepEqual(got.spec.args, ['--max-bytes', '1000000']);
    assert.deepEqual(got.spec.env, [{ name: 'USER_AGENT', value: 'gofetch' }]);
    assert.deepEqual(got.spec.permissionProfile, { type: 'builtin', name: 'network' });
    assert.equal(got.metadata.annotations['toolhive.stacklok.io/resolved'], 'io.github.stacklok/fetch@1.0.0');

    // Upstream-format OCI entry; the unmapped required secret comes back as a warning.
    const w = apply(ns, {
      apiVersion: api,
      kind: 'MCPServer',
      metadata: { name: 'weather', annotations: annotations('public', 'io.github.acme/weather', '2.1.0') },
      spec: { image: 'ghcr.io/acme/weather:2.0.0' },
    });
    assert.equal(w.code, 0, w.stderr);
    assert.match(
      w.stderr,
      /Warning: MCPServer "weather": required secret env var WEATHER_API_KEY of "io\.github\.acme\/weather" is not provided: add it to spec\.secrets \(targetEnvName: WEATHER_API_KEY\) from a Secret/,
    );
    const weather = getSpec(ns, 'mcpservers', 'weather');
    assert.equal(weather.spec.image, 'ghcr.io/acme/weather:2.0.0', 'the user-set image wins');
    assert.deepEqual(weather.spec.env, [{ name: 'UNITS', value: 'metric' }]);
    assert.equal(
      weather.metadata.annotations['toolhive.stacklok.io/resolved'],
      'io.github.acme/weather@2.1.0',
    );

    // Without our annotations nothing is sent to us: the apiserver's own schema answers.
    const plain = apply(ns, { apiVersion: api, kind: 'MCPServer', metadata: { name: 'plain' }, spec: {} });
    assert.notEqual(plain.code, 0);
    assert.match(plain.stderr, /spec\.image: Required value/);
  });

  test(`${generation}: remote entries for MCPRemoteProxy${generation === '2026-08-21' ? ' and MCPServerEntry' : ''}`, async () => {
    await installToolhiveCrds(generation);
    const ns = await workloadNamespace();
    await registryWith(ns, 'corp', TOOLHIVE_DOC);
    await registryWith(ns, 'public', UPSTREAM_DOC);
    const urlField = generation === '2025-10-31' ? 'remoteURL' : 'remoteUrl';
    const p = apply(ns, {
      apiVersion: api,
      kind: 'MCPRemoteProxy',
      metadata: { name: 'jira', annotations: annotations('corp', 'atlassian') },
      spec: generation === '2025-10-31' ? OIDC : {},
    });
    assert.equal(p.code, 0, p.stderr);
    assert.match(p.stderr, /required header Authorization of "atlassian" is not forwarded/);
    const proxy = getSpec(ns, 'mcpremoteproxies', 'jira');
    assert.equal(proxy.spec[urlField], 'https://mcp.atlassian.com/v1/sse');
    assert.equal(proxy.spec.transport, 'sse');
    if (generation === '2026-08-21') {
      assert.deepEqual(proxy.spec.headerForward, { addPlaintextHeaders: { 'X-Tenant': 'main' } });
      const e = apply(ns, {
        apiVersion: api,
        kind: 'MCPServerEntry',
        metadata: { name: 'search', annotations: annotations('public', 'search') },
        spec: { groupRef: { name: 'default' } },
      });
      assert.equal(e.code, 0, e.stderr);
      const entry = getSpec(ns, 'mcpserverentries', 'search');
      assert.equal(entry.spec.remoteUrl, 'https://search.acme.example/sse');
      assert.equal(entry.spec.transport, 'sse');
      assert.equal(
        entry.metadata.annotations['toolhive.stacklok.io/resolved'],
        'io.github.acme/search@1.4.0',
      );
    }
  });

  test(`${generation}: refusals with the exact messages`, async () => {
    await installToolhiveCrds(generation);
    const ns = await workloadNamespace();
    await registryWith(ns, 'corp', TOOLHIVE_DOC);
    await registryWith(ns, 'public', UPSTREAM_DOC);
    await registryWith(ns, 'fresh', TOOLHIVE_DOC, { stored: false });
    const refused = (name: string, ann: Record<string, string>) => {
      const r = apply(ns, { apiVersion: api, kind: 'MCPServer', metadata: { name, annotations: ann } });
      assert.notEqual(r.code, 0, `${name} was admitted`);
      return r.stderr;
    };
    // kubectl prints the webhook's Invalid status as the apiserver's own: exactly this line.
    const is = (name: string) => `The MCPServer "${name}" is invalid: `;
    assert.equal(
      refused('a', annotations('crop', 'fetch')),
      `${is('a')}metadata.annotations[toolhive.stacklok.io/registry]: Invalid value: "crop": no MCPRegistry "crop" in namespace "${ns}"; existing: corp, fresh, public`,
    );
    assert.equal(
      refused('b', annotations('corp', 'fecth')),
      `${is('b')}metadata.annotations[toolhive.stacklok.io/server]: Invalid value: "fecth": no server "fecth" in MCPRegistry "corp"; closest: fetch`,
    );
    assert.equal(
      refused('c', annotations('public', 'weather')),
      `${is('c')}metadata.annotations[toolhive.stacklok.io/server]: Invalid value: "weather": "weather" names several servers in MCPRegistry "public": io.github.acme/weather, io.github.other/weather; use the full name`,
    );
    assert.equal(
      refused('d', annotations('fresh', 'fetch')),
      `${is('d')}metadata.annotations[toolhive.stacklok.io/registry]: Invalid value: "fresh": MCPRegistry "fresh" has no synced catalog yet (phase Pending): retry once it is Ready`,
    );
    assert.equal(
      refused('e', annotations('corp', 'fetch', '0.9.0')),
      `${is('e')}metadata.annotations[toolhive.stacklok.io/server-version]: Invalid value: "0.9.0": MCPRegistry "corp" has no version "0.9.0" of "io.github.stacklok/fetch"; it has "1.0.0" (latest); use "latest" or one of them`,
    );
  });
}

test('2026-08-21: a workload pinned to an older version of a registry source resolves it, enforcement included', async () => {
  await installToolhiveCrds('2026-08-21');
  const ns = await workloadNamespace();
  // Every version of each server, as a registry source stores them (a page of the official API).
  await registryWith(ns, 'mirror', VERSIONS_PAGE, { enforceServers: true });
  const api = 'toolhive.stacklok.dev/v1beta1';
  const s = apply(ns, {
    apiVersion: api,
    kind: 'MCPServer',
    metadata: { name: 'weather', annotations: annotations('mirror', 'io.github.acme/weather', '2.0.0') },
  });
  assert.equal(s.code, 0, s.stderr);
  const weather = getSpec(ns, 'mcpservers', 'weather');
  assert.equal(weather.spec.image, 'ghcr.io/acme/weather:2.0.0');
  assert.equal(weather.spec.env, undefined, '2.0.0 has no UNITS default (2.1.0 has)');
  assert.equal(weather.metadata.annotations['toolhive.stacklok.io/resolved'], 'io.github.acme/weather@2.0.0');

  const e = apply(ns, {
    apiVersion: api,
    kind: 'MCPServerEntry',
    metadata: { name: 'search', annotations: annotations('mirror', 'search', '1.3.0') },
    spec: { groupRef: { name: 'default' } },
  });
  assert.equal(e.code, 0, e.stderr);
  assert.equal(
    getSpec(ns, 'mcpserverentries', 'search').spec.remoteUrl,
    'https://search.acme.example/v1/sse',
  );

  const deleted = apply(ns, {
    apiVersion: api,
    kind: 'MCPServer',
    metadata: { name: 'old', annotations: annotations('mirror', 'io.github.acme/weather', '1.5.0') },
  });
  assert.notEqual(deleted.code, 0);
  assert.equal(
    deleted.stderr.trim(),
    'The MCPServer "old" is invalid: metadata.annotations[toolhive.stacklok.io/server-version]: Invalid value: "1.5.0": MCPRegistry "mirror" has no version "1.5.0" of "io.github.acme/weather" (its source registry deleted it); it has "1.9.0", "2.1.0" (latest), "2.0.0"; use "latest" or one of them',
  );
  // The deleted version's image, set by hand, is in none of the versions the registry serves.
  const byHand = apply(ns, {
    apiVersion: api,
    kind: 'MCPServer',
    metadata: { name: 'by-hand' },
    spec: { image: 'ghcr.io/acme/weather:1.5.0' },
  });
  assert.notEqual(byHand.code, 0);
  assert.match(
    byHand.stderr,
    /image "ghcr\.io\/acme\/weather:1\.5\.0" is in none of the registries enforced in this namespace \(checked: mirror\)/,
  );
});
