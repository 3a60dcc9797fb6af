/**
 * The chart's values against the operator's own code: every operator setting
 * (src/config/operator-config.ts) is a value with the operator's default; the Deployment the chart
 * renders, read back by the operator's own parser, configures exactly what the values say; the
 * policy value's schema knows exactly the fields the operator's policy parser knows, and what the
 * chart writes into the policy ConfigMap is accepted by it; a wrong value is refused with
 * values.schema.json's message. Uses the real helm; no cluster.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import * as operatorConfig from '../../../src/config/operator-config.ts';
import { parsePolicy, PolicyError } from '../../../src/admission/policy/policy.ts';
import { CHART, NAMESPACE, RELEASE, helm, renderChart, setArgs, type K8sObject } from './chart.ts';

type Obj = Record<string, unknown>;
const values = parse(readFileSync(join(CHART, 'values.yaml'), 'utf8')) as Obj & {
  operator: Obj & { tuning: Record<string, number> };
  image: { repository: string };
};
const chartMeta = parse(readFileSync(join(CHART, 'Chart.yaml'), 'utf8')) as { appVersion: string };
const schema = JSON.parse(readFileSync(join(CHART, 'values.schema.json'), 'utf8')) as Obj;
const defaults = operatorConfig.parseOperatorConfig([], {}) as unknown as Obj;
/** Present once the config module owns the MCPR_* tuning variables. */
const TUNING_ENV = (operatorConfig as unknown as { TUNING_ENV_VARS?: Record<string, string> })
  .TUNING_ENV_VARS;

/** Settings that are deliberately not values, and what stands for them in the chart. */
const NOT_VALUES: Record<string, string> = {
  kubeconfig: 'in a pod the ServiceAccount is used',
  namespace: 'the release namespace, from the downward API (POD_NAMESPACE)',
  selfSigned: 'certificates.mode',
  policyFile: 'policy (rendered into the ConfigMap mcp-registry-policy)',
  tuning: 'operator.tuning (checked key by key below)',
};

interface Container {
  args: string[];
  env: { name: string; value?: string; valueFrom?: { fieldRef?: { fieldPath: string } } }[];
}

/** What the operator process in the rendered Deployment would parse as its configuration. */
function configOf(objs: K8sObject[]): Obj {
  const dep = objs.find((o) => o.kind === 'Deployment') as K8sObject & {
    metadata: { namespace: string };
    spec: { template: { spec: { containers: Container[] } } };
  };
  const c = dep.spec.template.spec.containers[0]!;
  assert.equal(c.args[0], 'dist/src/bin/operator.js');
  const env: Record<string, string> = {};
  for (const e of c.env) {
    if (e.valueFrom?.fieldRef?.fieldPath === 'metadata.namespace') env[e.name] = dep.metadata.namespace;
    else if (e.value !== undefined) env[e.name] = e.value;
  }
  return operatorConfig.parseOperatorConfig(c.args.slice(1), env) as unknown as Obj;
}

test('every operator setting is a chart value with the operator’s own default', () => {
  const op = values.operator;
  for (const [key, def] of Object.entries(defaults)) {
    if (key in NOT_VALUES) continue;
    assert.ok(key in op, `operator setting ${key} has no value operator.${key} in values.yaml`);
    if (key === 'registryApiImage') {
      // Empty means the operator's image, which is the operator's default.
      assert.equal(op[key], '');
      assert.equal(`${values.image.repository}:${chartMeta.appVersion}`, def);
    } else
      assert.deepEqual(
        op[key],
        def,
        `operator.${key}: values.yaml ${JSON.stringify(op[key])} ≠ operator default`,
      );
  }
  for (const key of Object.keys(op))
    assert.ok(
      key in defaults || ['extraArgs', 'extraEnv', 'nodeOptions'].includes(key),
      `operator.${key} is no operator setting`,
    );
  if (TUNING_ENV && 'tuning' in defaults) {
    assert.deepEqual(Object.keys(op.tuning).sort(), Object.keys(TUNING_ENV).sort());
    for (const [key, def] of Object.entries(defaults.tuning as Record<string, number | undefined>))
      if (def !== undefined) assert.equal(op.tuning[key], def, `operator.tuning.${key}`);
  }
});

test('the default render configures the operator with its defaults (and the mode)', () => {
  for (const mode of ['self-signed', 'cert-manager']) {
    const cfg = configOf(renderChart({ 'certificates.mode': mode }));
    assert.deepEqual(cfg, { ...defaults, namespace: NAMESPACE, selfSigned: mode === 'self-signed' });
  }
});

test('each operator value, changed, reaches the operator as that setting', () => {
  const changed: Obj = {
    watchNamespaces: ['team-a', 'team-b'],
    registryRefEndpoints: {
      'platform/catalog': 'http://catalog.platform.example:8080',
      'team-a/shared': 'https://shared.team-a.example',
    },
    registryApiIngressNamespaceSelector: { 'kubernetes.io/metadata.name': 'monitoring', team: 'platform' },
    registryApiReplicas: 2,
    registryApiResources: { requests: { cpu: '100m', memory: '128Mi' }, limits: { memory: '1Gi' } },
    enableWebhooks: false,
    enableController: false,
    webhookHost: '127.0.0.1',
    webhookPort: 10443,
    certDir: '/tmp/certs',
    webhookServiceName: 'mcpr-webhook',
    healthAddress: ':9090',
    leaderElect: false,
    leaseName: 'mcpr-leader',
    logLevel: 'debug',
    registryApiImage: 'registry.corp.example/mcpr-api:1',
    deployRegistryApi: false,
    drainSeconds: 12,
  };
  const tuning = {
    workers: 8,
    syncBackoffBaseMs: 1000,
    syncBackoffMaxMs: 60000,
    queueBaseDelayMs: 200,
    complianceIntervalMs: 5000,
  };
  const tuningSet = Object.fromEntries(Object.entries(tuning).map(([k, v]) => [`operator.tuning.${k}`, v]));
  const set = Object.fromEntries(Object.entries(changed).map(([k, v]) => [`operator.${k}`, v]));
  const objs = renderChart({ ...set, ...tuningSet, policy: { allowHTTP: true } });
  const cfg = configOf(objs);
  for (const [k, v] of Object.entries(changed)) assert.deepEqual(cfg[k], v, `operator.${k}`);
  assert.equal(cfg.policyFile, '/etc/mcp-registry/policy/policy.yaml');
  if ('tuning' in defaults) assert.deepEqual(cfg.tuning, { ...(defaults.tuning as Obj), ...tuning });
  // The objects that depend on a setting follow it.
  const find = (kind: string) => objs.filter((o) => o.kind === kind);
  assert.ok(find('Service').some((s) => s.metadata.name === 'mcpr-webhook'));
  const role = find('Role').find((r) => r.metadata.name.endsWith('leader-election')) as K8sObject & {
    rules: { resourceNames?: string[] }[];
  };
  assert.deepEqual(role.rules[1]!.resourceNames, ['mcpr-leader']);
  const text = JSON.stringify(objs);
  assert.match(text, /"containerPort":10443/);
  assert.match(text, /"containerPort":9090/);
  assert.match(text, /"port":9090,"targetPort":"health"/);
});

/** The known fields of the policy parser at a path, from its own unknown-field error. */
function parserFields(path: string[]): string[] {
  let doc: Obj = { zzUnknown: 1 };
  for (const p of [...path].reverse()) doc = { [p]: doc };
  try {
    parsePolicy(JSON.stringify(doc));
  } catch (e) {
    const err = (e as PolicyError).errors.find((x) => x.field === [...path, 'zzUnknown'].join('.'));
    const m = /known fields: (.*)$/.exec(err?.detail ?? '');
    if (m) return m[1]!.split(', ').sort();
  }
  throw new Error(`the policy parser named no known fields at ${path.join('.') || '(top)'}`);
}

test('the policy schema knows exactly the fields the operator’s policy parser knows', () => {
  const walk = (node: Obj, path: string[]) => {
    const props = node.properties as Record<string, Obj>;
    assert.equal(node.additionalProperties, false, `policy.${path.join('.')}: unknown keys must be refused`);
    assert.deepEqual(
      Object.keys(props).sort(),
      parserFields(path),
      `values.schema.json policy.${path.join('.')}`,
    );
    for (const [k, child] of Object.entries(props))
      if (child.type === 'object' && child.properties) walk(child, [...path, k]);
  };
  walk((schema.properties as Record<string, Obj>).policy!, []);
});

test('the policy the chart writes into its ConfigMap is accepted by the operator as given', () => {
  const policy = {
    allowedSourceTypes: ['configmap', 'git'],
    allowedHosts: ['*.corp.example'],
    allowHTTP: true,
    allowFileGit: false,
    minSyncInterval: '1m',
    defaults: { syncInterval: '2h', syncRemoteSources: false, filter: { names: { exclude: ['*-beta'] } } },
    enforced: { excludeNames: ['legacy-*'], excludeTags: ['unsafe'] },
  };
  const cm = renderChart({ policy }).find((o) => o.metadata.name === 'mcp-registry-policy') as K8sObject & {
    data: Record<string, string>;
  };
  const parsed = parsePolicy(cm.data['policy.yaml']!);
  assert.deepEqual(parsed.allowedSourceTypes, ['configmap', 'git']);
  assert.equal(parsed.minSyncIntervalMs, 60_000);
  assert.deepEqual(parsed.defaults.filter, { names: { exclude: ['*-beta'] } });
  assert.deepEqual(parsed.enforced, { excludeNames: ['legacy-*'], excludeTags: ['unsafe'] });
});

const HEAD =
  "Error: values don't meet the specifications of the schema(s) in the following chart(s):\nmcp-registry-operator:\n";
const refusals: [Record<string, unknown>, string][] = [
  [
    { 'certificates.mode': 'vault' },
    "- at '/certificates/mode': value must be one of 'self-signed', 'cert-manager'",
  ],
  [{ replicaCount: 0 }, "- at '/replicaCount': minimum: got 0, want 1"],
  [
    { 'operator.logLevel': 'verbose' },
    "- at '/operator/logLevel': value must be one of 'fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'",
  ],
  [{ 'operator.webhookPort': 70000 }, "- at '/operator/webhookPort': maximum: got 70,000, want 65,535"],
  [{ 'operator.leaderElect': 'yes' }, "- at '/operator/leaderElect': got string, want boolean"],
  [
    { 'operator.healthAddress': '8080' },
    "- at '/operator/healthAddress': '8080' does not match pattern '^[^\\\\s]*:[0-9]{1,5}$'",
  ],
  [{ 'operator.watchNamespaces': 'team-a' }, "- at '/operator/watchNamespaces': got string, want array"],
  [{ 'operator.logLvl': 'debug' }, "- at '/operator': additional properties 'logLvl' not allowed"],
  [
    { 'policy.allowedHost': ['a.example'] },
    "- at '/policy': additional properties 'allowedHost' not allowed",
  ],
  [
    { 'policy.allowedSourceTypes': ['ftp'] },
    "- at '/policy/allowedSourceTypes/0': value must be one of 'configmap', 'url', 'git', 'registry', 'kubernetes'",
  ],
  [
    { 'policy.minSyncInterval': '30 seconds' },
    "- at '/policy/minSyncInterval': '30 seconds' does not match pattern '^([0-9]+(\\\\.[0-9]+)?(ns|us|µs|ms|s|m|h))+$'",
  ],
  [
    { 'podDisruptionBudget.minAvailable': 'half' },
    "- at '/podDisruptionBudget/minAvailable': 'half' does not match pattern '^[0-9]+%$'",
  ],
  [
    { 'webhooks.failurePolicy': 'Retry' },
    "- at '/webhooks/failurePolicy': value must be one of 'Fail', 'Ignore'",
  ],
];

for (const [set, message] of refusals) {
  test(`a wrong value is refused by the schema: ${JSON.stringify(set)}`, () => {
    const r = helm(['template', RELEASE, CHART, '--namespace', NAMESPACE, ...setArgs(set)]);
    assert.notEqual(r.code, 0);
    assert.equal(r.stdout, '');
    assert.equal(r.stderr, `${HEAD}${message}\n\n`);
  });
}
