/**
 * SPEC §11 on the real node (called from e2e.test.ts, so it reuses that file's node and operator
 * Pods instead of starting another node): ToolHive's own CRDs (the 2026-08-21 generation, unchanged)
 * installed into the node's apiserver while the operator runs, a registry syncing the ToolHive sample
 * catalog, an MCPServer with only our annotations resolved by the mutating webhook, and enforcement
 * (fail-closed label) refusing an image no registry lists, all through the webhook Service.
 */
import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { pollUntil } from '../../src/local/poll.ts';
import { GROUP, json, k, kOk } from './cluster.ts';

const WL_NS = 'e2e-workloads';
const THV = 'toolhive.stacklok.dev';

function mcpServer(name: string, extra: { annotations?: Record<string, string>; image?: string }): string {
  return JSON.stringify({
    apiVersion: `${THV}/v1beta1`,
    kind: 'MCPServer',
    metadata: { name, namespace: WL_NS, ...(extra.annotations && { annotations: extra.annotations }) },
    ...(extra.image && { spec: { image: extra.image } }),
  });
}

export async function workloadsThroughTheWebhookService(root: string): Promise<void> {
  const crdDir = join(root, 'test/fixtures/toolhive-crds/2026-08-21');
  const crds = readdirSync(crdDir)
    .filter((f) => f.endsWith('.yaml'))
    .map((f) => `crd/${f.replace(/^toolhive\.stacklok\.dev_(.*)\.yaml$/, `$1.${THV}`)}`);
  try {
    await resolvedAndEnforced(root, crdDir, crds);
  } finally {
    // Leave the node as the later tests expect it, also after a failure (the registry's finalizer
    // needs the operator, which `kubectl delete -k` removes next): no namespace of ours, no ToolHive CRDs.
    k(['delete', 'namespace', WL_NS, '--ignore-not-found', '--wait=true', '--timeout=180s']);
    k(['delete', ...crds, '--ignore-not-found', '--wait=true', '--timeout=120s']);
  }
}

async function resolvedAndEnforced(root: string, crdDir: string, crds: string[]): Promise<void> {
  // The apiserver reaches the workload webhooks through the operator's Service, not a URL.
  for (const [kind, name, hook] of [
    ['mutatingwebhookconfiguration', 'mcp-registry-operator-mutating', 'mworkload.toolhive.stacklok.io'],
    [
      'validatingwebhookconfiguration',
      'mcp-registry-operator-validating',
      'vworkload-enforced.toolhive.stacklok.io',
    ],
  ] as const) {
    const cfg = json<{ webhooks: { name: string; clientConfig: { service?: { name: string } } }[] }>([
      'get',
      kind,
      name,
    ]);
    const w = cfg.webhooks.find((x) => x.name === hook);
    assert.equal(w?.clientConfig.service?.name, 'mcp-registry-operator-webhook', hook);
  }
  // create, not apply: ToolHive's CRDs exceed the last-applied annotation's size limit.
  kOk(['create', '-f', crdDir]);
  kOk(['wait', '--for=condition=Established', '--timeout=60s', ...crds]);

  kOk(['create', 'namespace', WL_NS]);
  kOk([
    'create',
    'configmap',
    'toolhive-catalog',
    '-n',
    WL_NS,
    `--from-file=${join(root, 'samples/registry.json')}`,
  ]);
  const reg = (enforceServers: boolean) =>
    JSON.stringify({
      apiVersion: `${GROUP}/v1alpha1`,
      kind: 'MCPRegistry',
      metadata: { name: 'catalog', namespace: WL_NS },
      spec: { source: { type: 'configmap', configmap: { name: 'toolhive-catalog' } }, enforceServers },
    });
  kOk(['apply', '-f', '-'], reg(false));
  await pollUntil(
    'the registry "catalog" Ready',
    () =>
      json<{ status?: { phase?: string } }>(['get', `mcpregistries.${GROUP}/catalog`, '-n', WL_NS]).status
        ?.phase === 'Ready',
    300_000,
    2000,
  );

  // Only the annotations: ToolHive's schema requires spec.image, so this passes the apiserver only
  // because the mutating webhook fills it first.
  const created = k(
    ['create', '-f', '-'],
    mcpServer('fetch', {
      annotations: { 'toolhive.stacklok.io/registry': 'catalog', 'toolhive.stacklok.io/server': 'fetch' },
    }),
  );
  assert.equal(created.code, 0, created.stderr);
  const resolved = json<{ spec: { image?: string }; metadata: { annotations: Record<string, string> } }>([
    'get',
    `mcpservers.${THV}/fetch`,
    '-n',
    WL_NS,
  ]);
  assert.equal(resolved.spec.image, 'ghcr.io/stackloklabs/gofetch/server:1.0.1');
  assert.equal(
    resolved.metadata.annotations['toolhive.stacklok.io/resolved'],
    'io.github.stacklok/fetch@1.0.0',
  );

  // Enforcement, fail-closed as docs/admission.md says: the registry enforces, the namespace is labelled.
  kOk(['apply', '-f', '-'], reg(true));
  kOk(['label', 'namespace', WL_NS, 'toolhive.stacklok.io/enforce-servers=true']);
  const refused = k(['create', '-f', '-'], mcpServer('evil', { image: 'evil.example/x:2' }));
  assert.equal(refused.code, 1);
  assert.equal(
    refused.stderr,
    'Error from server (Forbidden): error when creating "STDIN": admission webhook "vworkload-enforced.toolhive.stacklok.io" denied the request: MCPServer.toolhive.stacklok.dev "evil" is forbidden: spec.image: Forbidden: image "evil.example/x:2" is in none of the registries enforced in this namespace (checked: catalog)',
  );
  const listed = k(
    ['create', '-f', '-'],
    mcpServer('listed', { image: 'ghcr.io/stackloklabs/gofetch/server:1.0.1' }),
  );
  assert.equal(listed.code, 0, listed.stderr);
}
