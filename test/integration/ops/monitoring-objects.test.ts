/**
 * The chart's monitoring objects (monitoring.* values) as a cluster with the Prometheus Operator
 * meets them: prometheus-operator's released CRDs (test/prometheus-operator/crds.sh, from its Go
 * module) installed in the test apiserver, the rendered ServiceMonitor, PodMonitor, PrometheusRule
 * and dashboard ConfigMap created with strict field validation (an unknown or misspelt field is an
 * error, not silently pruned) and read back unchanged. The kustomize component renders the same
 * objects; the defaults render none of them; a wrong value is refused with helm's message.
 */
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync, mkdtempSync, writeFileSync, mkdirSync, cpSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { createNamespace, kubectl, kubectlOk } from '../../support/cluster.ts';
import {
  CHART,
  RELEASE,
  ROOT,
  compareObjects,
  helm,
  kustomize,
  renderChart,
  setArgs,
  type K8sObject,
} from '../helm/chart.ts';

const MONITORING = {
  'monitoring.serviceMonitor.enabled': true,
  'monitoring.podMonitor.enabled': true,
  'monitoring.prometheusRule.enabled': true,
  'monitoring.dashboard.enabled': true,
};
const KINDS = ['ServiceMonitor', 'PodMonitor', 'PrometheusRule'];
const isMonitoring = (o: K8sObject) =>
  KINDS.includes(o.kind) || (o.kind === 'ConfigMap' && o.metadata.name === 'mcp-registry-operator-dashboard');

/** Paths of `want` that `got` lacks or holds another value at (extra fields in `got` are fine). */
function missing(want: unknown, got: unknown, path = ''): string[] {
  if (want && typeof want === 'object') {
    if (!got || typeof got !== 'object' || Array.isArray(want) !== Array.isArray(got)) return [path];
    if (Array.isArray(want) && want.length !== (got as unknown[]).length) return [`${path} (length)`];
    return Object.entries(want).flatMap(([k, v]) =>
      missing(v, (got as Record<string, unknown>)[k], `${path}.${k}`),
    );
  }
  return want === got ? [] : [`${path}: ${JSON.stringify(want)} ≠ ${JSON.stringify(got)}`];
}

before(() => {
  const dir = execFileSync('bash', [join(ROOT, 'test/prometheus-operator/crds.sh')], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit'],
  }).trim();
  for (const plural of ['servicemonitors', 'podmonitors', 'prometheusrules'])
    kubectlOk([
      'apply',
      '--server-side',
      '--force-conflicts',
      '-f',
      join(dir, `monitoring.coreos.com_${plural}.yaml`),
    ]);
  kubectlOk([
    'wait',
    '--for=condition=Established',
    '--timeout=60s',
    'crd/servicemonitors.monitoring.coreos.com',
    'crd/podmonitors.monitoring.coreos.com',
    'crd/prometheusrules.monitoring.coreos.com',
  ]);
});

test('the defaults render no monitoring object', () => {
  assert.deepEqual(renderChart().filter(isMonitoring), []);
});

test('the monitoring objects are created through prometheus-operator’s CRDs with strict validation, nothing pruned', async () => {
  const ns = await createNamespace('monitoring');
  const objects = renderChart(MONITORING, ns).filter(isMonitoring);
  assert.deepEqual(objects.map((o) => o.kind).sort(), ['ConfigMap', ...KINDS].sort());
  const r = kubectl(
    ['create', '--validate=strict', '-f', '-'],
    objects.map((o) => stringify(o)).join('---\n'),
  );
  assert.equal(r.code, 0, r.stderr);
  for (const o of objects) {
    const live = JSON.parse(
      kubectlOk(['get', `${o.kind.toLowerCase()}/${o.metadata.name}`, '-n', ns, '-o', 'json']),
    ) as K8sObject;
    // Nothing pruned: every rendered field is there with its value (the CRDs add defaults, e.g. a
    // relabeling's action: replace).
    assert.deepEqual(missing(o.spec ?? o.data, live.spec ?? live.data), [], `${o.kind} ${o.metadata.name}`);
  }
  const dashboard = objects.find((o) => o.kind === 'ConfigMap') as K8sObject & {
    data: Record<string, string>;
  };
  assert.equal(
    dashboard.data['mcp-registry-operator.json'],
    readFileSync(join(ROOT, 'monitoring/dashboard.json'), 'utf8'),
  );
  assert.equal(dashboard.metadata.labels?.grafana_dashboard, '1');
});

test('a misspelt field is refused by the real CRD under strict validation (the check above can fail)', async () => {
  const ns = await createNamespace('monitoring');
  const sm = renderChart(MONITORING, ns).find((o) => o.kind === 'ServiceMonitor')!;
  const endpoints = (sm.spec as { endpoints: Record<string, unknown>[] }).endpoints;
  endpoints[0] = { ...endpoints[0], honorLabel: true };
  const r = kubectl(['create', '--validate=strict', '-f', '-'], stringify(sm));
  assert.notEqual(r.code, 0);
  assert.equal(
    r.stderr,
    `Error from server (BadRequest): error when creating "STDIN": ServiceMonitor in version "v1" cannot be handled as a ServiceMonitor: strict decoding error: unknown field "spec.endpoints[0].honorLabel"`,
  );
});

test('helm lint --strict passes with every monitoring object on', () => {
  const r = helm(['lint', '--strict', CHART, ...setArgs(MONITORING)]);
  assert.equal(r.code, 0, r.stdout + r.stderr);
  assert.match(r.stdout, /1 chart\(s\) linted, 0 chart\(s\) failed/);
});

test('a wrong monitoring value is refused with the path and the reason', () => {
  const r = helm(['template', RELEASE, CHART, ...setArgs({ 'monitoring.serviceMonitor.interval': 30 })]);
  assert.notEqual(r.code, 0);
  assert.equal(
    r.stderr,
    "Error: values don't meet the specifications of the schema(s) in the following chart(s):\nmcp-registry-operator:\n- at '/monitoring/serviceMonitor/interval': got number, want string\n\n",
  );
});

test('the kustomize component renders the same monitoring objects as the chart', () => {
  // An overlay of the component on the self-signed install, as a user would write it.
  const dir = mkdtempSync(join(tmpdir(), 'mcpr-kustomize-'));
  cpSync(join(ROOT, 'manifests'), join(dir, 'manifests'), { recursive: true });
  cpSync(join(ROOT, 'monitoring'), join(dir, 'monitoring'), { recursive: true });
  for (const d of ['crds', 'webhooks', 'certs']) cpSync(join(ROOT, d), join(dir, d), { recursive: true });
  const overlay = join(dir, 'manifests/overlays/with-monitoring');
  mkdirSync(overlay);
  writeFileSync(
    join(overlay, 'kustomization.yaml'),
    'resources: [../self-signed]\ncomponents: [../../components/monitoring]\n',
  );
  const kust = kustomize(overlay).filter(isMonitoring);
  const chart = renderChart(MONITORING).filter(isMonitoring);
  assert.equal(kust.length, 4);
  assert.deepEqual(compareObjects(chart, kust), []);
});
