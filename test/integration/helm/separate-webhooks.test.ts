/**
 * The webhooks as a Deployment of their own (SPEC §18 "the webhooks can also run as their own
 * Deployment"): the chart with webhooks.separateDeployment=true renders exactly what an overlay with
 * `components: [../../components/separate-webhooks]` renders, in both certificate modes; the
 * controller Deployment serves no webhooks, the webhook Deployment runs no controller, the webhook
 * Service reaches only the webhook pods, and the two Deployments select disjoint pods. Real helm and
 * kubectl kustomize; no cluster.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cpSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { ROOT, compareObjects, helm, kustomize, renderChart, setArgs, type K8sObject } from './chart.ts';

/** The overlay as a user changes it: its kustomization plus the component. */
function overlayWithComponent(mode: string): K8sObject[] {
  const dir = join(mkdtempSync(join(tmpdir(), 'mcpr-kust-')), mode);
  cpSync(join(ROOT, 'manifests/overlays', mode), dir, { recursive: true });
  const file = join(dir, 'kustomization.yaml');
  const from = (p: string) => relative(dir, join(ROOT, 'manifests/overlays', mode, p));
  const text = readFileSync(file, 'utf8')
    .replace(/^(\s+- )(\.\.\/\S+)$/gm, (_m, lead: string, p: string) => `${lead}${from(p)}`)
    .concat(`components:\n  - ${from('../../components/separate-webhooks')}\n`);
  writeFileSync(file, text);
  return kustomize(dir);
}

type Deployment = K8sObject & {
  spec: {
    replicas: number;
    selector: { matchLabels: Record<string, string> };
    template: { metadata: { labels: Record<string, string> }; spec: { containers: { args: string[] }[] } };
  };
};
const deployment = (objs: K8sObject[], name: string) =>
  objs.find((o) => o.kind === 'Deployment' && o.metadata.name === name) as Deployment | undefined;

for (const mode of ['self-signed', 'cert-manager'] as const) {
  test(`${mode}: webhooks.separateDeployment renders the overlay with the separate-webhooks component`, () => {
    const chart = renderChart({
      'certificates.mode': mode,
      'namespace.create': true,
      'webhooks.separateDeployment': true,
    });
    assert.deepEqual(compareObjects(chart, overlayWithComponent(mode)), []);
    const controller = deployment(chart, 'mcp-registry-operator');
    const webhook = deployment(chart, 'mcp-registry-operator-webhook');
    assert.ok(controller && webhook);
    const args = (d: Deployment) => d.spec.template.spec.containers[0]?.args ?? [];
    assert.ok(args(controller).includes('--enable-webhooks=false'));
    assert.ok(!args(controller).includes('--enable-controller=false'));
    assert.ok(args(webhook).includes('--enable-controller=false'));
    assert.ok(!args(webhook).includes('--enable-webhooks=false'));
    // Each Deployment's selector matches only its own pods.
    const matches = (sel: Record<string, string>, labels: Record<string, string>) =>
      Object.entries(sel).every(([k, v]) => labels[k] === v);
    assert.ok(!matches(controller.spec.selector.matchLabels, webhook.spec.template.metadata.labels));
    assert.ok(!matches(webhook.spec.selector.matchLabels, controller.spec.template.metadata.labels));
    const svc = chart.find(
      (o) => o.kind === 'Service' && o.metadata.name === 'mcp-registry-operator-webhook',
    ) as (K8sObject & { spec: { selector: Record<string, string> } }) | undefined;
    assert.ok(svc && matches(svc.spec.selector, webhook.spec.template.metadata.labels));
    assert.ok(!matches(svc.spec.selector, controller.spec.template.metadata.labels));
    assert.ok(
      chart.some(
        (o) => o.kind === 'PodDisruptionBudget' && o.metadata.name === 'mcp-registry-operator-webhook',
      ),
    );
  });
}

test('off by default: one Deployment serving webhooks and running the controller', () => {
  const chart = renderChart();
  assert.deepEqual(
    chart.filter((o) => o.kind === 'Deployment').map((o) => o.metadata.name),
    ['mcp-registry-operator'],
  );
  const args = deployment(chart, 'mcp-registry-operator')?.spec.template.spec.containers[0]?.args ?? [];
  assert.ok(!args.some((a) => a.startsWith('--enable-')));
});

test('webhooks.replicaCount sets the webhook replicas; a wrong value is refused with its path', () => {
  const chart = renderChart({
    'webhooks.separateDeployment': true,
    'webhooks.replicaCount': 3,
    replicaCount: 1,
  });
  assert.equal(deployment(chart, 'mcp-registry-operator-webhook')?.spec.replicas, 3);
  assert.equal(deployment(chart, 'mcp-registry-operator')?.spec.replicas, 1);
  const r = helm([
    'template',
    'x',
    join(ROOT, 'charts/mcp-registry-operator'),
    ...setArgs({ 'webhooks.replicaCount': 0 }),
  ]);
  assert.notEqual(r.code, 0);
  assert.match(r.stderr, /\/webhooks\/replicaCount/);
  assert.match(r.stderr, /minimum/);
});
