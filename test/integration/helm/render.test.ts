/**
 * The chart and the kustomize install are one install: with default values, each certificate mode
 * renders exactly the objects of `kubectl kustomize manifests/overlays/<mode>` (Helm's own labels
 * and annotations aside), and a policy value renders exactly what docs/policy.md tells kustomize
 * users to add. A difference is reported as the object and the path where the two disagree.
 * `helm lint --strict` passes in each mode. Uses the real helm (test/helm/build.sh); no cluster.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import {
  CHART,
  ROOT,
  compareObjects,
  helm,
  keyOf,
  kustomize,
  renderChart,
  setArgs,
  type K8sObject,
} from './chart.ts';

const MODES = ['self-signed', 'cert-manager'] as const;
const overlay = (mode: string) => kustomize(join(ROOT, 'manifests/overlays', mode));

for (const mode of MODES) {
  test(`${mode}: helm lint --strict passes`, () => {
    const r = helm(['lint', '--strict', CHART, ...setArgs({ 'certificates.mode': mode })]);
    assert.equal(r.code, 0, r.stdout + r.stderr);
    assert.match(r.stdout, /1 chart\(s\) linted, 0 chart\(s\) failed/);
    assert.doesNotMatch(r.stdout, /\[(WARNING|ERROR)\]/);
  });

  test(`${mode}: the chart with default values renders the kustomize overlay's objects`, () => {
    const chart = renderChart({ 'certificates.mode': mode });
    const kust = overlay(mode);
    // The one documented difference: Helm creates the release namespace (--create-namespace)
    // before the chart, so the chart renders the Namespace only with namespace.create=true.
    assert.deepEqual(compareObjects(chart, kust), ['Namespace toolhive-system: only kustomize renders it']);
    assert.deepEqual(
      compareObjects(renderChart({ 'certificates.mode': mode, 'namespace.create': true }), kust),
      [],
    );
    // Enough objects that an empty render could not pass.
    assert.ok(kust.length >= 15, `${kust.length} objects`);
  });
}

test('the default mode is self-signed (works on a cluster without cert-manager)', () => {
  const kinds = (objs: K8sObject[]) => objs.map(keyOf).sort();
  assert.deepEqual(kinds(renderChart()), kinds(renderChart({ 'certificates.mode': 'self-signed' })));
  assert.ok(!renderChart().some((o) => o.kind === 'Certificate'));
});

test('a difference is named by object and path (the comparison can fail)', () => {
  const chart = renderChart({
    'certificates.mode': 'cert-manager',
    'namespace.create': true,
    replicaCount: 3,
    'operator.logLevel': 'debug',
  });
  assert.deepEqual(compareObjects(chart, overlay('cert-manager')), [
    'Deployment toolhive-system/mcp-registry-operator: spec.replicas: chart 3 ≠ kustomize 2',
    'Deployment toolhive-system/mcp-registry-operator: spec.template.spec.containers[0].args: chart ["dist/src/bin/operator.js","--cert-dir=/tmp/k8s-webhook-server/serving-certs","--health-address=:8080","--webhook-port=9443","--leader-elect=true","--log-level=debug"] ≠ kustomize ["dist/src/bin/operator.js","--cert-dir=/tmp/k8s-webhook-server/serving-certs","--health-address=:8080","--webhook-port=9443","--leader-elect=true"]',
  ]);
});

test('the policy value renders what docs/policy.md adds to a kustomize install (ConfigMap, mount, --policy)', () => {
  const fixture = join(import.meta.dirname, 'fixtures/policy');
  const cm = parse(readFileSync(join(fixture, 'policy-configmap.yaml'), 'utf8')) as {
    data: Record<string, string>;
  };
  const policy: unknown = parse(cm.data['policy.yaml']!);
  const chart = renderChart({ policy, 'namespace.create': true });
  assert.deepEqual(compareObjects(chart, kustomize(fixture)), []);
  assert.ok(chart.some((o) => o.kind === 'ConfigMap' && o.metadata.name === 'mcp-registry-policy'));
  // And the docs say the same mount the fixture uses.
  const doc = readFileSync(join(ROOT, 'docs/policy.md'), 'utf8');
  assert.match(doc, /--policy=\/etc\/mcp-registry\/policy\/policy\.yaml/);
  assert.match(doc, /configMap: \{name: mcp-registry-policy\}/);
});

test('the release namespace replaces toolhive-system everywhere (service references, DNS names, subjects)', () => {
  const objs = renderChart({ 'certificates.mode': 'cert-manager' }, 'mcp-ops');
  const text = JSON.stringify(objs);
  assert.doesNotMatch(text, /toolhive-system/);
  const crd = objs.find((o) => o.kind === 'CustomResourceDefinition') as K8sObject & {
    spec: { conversion: { webhook: { clientConfig: { service: { namespace: string } } } } };
  };
  assert.equal(crd.spec.conversion.webhook.clientConfig.service.namespace, 'mcp-ops');
  assert.equal(
    crd.metadata.annotations?.['cert-manager.io/inject-ca-from'],
    'mcp-ops/mcp-registry-operator-webhook',
  );
  const cert = objs.find((o) => o.kind === 'Certificate') as K8sObject & { spec: { dnsNames: string[] } };
  assert.ok(cert.spec.dnsNames.includes('mcp-registry-operator-webhook.mcp-ops.svc'));
  const vwc = objs.find((o) => o.kind === 'ValidatingWebhookConfiguration') as K8sObject & {
    webhooks: { namespaceSelector: { matchExpressions: { values: string[] }[] } }[];
  };
  assert.deepEqual(vwc.webhooks[0]!.namespaceSelector.matchExpressions[0]!.values, [
    'kube-system',
    'mcp-ops',
  ]);
});

test('the CRD keeps on uninstall unless crds.keep=false, and is not rendered with crds.install=false', () => {
  const crdOf = (set: Record<string, unknown>) =>
    renderChart(set).find((o) => o.kind === 'CustomResourceDefinition');
  assert.equal(crdOf({})?.metadata.annotations?.['helm.sh/resource-policy'], 'keep');
  assert.equal(crdOf({ 'crds.keep': false })?.metadata.annotations, undefined);
  assert.equal(crdOf({ 'crds.install': false }), undefined);
});

test('scheduling, labels, annotations, resources, PDB and image values land where they belong', () => {
  const objs = renderChart({
    'certificates.mode': 'cert-manager',
    'certificates.certManager.issuerRef': { kind: 'ClusterIssuer', name: 'corp-ca' },
    nodeSelector: { 'kubernetes.io/os': 'linux' },
    tolerations: [{ key: 'dedicated', operator: 'Equal', value: 'ops', effect: 'NoSchedule' }],
    affinity: {
      podAntiAffinity: null,
      nodeAffinity: {
        requiredDuringSchedulingIgnoredDuringExecution: {
          nodeSelectorTerms: [{ matchExpressions: [{ key: 'pool', operator: 'In', values: ['ops'] }] }],
        },
      },
    },
    commonLabels: { team: 'platform' },
    commonAnnotations: { owner: 'platform@corp.example' },
    podLabels: { sidecar: 'none' },
    podAnnotations: { 'prometheus.io/scrape': 'true' },
    resources: { requests: { cpu: '200m', memory: '256Mi' }, limits: { memory: '1Gi' } },
    'podDisruptionBudget.minAvailable': null,
    'podDisruptionBudget.maxUnavailable': '50%',
    'image.repository': 'registry.corp.example/mcpr',
    'image.digest': `sha256:${'a'.repeat(64)}`,
    'image.pullPolicy': 'Always',
    imagePullSecrets: [{ name: 'pull' }],
  });
  for (const o of objs) {
    assert.equal(o.metadata.labels?.team, 'platform', keyOf(o));
    assert.equal(o.metadata.annotations?.owner, 'platform@corp.example', keyOf(o));
  }
  assert.ok(!objs.some((o) => o.kind === 'Issuer'), 'no chart Issuer when issuerRef is set');
  const cert = objs.find((o) => o.kind === 'Certificate') as K8sObject & { spec: { issuerRef: unknown } };
  assert.deepEqual(cert.spec.issuerRef, { kind: 'ClusterIssuer', name: 'corp-ca' });
  const pdb = objs.find((o) => o.kind === 'PodDisruptionBudget') as K8sObject & {
    spec: Record<string, unknown>;
  };
  assert.deepEqual(pdb.spec.maxUnavailable, '50%');
  assert.equal(pdb.spec.minAvailable, undefined);
  const dep = objs.find((o) => o.kind === 'Deployment') as K8sObject & {
    spec: {
      template: {
        metadata: K8sObject['metadata'];
        spec: Record<string, unknown> & { containers: Record<string, unknown>[] };
      };
    };
  };
  const pod = dep.spec.template;
  assert.equal(pod.metadata.labels?.sidecar, 'none');
  assert.equal(pod.metadata.labels?.['app.kubernetes.io/name'], 'mcp-registry-operator');
  assert.equal(pod.metadata.annotations?.['prometheus.io/scrape'], 'true');
  assert.deepEqual(pod.spec.nodeSelector, { 'kubernetes.io/os': 'linux' });
  assert.equal((pod.spec.tolerations as unknown[]).length, 1);
  assert.deepEqual(Object.keys(pod.spec.affinity as object), ['nodeAffinity']);
  assert.deepEqual(pod.spec.imagePullSecrets, [{ name: 'pull' }]);
  const c = pod.spec.containers[0]!;
  assert.equal(c.image, `registry.corp.example/mcpr@sha256:${'a'.repeat(64)}`);
  assert.equal(c.imagePullPolicy, 'Always');
  assert.deepEqual(c.resources, { requests: { cpu: '200m', memory: '256Mi' }, limits: { memory: '1Gi' } });
  // The registry API workload uses the operator's image unless told otherwise.
  assert.deepEqual(
    (c.env as { name: string; value?: string }[]).find((e) => e.name === 'REGISTRY_API_IMAGE')?.value,
    c.image,
  );
});
