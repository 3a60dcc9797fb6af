/**
 * What GitOps tools see after the mutating webhook has defaulted a manifest: Argo CD (server-side
 * diff) and Flux (server-side apply) apply the manifest from Git with their own field manager, then
 * diff it again. Defaults the webhook adds to the applied configuration belong to that manager and
 * come back identically on every dry-run, so the diff must be empty: no endless OutOfSync.
 */
import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'yaml';
import { createNamespace, kubectl, kubectlOk } from '../../support/cluster.ts';

let ns: string;
const dir = mkdtempSync(join(tmpdir(), 'gitops-apply-'));
before(async () => {
  ns = await createNamespace('gitops-apply');
});

const manifests = (namespace: string) => ({
  'v1alpha1 with every default left out': `apiVersion: toolhive.stacklok.io/v1alpha1
kind: MCPRegistry
metadata: {name: from-git-alpha, namespace: ${namespace}}
spec:
  source: {type: url, url: "https://example.com/registry.json"}
  filter: {names: {include: [" github ", "fetch", "fetch"]}}
`,
  'v1beta1 with several sources': `apiVersion: toolhive.stacklok.io/v1beta1
kind: MCPRegistry
metadata: {name: from-git-beta, namespace: ${namespace}}
spec:
  sources:
    - {name: base, type: configmap, configMapRef: {name: catalog}}
    - {name: official, type: registry, registry: {baseURL: "https://registry.example.com"}}
  syncPolicy: {}
`,
});

for (const [what, manifest] of Object.entries(manifests('NS')))
  for (const manager of ['argocd-controller', 'kustomize-controller'])
    test(`${manager}: server-side apply then server-side diff shows nothing: ${what}`, () => {
      // One manager per object, as in real life (Argo CD or Flux owns an object, not both).
      const name = `${(parse(manifest) as { metadata: { name: string } }).metadata.name}-${manager.split('-')[0]}`;
      const file = join(dir, `${name}.yaml`);
      writeFileSync(file, manifest.replace('NS', ns).replace(/name: from-git-\w+/, `name: ${name}`));
      const applied = kubectl(['apply', '--server-side', `--field-manager=${manager}`, '-f', file]);
      assert.equal(applied.code, 0, applied.stderr);
      const diff = kubectl(['diff', '--server-side', `--field-manager=${manager}`, '-f', file]);
      assert.equal(diff.stdout, '', `${manager} sees a diff`);
      assert.equal(diff.code, 0, diff.stderr);
      const again = kubectl(['apply', '--server-side', `--field-manager=${manager}`, '-f', file]);
      assert.equal(again.code, 0, again.stderr);
      // The defaults are really there.
      const stored = JSON.parse(
        kubectlOk(['get', 'mcpregistries.v1beta1.toolhive.stacklok.io', name, '-n', ns, '-o', 'json']),
      ) as { spec: { sources: { format?: string }[]; syncPolicy?: { interval?: string } } };
      assert.ok(
        stored.spec.sources.every((s) => s.format),
        'format defaulted on every source',
      );
      assert.equal(stored.spec.syncPolicy?.interval, '1h');
    });

test('client-side kubectl apply of a normalised manifest twice: the second is unchanged', () => {
  const file = join(dir, 'client-side.yaml');
  writeFileSync(
    file,
    `apiVersion: toolhive.stacklok.io/v1alpha1
kind: MCPRegistry
metadata: {name: client-side, namespace: ${ns}}
spec:
  source: {type: url, url: "https://example.com/registry.json"}
  filter: {names: {include: [github, fetch]}}
`,
  );
  assert.equal(kubectl(['apply', '-f', file]).code, 0);
  const again = kubectl(['apply', '-f', file]);
  assert.equal(again.code, 0, again.stderr);
  assert.equal(again.stdout, 'mcpregistry.toolhive.stacklok.io/client-side unchanged\n');
  const diff = kubectl(['diff', '-f', file]);
  assert.equal(diff.stdout, '');
  assert.equal(diff.code, 0);
});

test('a manifest the webhook rewrites (padded, duplicate filter entries) shows that rewrite to a client-side diff', () => {
  // Documented in docs/policy.md: trimmed and de-duplicated filter values differ from the manifest,
  // so a client-side 3-way diff keeps reporting them; a server-side diff (above) does not.
  const file = join(dir, 'padded.yaml');
  writeFileSync(
    file,
    manifests(ns)['v1alpha1 with every default left out'].replace('from-git-alpha', 'padded'),
  );
  assert.equal(kubectl(['apply', '-f', file]).code, 0);
  const again = kubectl(['apply', '-f', file]);
  assert.equal(again.stdout, 'mcpregistry.toolhive.stacklok.io/padded configured\n');
  const ssd = kubectl(['diff', '--server-side', '--field-manager=kubectl-client-side-apply', '-f', file]);
  assert.equal(ssd.stdout, '');
});
