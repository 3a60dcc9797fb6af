/**
 * `thv registry manifest` prints a workload kubectl applies as is, for every kind and each generation
 * of ToolHive's CRDs, in the installed CRD's version and field names; its errors name what exists.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parse } from 'yaml';
import { kubectl } from '../../support/cluster.ts';
import { installToolhiveCrds, TOOLHIVE_GENERATIONS } from '../../support/toolhive-crds.ts';
import { thv } from '../cli/thv.ts';
import { getSpec, registryWith, TOOLHIVE_DOC, UPSTREAM_DOC, workloadNamespace } from './helpers.ts';
import { VERSIONS_PAGE } from '../../unit/admission/workloads/catalogs.ts';

const CASES = [
  { kind: 'MCPServer', plural: 'mcpservers', registry: 'corp', server: 'fetch', name: 'fetch' },
  {
    kind: 'MCPServer',
    plural: 'mcpservers',
    registry: 'public',
    server: 'io.github.acme/weather',
    name: 'weather',
  },
  {
    kind: 'MCPRemoteProxy',
    plural: 'mcpremoteproxies',
    registry: 'corp',
    server: 'atlassian',
    name: 'atlassian',
  },
  {
    kind: 'MCPServerEntry',
    plural: 'mcpserverentries',
    registry: 'public',
    server: 'search',
    name: 'search',
  },
];

for (const generation of TOOLHIVE_GENERATIONS)
  test(`${generation}: thv registry manifest | kubectl apply, every kind`, async () => {
    const kinds = (await installToolhiveCrds(generation)).map((k) => k.kind);
    const ns = await workloadNamespace();
    await registryWith(ns, 'corp', TOOLHIVE_DOC);
    await registryWith(ns, 'public', UPSTREAM_DOC);
    for (const c of CASES.filter((x) => kinds.includes(x.kind))) {
      const r = await thv(['registry', 'manifest', c.registry, c.server, '--kind', c.kind, '-n', ns]);
      assert.equal(r.code, 0, r.stderr);
      const doc = parse(r.stdout) as {
        apiVersion: string;
        metadata: { name: string; annotations: Record<string, string> };
      };
      assert.equal(
        doc.apiVersion,
        `toolhive.stacklok.dev/${generation === '2025-10-31' ? 'v1alpha1' : 'v1beta1'}`,
      );
      assert.equal(doc.metadata.name, c.name);
      assert.equal(doc.metadata.annotations['toolhive.stacklok.io/registry'], c.registry);
      const applied = kubectl(['apply', '-f', '-'], r.stdout);
      assert.equal(applied.code, 0, `${c.kind} ${c.server}: ${applied.stderr}\n${r.stdout}`);
      const got = getSpec(ns, c.plural, c.name);
      assert.ok(got.metadata.annotations['toolhive.stacklok.io/resolved'], 'admission resolved it');
    }
  });

test('thv registry manifest: what it says when the reference is wrong', async () => {
  await installToolhiveCrds('2026-08-21');
  const ns = await workloadNamespace();
  await registryWith(ns, 'corp', TOOLHIVE_DOC);
  await registryWith(ns, 'fresh', TOOLHIVE_DOC, { stored: false });
  const run = (...a: string[]) => thv(['registry', 'manifest', ...a, '-n', ns]);
  assert.deepEqual(await run('crop', 'fetch'), {
    code: 1,
    stdout: '',
    stderr: `error: no MCPRegistry "crop" in namespace "${ns}"; existing: corp, fresh\n`,
  });
  const fresh = await run('fresh', 'fetch');
  assert.equal(fresh.code, 1);
  assert.match(fresh.stderr, /^error: MCPRegistry "fresh" has no synced catalog yet\n/);
  assert.deepEqual(await run('corp', 'fecth'), {
    code: 1,
    stdout: '',
    stderr: 'error: no server "fecth" in MCPRegistry "corp"; closest: fetch\n',
  });
  const wrong = await run('corp', 'atlassian', '--kind', 'MCPServer');
  assert.equal(wrong.code, 1);
  assert.equal(
    wrong.stderr,
    'error: "atlassian" is a remote server, which a MCPServer cannot run: reference it from an MCPRemoteProxy or MCPServerEntry\n',
  );
});

test('thv registry manifest --version: an older version a registry source keeps, applied as is; one it lacks refused', async () => {
  await installToolhiveCrds('2026-08-21');
  const ns = await workloadNamespace();
  await registryWith(ns, 'mirror', VERSIONS_PAGE);
  const run = (...a: string[]) => thv(['registry', 'manifest', 'mirror', ...a, '-n', ns]);
  const r = await run('io.github.acme/weather', '--version', '2.0.0');
  assert.equal(r.code, 0, r.stderr);
  const doc = parse(r.stdout) as {
    metadata: { name: string; annotations: Record<string, string> };
    spec: Record<string, unknown>;
  };
  assert.equal(doc.metadata.annotations['toolhive.stacklok.io/server-version'], '2.0.0');
  assert.equal(doc.spec.image, 'ghcr.io/acme/weather:2.0.0');
  assert.equal(doc.spec.env, undefined, '2.0.0 has no UNITS default (2.1.0 has)');
  const applied = kubectl(['apply', '-f', '-'], r.stdout);
  assert.equal(applied.code, 0, applied.stderr);
  const got = getSpec(ns, 'mcpservers', doc.metadata.name);
  assert.equal(got.metadata.annotations['toolhive.stacklok.io/resolved'], 'io.github.acme/weather@2.0.0');
  assert.deepEqual(await run('io.github.acme/weather', '--version', '2.0.1'), {
    code: 1,
    stdout: '',
    stderr:
      'error: MCPRegistry "mirror" has no version "2.0.1" of "io.github.acme/weather"; it has "2.0.0", "2.1.0" (latest), "1.9.0"; use "latest" or one of them\n',
  });
});
