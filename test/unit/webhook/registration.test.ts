import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { webhookConfigsForUrl } from '../../../src/local/stack.ts';
import { PATHS } from '../../../src/webhook/server.ts';

const load = (f: string) => parse(readFileSync(new URL(`../../../${f}`, import.meta.url), 'utf8'));

for (const [file, kind, path] of [
  ['webhooks/mutating.yaml', 'MutatingWebhookConfiguration', PATHS.mutate],
  ['webhooks/validating.yaml', 'ValidatingWebhookConfiguration', PATHS.validate],
] as const) {
  test(`${file} registers what SPEC §2.4 asks`, () => {
    const cfg = load(file);
    assert.equal(cfg.kind, kind);
    assert.equal(
      cfg.metadata.annotations['cert-manager.io/inject-ca-from'],
      'toolhive-system/mcp-registry-operator-webhook',
    );
    // The MCPRegistry webhook; the workload ones (SPEC §11) are checked in workloads-registration.test.ts.
    const ours = cfg.webhooks.filter((x: { rules: { apiGroups: string[] }[] }) =>
      x.rules[0]?.apiGroups.includes('toolhive.stacklok.io'),
    );
    assert.equal(ours.length, 1);
    const w = ours[0];
    assert.deepEqual(w.admissionReviewVersions, ['v1']);
    assert.equal(w.sideEffects, 'None');
    assert.equal(w.failurePolicy, 'Fail');
    assert.equal(w.matchPolicy, 'Equivalent');
    assert.equal(w.timeoutSeconds, 5);
    assert.deepEqual(w.clientConfig, {
      service: { name: 'mcp-registry-operator-webhook', namespace: 'toolhive-system', port: 443, path },
    });
    assert.deepEqual(w.rules, [
      {
        apiGroups: ['toolhive.stacklok.io'],
        apiVersions: ['v1alpha1', 'v1beta1'],
        operations: ['CREATE', 'UPDATE'],
        resources: ['mcpregistries'],
        scope: 'Namespaced',
      },
    ]);
    assert.deepEqual(w.namespaceSelector, {
      matchExpressions: [
        { key: 'kubernetes.io/metadata.name', operator: 'NotIn', values: ['kube-system', 'toolhive-system'] },
      ],
    });
  });
}

test('the local stack registers the same webhooks by URL with a caBundle and no cert-manager annotation', () => {
  const [m, v] = webhookConfigsForUrl('https://127.0.0.1:1234', 'Q0E=');
  assert.deepEqual(m?.webhooks[0]?.clientConfig, {
    url: `https://127.0.0.1:1234${PATHS.mutate}`,
    caBundle: 'Q0E=',
  });
  assert.deepEqual(v?.webhooks[0]?.clientConfig, {
    url: `https://127.0.0.1:1234${PATHS.validate}`,
    caBundle: 'Q0E=',
  });
  assert.equal(m?.metadata.annotations?.['cert-manager.io/inject-ca-from'], undefined);
});

test('certs/ issues the serving certificate into the Secret the operator mounts, for the webhook Service', () => {
  const cert = load('certs/certificate.yaml');
  assert.equal(cert.metadata.name, 'mcp-registry-operator-webhook');
  assert.equal(cert.metadata.namespace, 'toolhive-system');
  assert.equal(cert.spec.secretName, 'mcp-registry-operator-webhook-tls');
  assert.ok(cert.spec.dnsNames.includes('mcp-registry-operator-webhook.toolhive-system.svc'));
  assert.equal(load('certs/issuer.yaml').metadata.name, cert.spec.issuerRef.name);
});
