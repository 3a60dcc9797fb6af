/**
 * The chart's lifecycle with the real helm against a real apiserver of its own (the chart installs
 * cluster-scoped objects the shared test stack also owns): install creates every object the chart
 * renders; upgrade with changed values changes them and keeps the caBundle the operator (or
 * cert-manager) injected; uninstall removes them but keeps the CRD and the MCPRegistries in it; a
 * second install (cert-manager mode) adopts the kept CRD; a wrong value is refused before anything
 * is created. There is no node, so Pods never run: the tests check objects, not readiness.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { startControlPlane, type ControlPlane } from '../../../src/local/control-plane.ts';
import { createCA } from '../../../src/pki/pki.ts';
import { CHART, NAMESPACE, RELEASE, ROOT, helm, renderChart, setArgs, type K8sObject } from './chart.ts';
import { kubectlAt } from '../../support/kubectl.ts';

let cp: ControlPlane;
before(async () => {
  cp = await startControlPlane();
  FAKE_CA = Buffer.from((await createCA('stand-in webhook CA')).certPem).toString('base64');
});
after(async () => {
  await cp?.stop();
});

function k(args: string[], input?: string) {
  return kubectlAt(cp.kubeconfigPath, args, { input });
}

function kOk(args: string[], input?: string): string {
  const r = k(args, input);
  assert.equal(r.code, 0, `kubectl ${args.join(' ')}: ${r.stderr}`);
  return r.stdout;
}

const h = (args: string[]) => helm(args, cp.kubeconfigPath);
const CRD = 'customresourcedefinition/mcpregistries.toolhive.stacklok.io';

/** `kind.group/name` (and namespace args) of a rendered object, for kubectl get. */
function ref(o: K8sObject): string[] {
  const group = o.apiVersion.includes('/') ? o.apiVersion.split('/')[0] : '';
  return [
    `${o.kind.toLowerCase()}${group ? `.${group}` : ''}/${o.metadata.name}`,
    ...(o.metadata.namespace ? ['-n', o.metadata.namespace] : []),
  ];
}

function getJson<T>(args: string[]): T {
  const r = k(['get', ...args, '-o', 'json']);
  assert.equal(r.code, 0, `kubectl get ${args.join(' ')}: ${r.stderr}`);
  return JSON.parse(r.stdout) as T;
}

interface Deployment {
  spec: { replicas: number; template: { spec: { containers: { args: string[] }[] } } };
}
type WithCaBundle = { webhooks: { clientConfig: { caBundle?: string } }[] };
type CrdJson = {
  metadata: { annotations?: Record<string, string> };
  spec: { conversion: { webhook: { clientConfig: { caBundle?: string } } } };
};
/** A real CA (the apiserver parses caBundle), standing in for the one the operator injects. */
let FAKE_CA = '';

test('helm install (defaults: self-signed) creates every object the chart renders, owned by the release', () => {
  const r = h(['install', RELEASE, CHART, '--namespace', NAMESPACE, '--create-namespace']);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /STATUS: deployed/);
  assert.match(r.stdout, /kubectl -n toolhive-system rollout status deployment\/mcp-registry-operator/);
  // The readiness check forwards a local port other than 8080, which the registry API's docs use (#32.11).
  assert.match(
    r.stdout,
    /port-forward deployment\/mcp-registry-operator 18081:8080 &\n +curl -s localhost:18081\/readyz\n/,
  );
  const rendered = renderChart();
  assert.ok(rendered.length >= 15);
  for (const o of rendered) {
    const live = getJson<K8sObject>(ref(o));
    assert.equal(live.metadata.labels?.['app.kubernetes.io/managed-by'], 'Helm', ref(o).join(' '));
    assert.equal(live.metadata.annotations?.['meta.helm.sh/release-name'], RELEASE);
  }
  assert.match(
    h(['list', '-n', NAMESPACE]).stdout,
    /mcp-registry-operator\s+toolhive-system\s+1\s+.*deployed/,
  );
  // One installation per cluster (cluster-scoped objects with fixed names): a second is refused.
  const second = h(['install', 'second', CHART, '--namespace', 'second', '--create-namespace']);
  assert.notEqual(second.code, 0);
  assert.match(
    second.stderr,
    /CustomResourceDefinition "mcpregistries\.toolhive\.stacklok\.io" in namespace "" exists and cannot be imported into the current release: invalid ownership metadata; annotation validation error: key "meta\.helm\.sh\/release-name" must equal "second": current value is "mcp-registry-operator"/,
  );
});

test('helm upgrade with changed values changes the objects and keeps the injected caBundle', () => {
  // What the operator's self-signed mode (or cert-manager's cainjector) writes after install.
  for (const kind of [
    'validatingwebhookconfiguration/mcp-registry-operator-validating',
    'mutatingwebhookconfiguration/mcp-registry-operator-mutating',
  ])
    kOk([
      'patch',
      kind,
      '--type=json',
      '-p',
      JSON.stringify([{ op: 'add', path: '/webhooks/0/clientConfig/caBundle', value: FAKE_CA }]),
    ]);
  kOk([
    'patch',
    CRD,
    '--type=json',
    '-p',
    JSON.stringify([{ op: 'add', path: '/spec/conversion/webhook/clientConfig/caBundle', value: FAKE_CA }]),
  ]);

  const set = {
    replicaCount: 3,
    'operator.logLevel': 'debug',
    'webhooks.failurePolicy': 'Ignore',
    policy: { allowedSourceTypes: ['configmap'] },
  };
  const r = h(['upgrade', RELEASE, CHART, '--namespace', NAMESPACE, ...setArgs(set)]);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /REVISION: 2/);
  const dep = getJson<Deployment>(['deploy/mcp-registry-operator', '-n', NAMESPACE]);
  assert.equal(dep.spec.replicas, 3);
  const args = dep.spec.template.spec.containers[0]!.args;
  assert.ok(args.includes('--log-level=debug'), args.join(' '));
  assert.ok(args.includes('--policy=/etc/mcp-registry/policy/policy.yaml'), args.join(' '));
  const cm = getJson<{ data: Record<string, string> }>(['configmap/mcp-registry-policy', '-n', NAMESPACE]);
  assert.equal(cm.data['policy.yaml'], 'allowedSourceTypes:\n- configmap\n');

  const v = getJson<WithCaBundle & { webhooks: { failurePolicy: string }[] }>([
    'validatingwebhookconfiguration/mcp-registry-operator-validating',
  ]);
  assert.equal(v.webhooks[0]!.failurePolicy, 'Ignore');
  assert.equal(
    v.webhooks[0]!.clientConfig.caBundle,
    FAKE_CA,
    'the upgrade must not wipe the injected caBundle',
  );
  assert.equal(
    getJson<WithCaBundle>(['mutatingwebhookconfiguration/mcp-registry-operator-mutating']).webhooks[0]!
      .clientConfig.caBundle,
    FAKE_CA,
  );
  assert.equal(getJson<CrdJson>([CRD]).spec.conversion.webhook.clientConfig.caBundle, FAKE_CA);

  // A policy change is a ConfigMap change (the operator reloads the mounted file; no new pods).
  const again = h([
    'upgrade',
    RELEASE,
    CHART,
    '--namespace',
    NAMESPACE,
    '--reuse-values',
    ...setArgs({ 'policy.allowHTTP': true }),
  ]);
  assert.equal(again.code, 0, again.stderr);
  const cm2 = getJson<{ data: Record<string, string> }>(['configmap/mcp-registry-policy', '-n', NAMESPACE]);
  assert.equal(cm2.data['policy.yaml'], 'allowHTTP: true\nallowedSourceTypes:\n- configmap\n');
  assert.equal(getJson<Deployment>(['deploy/mcp-registry-operator', '-n', NAMESPACE]).spec.replicas, 3);
});

test('helm uninstall removes the release’s objects and keeps the CRD with its MCPRegistries', () => {
  // failurePolicy is Ignore since the upgrade, so a registry can be stored without a webhook pod.
  kOk(['create', 'namespace', 'team-a']);
  const reg = {
    apiVersion: 'toolhive.stacklok.io/v1beta1',
    kind: 'MCPRegistry',
    metadata: { name: 'kept', namespace: 'team-a' },
    spec: { sources: [{ name: 'main', type: 'configmap', configMapRef: { name: 'catalog' } }] },
  };
  const created = k(['create', '-f', '-'], JSON.stringify(reg));
  assert.equal(created.code, 0, created.stderr);

  // Everything the upgraded release had, the policy ConfigMap included.
  const rendered = renderChart({ policy: { allowedSourceTypes: ['configmap'] } });
  const r = h(['uninstall', RELEASE, '--namespace', NAMESPACE]);
  assert.equal(r.code, 0, r.stderr);
  assert.match(
    r.stdout,
    /These resources were kept due to the resource policy:\n\[CustomResourceDefinition\] mcpregistries\.toolhive\.stacklok\.io/,
  );
  for (const o of rendered) {
    const got = k(['get', ...ref(o)]);
    if (o.kind === 'CustomResourceDefinition') assert.equal(got.code, 0, 'the CRD is kept');
    else {
      assert.notEqual(got.code, 0, `${ref(o).join(' ')} still exists`);
      assert.match(got.stderr, /NotFound|not found/);
    }
  }
  assert.match(
    k(['get', 'mcpregistries.v1beta1.toolhive.stacklok.io', 'kept', '-n', 'team-a', '-o', 'name']).stdout,
    /kept/,
  );
  assert.equal(h(['list', '-n', NAMESPACE, '-q']).stdout.trim(), '');
});

test('a wrong value is refused at install before anything is created', () => {
  const r = h([
    'install',
    'wrong',
    CHART,
    '--namespace',
    'wrong-ns',
    '--create-namespace',
    ...setArgs({ 'certificates.mode': 'vault' }),
  ]);
  assert.notEqual(r.code, 0);
  assert.equal(
    r.stderr,
    "Error: INSTALLATION FAILED: values don't meet the specifications of the schema(s) in the following chart(s):\nmcp-registry-operator:\n- at '/certificates/mode': value must be one of 'self-signed', 'cert-manager'\n\n",
  );
  assert.notEqual(k(['get', 'namespace', 'wrong-ns']).code, 0, 'not even the namespace');
  assert.equal(h(['list', '-A', '-q']).stdout.trim(), '');
});

test('a new install in cert-manager mode adopts the kept CRD and asks cert-manager for the certificate', () => {
  kOk(['apply', '-f', join(ROOT, 'test/fixtures/cert-manager/crds.yaml')]);
  kOk([
    'wait',
    '--for=condition=Established',
    'crd/certificates.cert-manager.io',
    'crd/issuers.cert-manager.io',
    '--timeout=60s',
  ]);
  const r = h([
    'install',
    RELEASE,
    CHART,
    '--namespace',
    NAMESPACE,
    ...setArgs({ 'certificates.mode': 'cert-manager' }),
  ]);
  assert.equal(r.code, 0, r.stderr);
  const crd = getJson<CrdJson>([CRD]);
  assert.equal(
    crd.metadata.annotations?.['cert-manager.io/inject-ca-from'],
    'toolhive-system/mcp-registry-operator-webhook',
  );
  const cert = getJson<{ spec: { secretName: string; issuerRef: { name: string } } }>([
    'certificate.cert-manager.io/mcp-registry-operator-webhook',
    '-n',
    NAMESPACE,
  ]);
  assert.deepEqual(
    [cert.spec.secretName, cert.spec.issuerRef.name],
    ['mcp-registry-operator-webhook-tls', 'mcp-registry-operator-selfsigned'],
  );
  kOk(['get', 'issuer.cert-manager.io/mcp-registry-operator-selfsigned', '-n', NAMESPACE]);
  // The self-signed mode's extra RBAC is gone in this mode; the registry survived both releases.
  assert.notEqual(k(['get', 'clusterrole/mcp-registry-operator-self-signed']).code, 0);
  assert.match(
    k(['get', 'mcpregistries.v1beta1.toolhive.stacklok.io', '-n', 'team-a', '-o', 'name']).stdout,
    /kept/,
  );
  assert.equal(h(['uninstall', RELEASE, '--namespace', NAMESPACE]).code, 0);
});
