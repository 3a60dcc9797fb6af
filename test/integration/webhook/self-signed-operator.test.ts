/**
 * `--self-signed` end to end through the operator binary. Self-signed mode injects the caBundle into
 * the product's real, cluster-wide names (the two webhook configurations and the CRD), which the
 * shared test stack also uses, so this file boots its OWN control plane for it.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { X509Certificate } from 'node:crypto';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connect } from 'node:tls';
import { parse } from 'yaml';
import { buildCrd } from '../../../src/api/crd.ts';
import { CRD_NAME } from '../../../src/api/constants.ts';
import { KubeClient } from '../../../src/kube/client.ts';
import { startControlPlane, type ControlPlane } from '../../../src/local/control-plane.ts';
import { applyObject, startOperator, type OperatorProcess } from '../../../src/local/stack.ts';

let cp: ControlPlane;
let kube: KubeClient;
let op: OperatorProcess | undefined;
const NS = 'toolhive-system';
const SHIPPED = [
  ['webhooks/mutating.yaml', 'mutatingwebhookconfigurations'],
  ['webhooks/validating.yaml', 'validatingwebhookconfigurations'],
] as const;

before(async () => {
  cp = await startControlPlane({});
  kube = KubeClient.load({ kubeconfig: cp.kubeconfigPath });
  await kube.create({ group: '', version: 'v1', plural: 'namespaces' }, { metadata: { name: NS } });
  // The shipped registrations as they are (Service references, no caBundle yet), and the CRD.
  for (const [file, plural] of SHIPPED) {
    const cfg = parse(readFileSync(new URL(`../../../${file}`, import.meta.url), 'utf8'));
    await applyObject(kube, 'admissionregistration.k8s.io', 'v1', plural, cfg);
  }
  const crd = buildCrd({}) as { metadata: { name: string } };
  await applyObject(kube, 'apiextensions.k8s.io', 'v1', 'customresourcedefinitions', crd);
});

after(async () => {
  await op?.stop();
  kube?.close();
  await cp?.stop();
});

function servedCert(url: string): Promise<string> {
  const u = new URL(url);
  return new Promise((resolve, reject) => {
    const s = connect({ host: u.hostname, port: Number(u.port), rejectUnauthorized: false }, () => {
      const pem = s.getPeerX509Certificate()?.toString() ?? '';
      s.end();
      resolve(pem);
    });
    s.on('error', reject);
  });
}

test('the operator with --self-signed mints the Secret, serves its certificate and injects the CA everywhere', async () => {
  op = await startOperator({
    kubeconfigPath: cp.kubeconfigPath,
    dir: mkdtempSync(join(tmpdir(), 'mcpr-ss-op-')),
    extraArgs: ['--self-signed=true', `--namespace=${NS}`],
  });
  const secret = await kube.get<{ type: string; data: Record<string, string> }>({
    group: '',
    version: 'v1',
    plural: 'secrets',
    namespace: NS,
    name: 'mcp-registry-operator-webhook-tls',
  });
  assert.equal(secret.type, 'kubernetes.io/tls');
  const caPem = Buffer.from(secret.data['ca.crt'] ?? '', 'base64').toString();
  const leafPem = Buffer.from(secret.data['tls.crt'] ?? '', 'base64').toString();
  const served = new X509Certificate(await servedCert(op.webhookUrl));
  assert.equal(served.fingerprint256, new X509Certificate(leafPem).fingerprint256);
  assert.ok(served.checkIssued(new X509Certificate(caPem)));
  assert.equal(served.subjectAltName?.includes(`DNS:mcp-registry-operator-webhook.${NS}.svc`), true);

  const bundle = Buffer.from(caPem).toString('base64');
  // Every webhook the shipped files register, the MCPRegistry ones and the workload ones (#28).
  for (const [file, plural] of SHIPPED) {
    const shipped = parse(readFileSync(new URL(`../../../${file}`, import.meta.url), 'utf8')) as {
      metadata: { name: string };
      webhooks: { name: string }[];
    };
    const cfg = await kube.get<{ webhooks: { name: string; clientConfig: { caBundle?: string } }[] }>({
      group: 'admissionregistration.k8s.io',
      version: 'v1',
      plural,
      name: shipped.metadata.name,
    });
    assert.deepEqual(
      cfg.webhooks.map((w) => [w.name, w.clientConfig.caBundle]),
      shipped.webhooks.map((w) => [w.name, bundle]),
    );
  }
  const crd = await kube.get<{ spec: { conversion: { webhook: { clientConfig: { caBundle?: string } } } } }>({
    group: 'apiextensions.k8s.io',
    version: 'v1',
    plural: 'customresourcedefinitions',
    name: CRD_NAME,
  });
  assert.equal(crd.spec.conversion.webhook.clientConfig.caBundle, bundle);
});
