/**
 * `thv registry migrate` goldens: every ToolHive example manifest (and hand-written inputs in the
 * other shapes) → the exact output text and the exact warnings/errors a user sees. Regenerate with
 * UPDATE_GOLDENS=1 and review the diff.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import { parseAllDocuments } from 'yaml';
import { migrateYamlText } from '../../../src/cli/migrate/migrate.ts';
import { migrateToolhiveRegistry } from '../../../src/api/migration/toolhive.ts';
import { resolveMountedFile } from '../../../src/api/migration/toolhive-config-yaml.ts';

const FIXTURES = resolve(import.meta.dirname, '../../fixtures');
const EXPECTED = join(FIXTURES, 'migration/expected');
const inputs = [
  ...readdirSync(join(FIXTURES, 'toolhive-crd-examples')).map((f) =>
    join(FIXTURES, 'toolhive-crd-examples', f),
  ),
  ...readdirSync(join(FIXTURES, 'migration/input')).map((f) => join(FIXTURES, 'migration/input', f)),
].filter((f) => f.endsWith('.yaml'));

function golden(file: string, actual: string): void {
  if (process.env.UPDATE_GOLDENS) writeFileSync(file, actual);
  assert.ok(existsSync(file), `${file} is missing: run with UPDATE_GOLDENS=1 and review it`);
  assert.equal(actual, readFileSync(file, 'utf8'), file);
}

for (const input of inputs)
  test(`migrate golden: ${basename(input)}`, () => {
    const r = migrateYamlText(readFileSync(input, 'utf8'), basename(input));
    golden(join(EXPECTED, basename(input)), r.text);
    const messages = [...r.warnings.map((w) => `warning: ${w}`), ...r.errors.map((e) => `error: ${e}`)];
    golden(join(EXPECTED, basename(input, '.yaml') + '.messages.txt'), messages.join('\n') + '\n');
  });

test('every document but the ToolHive MCPRegistries passes through byte for byte', () => {
  for (const input of inputs) {
    const text = readFileSync(input, 'utf8');
    const before = parseAllDocuments(text).map((d) => d.toJS() as { kind?: string; apiVersion?: string });
    const after = parseAllDocuments(migrateYamlText(text, 'x').text).map((d) => d.toJS() as object);
    const kept = before.filter(
      (d) => !(d?.kind === 'MCPRegistry' && d.apiVersion?.startsWith('toolhive.stacklok.dev')),
    );
    for (const d of kept)
      assert.ok(
        after.some((a) => JSON.stringify(a) === JSON.stringify(d)),
        input,
      );
  }
});

test('comments and key order survive where the field did', () => {
  const r = migrateYamlText(
    readFileSync(join(FIXTURES, 'toolhive-crd-examples/2025-09-09-mcpregistry-automatic-sync.yaml'), 'utf8'),
    'auto',
  );
  assert.match(r.text, /interval: "30m" # Automatically sync every 30 minutes\n/);
  assert.match(r.text, /- "experimental" # Exclude any experimental servers\n/);
  const reg = r.text.slice(r.text.indexOf('apiVersion: toolhive.stacklok.io'));
  assert.deepEqual(
    [...reg.matchAll(/^ {2}(\w+):/gm)].map((m) => m[1]),
    ['name', 'namespace', 'displayName', 'format', 'source', 'syncPolicy', 'filter'],
  );
});

test('-n moves the registries and their ConfigMaps, and nothing else changes', () => {
  const text = readFileSync(
    join(FIXTURES, 'toolhive-crd-examples/2025-09-09-mcpregistry-minimal.yaml'),
    'utf8',
  );
  const r = migrateYamlText(text, 'min', { namespace: 'registries' });
  const docs = parseAllDocuments(r.text).map((d) => d.toJS() as { metadata: { namespace: string } });
  assert.deepEqual(
    docs.map((d) => d.metadata.namespace),
    ['registries', 'registries'],
  );
  assert.deepEqual(r.warnings, []);
});

test('pure mapping: each shape, and what is refused', () => {
  const table: { name: string; spec: object; apiVersion?: string; spec2?: object; errors?: string[] }[] = [
    {
      name: 'phase 1 minimal',
      spec: { source: { type: 'configmap', configmap: { name: 'data' } } },
      apiVersion: 'toolhive.stacklok.io/v1alpha1',
      spec2: { source: { type: 'configmap', configmap: { name: 'data' } } },
    },
    {
      name: 'api source becomes a registry source, trailing slash dropped',
      spec: { source: { type: 'api', api: { endpoint: 'https://r.example.com/' } } },
      apiVersion: 'toolhive.stacklok.io/v1alpha1',
      spec2: { source: { type: 'registry', registry: { url: 'https://r.example.com' } } },
    },
    {
      name: 'git with a commit',
      spec: {
        source: {
          type: 'git',
          format: 'upstream',
          git: { repository: 'https://g/r.git', commit: 'abcdef1' },
        },
      },
      apiVersion: 'toolhive.stacklok.io/v1alpha1',
      spec2: {
        format: 'upstream',
        source: { type: 'git', git: { repository: 'https://g/r.git', commit: 'abcdef1' } },
      },
    },
    {
      name: "ToolHive's kubernetes source becomes ours, its namespaces kept",
      spec: { source: { type: 'kubernetes', kubernetes: { namespaces: ['team-a'] } } },
      apiVersion: 'toolhive.stacklok.io/v1alpha1',
      spec2: { source: { type: 'kubernetes', kubernetes: { namespaces: ['team-a'] } } },
    },
    {
      name: 'a kubernetes source without namespaces reads its own',
      spec: { registries: [{ name: 'k8s', kubernetes: {} }] },
      apiVersion: 'toolhive.stacklok.io/v1beta1',
      spec2: { sources: [{ name: 'k8s', type: 'kubernetes' }] },
    },
    {
      name: 'a kubernetes source with a namespaces value that is not a list',
      spec: { source: { kubernetes: { namespaces: 'team-a' } } },
      errors: ['spec.source.kubernetes.namespaces: must be a list of namespace names'],
    },
    {
      name: 'no source',
      spec: { displayName: 'x' },
      errors: ['spec.source: missing'],
    },
    {
      name: 'unknown source type',
      spec: { source: { type: 'oci' } },
      errors: ['spec.source: unknown source type "oci"'],
    },
    {
      name: 'a source name that is not a DNS label',
      spec: { registries: [{ name: 'Main_Source', configMapRef: { name: 'c' } }] },
      errors: [
        `spec.registries[0].name: "Main_Source" is not a valid source name (lowercase letters, digits and '-', ≤ 63)`,
      ],
    },
    {
      name: 'configYAML that is not YAML',
      spec: { configYAML: 'sources: [' },
      errors: [
        'spec.configYAML: not valid YAML: Flow sequence in block collection must be sufficiently indented and end with a ] at line 1, column 11',
      ],
    },
  ];
  for (const row of table) {
    const r = migrateToolhiveRegistry({
      apiVersion: 'toolhive.stacklok.dev/v1alpha1',
      kind: 'MCPRegistry',
      metadata: { name: 'r', namespace: 'n' },
      spec: row.spec,
    });
    if (row.errors) {
      assert.deepEqual(r.errors, row.errors, row.name);
      assert.deepEqual(r.objects, [], row.name);
    } else {
      assert.deepEqual(r.errors, [], row.name);
      assert.equal(r.objects[0]?.apiVersion, row.apiVersion, row.name);
      assert.deepEqual(r.objects[0]?.spec, row.spec2, row.name);
    }
  }
});

test('mounted files are traced back to their ConfigMap or Secret key', () => {
  const spec = {
    volumes: [
      { name: 'a', configMap: { name: 'cm-a', items: [{ key: 'catalog.json', path: 'registry.json' }] } },
      { name: 'b', configMap: { name: 'cm-b' } },
      { name: 'c', secret: { secretName: 'git-creds' } },
    ],
    volumeMounts: [
      { name: 'a', mountPath: '/data/a/' },
      { name: 'b', mountPath: '/data/b' },
      { name: 'c', mountPath: '/secrets/git/password', subPath: 'password' },
    ],
  };
  assert.deepEqual(resolveMountedFile('/data/a/registry.json', spec), {
    kind: 'configMap',
    name: 'cm-a',
    key: 'catalog.json',
  });
  assert.deepEqual(resolveMountedFile('/data/b/x.json', spec), {
    kind: 'configMap',
    name: 'cm-b',
    key: 'x.json',
  });
  assert.deepEqual(resolveMountedFile('/secrets/git/password', spec), {
    kind: 'secret',
    name: 'git-creds',
    key: 'password',
  });
  assert.equal(resolveMountedFile('/data/a/other.json', spec), undefined);
  assert.equal(resolveMountedFile('/data/b/deep/x.json', spec), undefined);
  assert.equal(resolveMountedFile('/elsewhere/registry.json', spec), undefined);
});
