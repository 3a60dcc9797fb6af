/**
 * The sharded controller's packaging (docs/controller.md "Sharded controller"): the chart with
 * operator.shards=4 passes --shards=4 and grants the shard and member-slot Leases exactly as an
 * overlay with `components: [../../components/sharded]` does; the default renders neither; a shard
 * count out of range is refused by the chart's schema. Real helm and kubectl kustomize; no cluster.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cpSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { parseOperatorConfig } from '../../../src/config/operator-config.ts';
import { CHART, RELEASE, ROOT, helm, kustomize, renderChart, setArgs, type K8sObject } from './chart.ts';

function overlayWithSharded(mode: string): K8sObject[] {
  const dir = join(mkdtempSync(join(tmpdir(), 'mcpr-kust-')), mode);
  cpSync(join(ROOT, 'manifests/overlays', mode), dir, { recursive: true });
  const file = join(dir, 'kustomization.yaml');
  const from = (p: string) => relative(dir, join(ROOT, 'manifests/overlays', mode, p));
  const text = readFileSync(file, 'utf8')
    .replace(/^(\s+- )(\.\.\/\S+)$/gm, (_m, lead: string, p: string) => `${lead}${from(p)}`)
    .concat(`components:\n  - ${from('../../components/sharded')}\n`);
  writeFileSync(file, text);
  return kustomize(dir);
}

type Role = K8sObject & { rules: unknown[] };
const role = (objs: K8sObject[]) =>
  objs.find((o) => o.kind === 'Role' && o.metadata.name === 'mcp-registry-operator-leader-election') as
    Role | undefined;
const args = (objs: K8sObject[]) =>
  (
    objs.find((o) => o.kind === 'Deployment' && o.metadata.name === 'mcp-registry-operator') as
      (K8sObject & { spec: { template: { spec: { containers: { args: string[] }[] } } } }) | undefined
  )?.spec.template.spec.containers[0]?.args ?? [];

test('operator.shards=4 renders what the sharded component renders: --shards=4 and the Leases granted', () => {
  const chart = renderChart({ 'certificates.mode': 'self-signed', 'operator.shards': 4 });
  const kust = overlayWithSharded('self-signed');
  assert.ok(args(chart).includes('--shards=4'));
  assert.ok(args(kust).includes('--shards=4'));
  // Read back through the operator's own parser (the first argument is the script).
  assert.equal(parseOperatorConfig(args(chart).slice(1), {}).shards, 4);
  assert.equal(parseOperatorConfig(args(kust).slice(1), {}).shards, 4);
  assert.deepEqual(role(chart)?.rules, role(kust)?.rules);
  assert.deepEqual(role(chart)?.rules.slice(2), [
    { apiGroups: ['coordination.k8s.io'], resources: ['leases'], verbs: ['list'] },
    {
      apiGroups: ['coordination.k8s.io'],
      resources: ['leases'],
      resourceNames: [0, 1, 2, 3]
        .map((i) => `mcp-registry-operator-shard-${i}`)
        .concat([0, 1, 2, 3].map((j) => `mcp-registry-operator-member-${j}`)),
      verbs: ['get', 'update'],
    },
  ]);
});

test('by default one leader: no --shards, the Role names the leader Lease only', () => {
  const chart = renderChart();
  assert.ok(!args(chart).some((a) => a.startsWith('--shards')));
  assert.equal(role(chart)?.rules.length, 2);
});

test('a shard count out of range is refused by the schema, with the message helm shows', () => {
  const r = helm(['template', RELEASE, CHART, ...setArgs({ 'operator.shards': 0 })]);
  assert.notEqual(r.code, 0);
  assert.match(r.stderr, /at '\/operator\/shards': minimum: got 0, want 1/);
});
