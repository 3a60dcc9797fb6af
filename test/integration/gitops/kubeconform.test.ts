/**
 * Our generated JSON Schemas (schemas/, `npm run generate`) through the real kubeconform, built from
 * its Go module by test/kubeconform/build.sh, used the way docs/gitops.md tells GitOps users to:
 * valid manifests of both versions pass, each kind of invalid manifest is refused with kubeconform's
 * message at the right path, and nothing the cluster admits is refused offline.
 */
import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { stringify } from 'yaml';
import { celToJsonSchema, kubeconformSchemas } from '../../../src/generate/kubeconform.ts';
import { allManifests } from '../../support/admission-corpus.ts';

const ROOT = resolve(import.meta.dirname, '../../..');
const FIXTURES = join(ROOT, 'test/kubeconform/fixtures');
/** The location template docs/gitops.md gives; kubeconform lower-cases the kind itself. */
const LOCATION = 'schemas/{{ .ResourceKind }}-{{ .Group }}-{{ .ResourceAPIVersion }}.json';

let bin: string;
before(() => {
  bin = execFileSync('bash', [join(ROOT, 'test/kubeconform/build.sh')], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit'],
  }).trim();
});

interface KubeconformResult {
  resources: { name: string; status: string; validationErrors?: { path: string; msg: string }[] }[];
  summary: { valid: number; invalid: number; errors: number; skipped: number };
}

function kubeconform(args: string[]): { code: number | null; result: KubeconformResult } {
  const r = spawnSync(
    bin,
    ['-strict', '-summary', '-output', 'json', '-schema-location', LOCATION, ...args],
    { cwd: ROOT, encoding: 'utf8', timeout: 120_000 },
  );
  return { code: r.status, result: JSON.parse(r.stdout) as KubeconformResult };
}

test('kubeconform accepts valid manifests of both versions with our schemas (other kinds skipped)', () => {
  const { code, result } = kubeconform(['-skip', 'ConfigMap', join(FIXTURES, 'valid.yaml')]);
  assert.equal(code, 0);
  assert.deepEqual(result.summary, { valid: 3, invalid: 0, errors: 0, skipped: 1 });
});

test('kubeconform refuses each kind of invalid manifest at the field, in its words', () => {
  const { code, result } = kubeconform([join(FIXTURES, 'invalid.yaml')]);
  assert.equal(code, 1);
  const byName = Object.fromEntries(
    result.resources.map((r) => [r.name, (r.validationErrors ?? []).map((e) => `${e.path}: ${e.msg}`)]),
  );
  assert.deepEqual(byName, {
    'unknown-type': [
      "/spec/source/type: value must be one of 'configmap', 'url', 'git', 'registry', 'kubernetes'",
      "/spec/source: 'allOf' failed",
    ],
    'unknown-field': ["/spec: additional properties 'sync' not allowed"],
    'missing-sub-object': ["/spec/source: 'allOf' failed"],
    'two-sub-objects': ["/spec/source: 'allOf' failed"],
    'two-refs': ["/spec/source/git: 'allOf' failed"],
    'no-sources': ['/spec/sources: minItems: got 0, want 1'],
    'bad-configmap-name': [
      // kubeconform quotes the pattern Go-style, so its backslash shows doubled.
      "/spec/sources/0/configMapRef/name: 'Not_A_Name' does not match pattern '^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$'",
    ],
  });
  assert.equal(result.summary.invalid, 7);
});

test('nothing the cluster admits is refused by kubeconform (every valid manifest of the admission corpus)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'mcpr-kubeconform-'));
  const file = join(dir, 'corpus.yaml');
  writeFileSync(
    file,
    allManifests()
      .map((c) => stringify(c.obj))
      .join('---\n'),
  );
  const cli = spawnSync(process.execPath, ['src/bin/thv.ts', 'registry', 'validate', '-o', 'json', file], {
    cwd: ROOT,
    encoding: 'utf8',
  });
  const admitted = (JSON.parse(cli.stdout) as { documents: { result: string; document: number }[] }).documents
    .filter((d) => d.result === 'valid')
    .map((d) => allManifests()[d.document - 1]?.obj);
  assert.ok(admitted.length >= 10, `${admitted.length} admitted manifests in the corpus`);
  const onlyValid = join(dir, 'admitted.yaml');
  writeFileSync(onlyValid, admitted.map((o) => stringify(o)).join('---\n'));
  const { code, result } = kubeconform([onlyValid]);
  assert.equal(code, 0, JSON.stringify(result.resources, null, 2));
  assert.equal(result.summary.valid, admitted.length);
});

test('the schemas are generated for both versions in kubeconform’s file layout', () => {
  assert.deepEqual(Object.keys(kubeconformSchemas()).sort(), [
    'schemas/mcpregistry-toolhive.stacklok.io-v1alpha1.json',
    'schemas/mcpregistry-toolhive.stacklok.io-v1beta1.json',
  ]);
});

test('CEL disjunctions of has / equality atoms and "at most one of" become draft-4 JSON Schema', () => {
  assert.deepEqual(celToJsonSchema('has(self.baseURL) || has(self.registryRef)'), {
    anyOf: [{ required: ['baseURL'] }, { required: ['registryRef'] }],
  });
  assert.deepEqual(celToJsonSchema('!has(self.baseURL) || !has(self.registryRef)'), {
    not: { required: ['baseURL', 'registryRef'] },
  });
  assert.deepEqual(celToJsonSchema("self.type != 'url' || has(self.url)"), {
    anyOf: [{ not: { required: ['type'], properties: { type: { enum: ['url'] } } } }, { required: ['url'] }],
  });
  assert.deepEqual(celToJsonSchema('[has(self.branch), has(self.tag)].filter(x, x).size() <= 1'), {
    not: { anyOf: [{ required: ['branch', 'tag'] }] },
  });
});

test('a CEL rule of a form the generator cannot express fails the generation instead of going unchecked', () => {
  assert.throws(
    () => celToJsonSchema('self.size() > 2'),
    /no JSON Schema translation for the CEL rule "self.size\(\) > 2"/,
  );
});
