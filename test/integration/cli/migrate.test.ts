/**
 * `thv registry migrate` on ToolHive's own example directory, applied to the real apiserver: the
 * migrated manifests pass our admission, and with a controller each registry syncs exactly the
 * servers ToolHive's filters select.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { cpSync, mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createNamespace, kubeconfigPath, kubectl } from '../../support/cluster.ts';
import { startController, type ControllerProcess } from '../../support/controller.ts';
import { readStoredCatalog } from '../../../src/storage/configmaps.ts';
import { client } from '../../support/cluster.ts';
import { waitPhase } from '../controller/helpers.ts';
import { thv } from './thv.ts';

const EXAMPLES = resolve(import.meta.dirname, '../../fixtures/toolhive-crd-examples');
let ns: string;
let ctrl: ControllerProcess;

before(async () => {
  ns = await createNamespace('migrate');
  ctrl = startController({ kubeconfig: kubeconfigPath(), namespaces: [ns] });
});
after(async () => {
  await ctrl.stop();
});

test('a ToolHive example directory migrates in place with one command, applies, and syncs', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'migrate-'));
  cpSync(EXAMPLES, dir, { recursive: true });
  const r = await thv(['registry', 'migrate', '-n', ns, '--in-place', dir], { kubeconfig: null });
  // Every example has an equivalent since the kubernetes source type (#31): the configYAML example built
  // from MCPServer resources migrates too. Exit 0, a warning per field without equivalent.
  assert.equal(r.code, 0, r.stderr);
  assert.equal(r.stdout, '');
  assert.match(
    r.stderr,
    /warning: .*2026-08-21-mcpregistry-configyaml-minimal\.yaml: document 1 \(MCPRegistry toolhive-system\/minimal-configyaml\): spec\.configYAML\.database: no equivalent \(the catalog is stored in ConfigMaps\)\n/,
  );
  assert.match(r.stderr, /\nmigrated 5 MCPRegistries in 5 files\n$/);
  assert.doesNotMatch(r.stderr, /error:/);

  for (const f of readdirSync(dir).filter((f) => f.endsWith('.yaml'))) {
    const applied = kubectl(['apply', '-f', join(dir, f)]);
    assert.equal(applied.code, 0, `${f}: ${applied.stderr}`);
    assert.doesNotMatch(applied.stderr, /Warning/, f);
  }

  const expected: Record<string, string[]> = {
    'auto-sync-registry': ['fetch', 'postgres-mcp-pro'],
    'example-registry': ['filesystem', 'github'],
    'minimal-registry': ['everything'],
    'configmap-configyaml': ['io.github.example/filesystem', 'io.github.example/github'],
    // Its own namespace's MCPServers: this namespace runs none.
    'minimal-configyaml': [],
  };
  for (const [name, servers] of Object.entries(expected)) {
    const reg = await waitPhase(ns, name, 'Ready');
    assert.equal(reg.status?.sync?.serverCount, servers.length, name);
    const stored = await readStoredCatalog(client(), ns, name);
    assert.deepEqual(stored?.catalog.servers.map((s) => s.name).sort(), servers, name);
  }
});

test('stdin to stdout; --in-place with stdin is a usage error', async () => {
  const input = readFileSync(join(EXAMPLES, '2025-09-09-mcpregistry-minimal.yaml'), 'utf8');
  const r = await thv(['registry', 'migrate', '-'], { kubeconfig: null, stdin: input });
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /^apiVersion: toolhive\.stacklok\.io\/v1alpha1\nkind: MCPRegistry\n/m);
  const bad = await thv(['registry', 'migrate', '--in-place', '-'], { kubeconfig: null, stdin: input });
  assert.equal(bad.code, 2);
  assert.equal(
    bad.stderr,
    'error: --in-place cannot rewrite stdin\nName the files or directories to rewrite.\n',
  );
  const none = await thv(['registry', 'migrate', '/no/such/dir'], { kubeconfig: null });
  assert.equal(none.code, 1);
  assert.equal(
    none.stderr,
    'error: cannot read /no/such/dir: no such file or directory.\nName a YAML file, a directory or -.\n',
  );
});
