/**
 * Every metric the alert rules and the dashboard query is one the product really exposes: the
 * operator's /metrics (the shared stack's webhook process and a controller process of this test,
 * after a registry synced) and a registry API process serving that registry's storage, scraped from
 * the running processes against the real apiserver. Each selector names its job, and the name must
 * be on that job's page: job="mcp-registry-operator" the operator's, job="mcp-registry-api" the API's.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { client, createNamespace, eventually, kubeconfigPath } from '../../support/cluster.ts';
import { startController, type ControllerProcess } from '../../support/controller.ts';
import { stackInfo } from '../../support/stack.ts';
import { freePort } from '../../../src/local/control-plane.ts';
import { REGISTRIES } from '../../../src/kube/mcpregistries.ts';
import { FIXTURE, putConfigMap, registry, waitPhase } from '../controller/helpers.ts';
import {
  ROOT,
  dashboardQueries,
  exposedNames,
  metricNames,
  shippedDashboard,
  shippedRuleGroups,
} from './promql.ts';

let ns: string;
let ctrl: ControllerProcess;
let api: ChildProcess | undefined;
const pages: Record<string, string> = {};

const scrape = async (base: string) => (await fetch(`${base}/metrics`)).text();

before(async () => {
  ns = await createNamespace('metric-names');
  await putConfigMap(ns, 'catalog', { 'registry.json': FIXTURE });
  const port = await freePort();
  ctrl = startController({
    kubeconfig: kubeconfigPath(),
    namespaces: [ns],
    extraArgs: [`--health-address=127.0.0.1:${port}`],
  });
  await client().create(
    { ...REGISTRIES, namespace: ns },
    registry(ns, 'cat', {
      sources: [{ name: 'main', type: 'configmap', configMapRef: { name: 'catalog' } }],
    }),
  );
  await waitPhase(ns, 'cat', 'Ready');
  const controller = `http://127.0.0.1:${port}`;
  pages.controller = await eventually('the per-registry series', async () => {
    const page = await scrape(controller);
    return page.includes(`mcpregistry_sync_consecutive_failures{namespace="${ns}",name="cat"} 0`)
      ? page
      : undefined;
  });
  // The registry's API as its Deployment runs it: serving the storage ConfigMap the sync wrote.
  api = spawn(
    process.execPath,
    [
      join(ROOT, 'src/bin/thv-registry-api.ts'),
      'serve',
      '--from-configmap=cat-registry-storage',
      '--registry-name=cat',
      `--namespace=${ns}`,
      `--kubeconfig=${kubeconfigPath()}`,
      '--address=127.0.0.1:0',
      '--log-level=warn',
    ],
    { stdio: ['ignore', 'pipe', 'inherit'] },
  );
  const apiUrl = await new Promise<string>((resolve, reject) => {
    let out = '';
    api!.stdout!.on('data', (c: Buffer) => {
      out += c.toString();
      const m = /listening on (\S+)/.exec(out);
      if (m?.[1]) resolve(m[1]);
    });
    api!.once('exit', (code) => reject(new Error(`thv-registry-api exited ${code}`)));
  });
  await eventually('the API to serve the catalog', async () => {
    const r = await fetch(`${apiUrl}/v0.1/servers?limit=1`);
    return r.status === 200 || undefined;
  });
  pages.api = await scrape(apiUrl);
  pages.webhook = await scrape(stackInfo().healthUrl);
});
after(async () => {
  api?.kill('SIGTERM');
  await ctrl?.stop();
});

/** Every `name{job="..."` selector of an expression, and every metric name it uses. */
function selectors(expr: string): { names: string[]; byJob: [string, string][] } {
  const byJob = [...expr.matchAll(/([a-zA-Z_:][a-zA-Z0-9_:]*)\{job="([^"]+)"/g)].map(
    (m) => [m[1]!, m[2]!] as [string, string],
  );
  return { names: metricNames(expr), byJob };
}

function exposedBy(): Record<string, Set<string>> {
  return {
    'mcp-registry-operator': new Set([...exposedNames(pages.controller!), ...exposedNames(pages.webhook!)]),
    'mcp-registry-api': exposedNames(pages.api!),
  };
}

function unexposed(queries: { id: string; expr: string }[]): string[] {
  const exposed = exposedBy();
  const out: string[] = [];
  for (const q of queries) {
    const { names, byJob } = selectors(q.expr);
    for (const n of names)
      if (!byJob.some(([name]) => name === n)) out.push(`${q.id}: ${n} without a job selector`);
    for (const [name, job] of byJob)
      if (!exposed[job]?.has(name)) out.push(`${q.id}: ${name} is not exposed by job ${job}`);
  }
  return out;
}

test('the scraped pages hold the series the rules are about', () => {
  const key = `{namespace="${ns}",name="cat"}`;
  assert.match(
    pages.controller!,
    new RegExp(`^mcpregistry_last_sync_success_timestamp_seconds${key} \\d+`, 'm'),
  );
  assert.match(pages.controller!, new RegExp(`^mcpregistry_sync_interval_seconds${key} 0$`, 'm'));
  assert.match(pages.controller!, /^leader_election_master_status 1$/m);
  assert.match(
    pages.webhook!,
    /^mcpr_webhook_request_duration_seconds_count\{path="\/validate-toolhive-stacklok-io-mcpregistry",verdict="allowed"\} \d+/m,
  );
  assert.match(pages.webhook!, /^mcpr_webhook_certificate_expiry_timestamp_seconds \d+/m);
  assert.match(
    pages.api!,
    /^registry_api_http_requests_total\{route="\/v0\.1\/servers",method="GET",code="200"\} \d+/m,
  );
});

test('every metric the alert rules use is exposed by the job they select', () => {
  const queries = shippedRuleGroups().flatMap((g) =>
    g.rules.map((r) => ({ id: r.alert ?? '', expr: r.expr })),
  );
  assert.deepEqual(unexposed(queries), []);
});

test('every metric the dashboard queries is exposed by the job it selects', () => {
  assert.deepEqual(unexposed(dashboardQueries(shippedDashboard())), []);
});

test('the check can fail: a misspelt name and a name of the wrong job are reported', () => {
  assert.deepEqual(
    unexposed([
      { id: 'typo', expr: 'sum(mcpregistry_sync_totals{job="mcp-registry-operator"})' },
      { id: 'wrong job', expr: 'registry_api_catalog_servers{job="mcp-registry-operator"}' },
      { id: 'no job', expr: 'up' },
    ]),
    [
      'typo: mcpregistry_sync_totals is not exposed by job mcp-registry-operator',
      'wrong job: registry_api_catalog_servers is not exposed by job mcp-registry-operator',
      'no job: up without a job selector',
    ],
  );
});
