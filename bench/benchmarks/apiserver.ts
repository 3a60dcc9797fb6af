/**
 * B4-cluster on the real local apiserver: `POST …/mcpregistries?dryRun=All` (what `kubectl create
 * --dry-run=server` sends) of valid MCPRegistries in three namespaces side by side: one guarded by our
 * mutating + validating webhooks, one by the equivalent CEL ValidatingAdmissionPolicy
 * (bench/manifests/mcpregistry-vap.yaml), one with no admission (the baseline). apiserver, etcd and the
 * webhook share core 0; the load generator runs on core 1.
 */
import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { GROUP, PLURAL } from '../../src/api/constants.ts';
import type { KubeClient } from '../../src/kube/client.ts';
import type { Benchmark, BenchContext } from '../lib/bench.ts';
import { makeCertDir } from '../lib/certs.ts';
import {
  applyObject,
  createNamespace,
  installCrd,
  loadYamlObjects,
  startBenchCluster,
  type BenchCluster,
} from '../lib/cluster.ts';
import { registryV1beta1 } from '../lib/corpus.ts';
import type { LoadConfig, LoadResult } from '../lib/load.ts';
import { SERVER_CORE, repoRoot, runLoadPinned, waitUntil } from '../lib/procs.ts';
import { metric, type Metric } from '../lib/report.ts';
import { medianBy } from '../lib/stats.ts';
import { PATHS, startWebhook, webhookUnavailable, type WebhookProc } from '../lib/webhook-proc.ts';

export const VAP_MANIFEST = resolve(repoRoot, 'bench/manifests/mcpregistry-vap.yaml');
const LABEL = 'mcpr-bench/admission';

function validObject(ns: string, i: number): Record<string, unknown> {
  const o = registryV1beta1(i);
  const meta = o.metadata as Record<string, unknown>;
  return {
    apiVersion: o.apiVersion,
    kind: o.kind,
    metadata: { name: meta.name, namespace: ns },
    spec: o.spec,
  };
}

function invalidObject(ns: string): Record<string, unknown> {
  const o = validObject(ns, 999_999);
  (o.spec as { sources: { url?: { href: string } }[] }).sources[0] = {
    ...(o.spec as { sources: Record<string, unknown>[] }).sources[0],
    url: { href: 'http://insecure.example.com/registry.json' },
  };
  return o;
}

async function dryRunStatus(client: KubeClient, ns: string, obj: unknown): Promise<number> {
  try {
    const r = await client.create({ group: GROUP, version: 'v1beta1', plural: PLURAL, namespace: ns }, obj, {
      dryRun: 'All',
    });
    return r.status;
  } catch (e) {
    return (e as { status?: number }).status ?? -1;
  }
}

async function installVap(client: KubeClient): Promise<void> {
  const [policy, binding] = loadYamlObjects(VAP_MANIFEST);
  if (!policy || !binding) throw new Error(`${VAP_MANIFEST}: expected a policy and a binding`);
  await applyObject(client, policy);
  const spec = binding.spec as { matchResources: Record<string, unknown> };
  spec.matchResources = { namespaceSelector: { matchLabels: { [LABEL]: 'vap' } } };
  await applyObject(client, binding);
}

async function registerWebhooks(client: KubeClient, hook: WebhookProc, caPem: string): Promise<void> {
  const common = (path: string) => ({
    clientConfig: { url: `${hook.url}${path}`, caBundle: Buffer.from(caPem).toString('base64') },
    rules: [
      {
        apiGroups: [GROUP],
        apiVersions: ['v1alpha1', 'v1beta1'],
        operations: ['CREATE', 'UPDATE'],
        resources: [PLURAL],
      },
    ],
    failurePolicy: 'Fail',
    sideEffects: 'None',
    admissionReviewVersions: ['v1'],
    timeoutSeconds: 5,
    matchPolicy: 'Equivalent',
    namespaceSelector: { matchLabels: { [LABEL]: 'webhook' } },
  });
  await applyObject(client, {
    apiVersion: 'admissionregistration.k8s.io/v1',
    kind: 'MutatingWebhookConfiguration',
    metadata: { name: 'mcpr-bench' },
    webhooks: [
      { name: 'mmcpregistry.toolhive.stacklok.io', reinvocationPolicy: 'Never', ...common(PATHS.mutate) },
    ],
  });
  await applyObject(client, {
    apiVersion: 'admissionregistration.k8s.io/v1',
    kind: 'ValidatingWebhookConfiguration',
    metadata: { name: 'mcpr-bench' },
    webhooks: [{ name: 'vmcpregistry.toolhive.stacklok.io', ...common(PATHS.validate) }],
  });
}

/** Mean seconds per call of a histogram between two scrapes of the apiserver's /metrics. */
function histogramMean(before: string, after: string, name: string): number {
  const total = (text: string, suffix: string) =>
    text
      .split('\n')
      .filter((l) => l.startsWith(`${name}_${suffix}`))
      .reduce((a, l) => a + Number(l.split(' ').pop()), 0);
  const count = total(after, 'count') - total(before, 'count');
  return count > 0 ? (total(after, 'sum') - total(before, 'sum')) / count : NaN;
}

async function scrape(c: BenchCluster): Promise<string> {
  const r = await c.client.request<string>('/metrics', { query: {} });
  return typeof r.body === 'string' ? r.body : '';
}

export const apiserver: Benchmark = {
  name: 'apiserver',
  subject: 'dry-run creates through our webhooks, and through the CEL VAP',
  baseline: 'the same dry-run creates with no admission',
  async run(ctx: BenchContext) {
    const metrics: Metric[] = [];
    const details: Record<string, unknown> = {};
    const unavailable: string[] = [];
    const cluster = await startBenchCluster(join(ctx.workDir, 'cp'), (m) => ctx.log(m));
    let hook: WebhookProc | undefined;
    try {
      const { client } = cluster;
      await installCrd(client, { kind: 'none' });
      await createNamespace(client, 'bench-none');
      await createNamespace(client, 'bench-vap', { [LABEL]: 'vap' });
      await installVap(client);
      await waitUntil(
        'the VAP to reject an http URL',
        async () => (await dryRunStatus(client, 'bench-vap', invalidObject('bench-vap'))) === 422,
      );
      const variants: { name: string; ns: string }[] = [{ name: 'VAP (CEL)', ns: 'bench-vap' }];
      const why = webhookUnavailable();
      if (why) unavailable.push(`webhook variant: ${why}`);
      else {
        const certDir = join(ctx.workDir, 'certs');
        mkdirSync(certDir, { recursive: true });
        const certs = await makeCertDir(certDir);
        hook = await startWebhook({ certDir, core: SERVER_CORE });
        await createNamespace(client, 'bench-webhook', { [LABEL]: 'webhook' });
        await registerWebhooks(client, hook, certs.caPem);
        await waitUntil(
          'the webhook to reject an http URL',
          async () => (await dryRunStatus(client, 'bench-webhook', invalidObject('bench-webhook'))) >= 400,
        );
        variants.unshift({ name: 'webhooks', ns: 'bench-webhook' });
      }
      for (const v of [...variants, { name: 'none', ns: 'bench-none' }]) {
        const st = await dryRunStatus(client, v.ns, validObject(v.ns, 1));
        if (st !== 201) throw new Error(`a valid dry-run create in ${v.ns} answered ${st}, expected 201`);
      }

      const scenarios: { name: string; load: Pick<LoadConfig, 'keepAlive' | 'mode' | 'concurrency'> }[] = [
        { name: 'closed, keep-alive, c=10', load: { keepAlive: true, mode: 'closed', concurrency: 10 } },
        { name: 'closed, new connection, c=50', load: { keepAlive: false, mode: 'closed', concurrency: 50 } },
      ];
      for (const sc of scenarios) {
        ctx.log(sc.name);
        const results: Record<string, { load: LoadResult; webhookMeanMs: number; vapMeanMs: number }> = {};
        for (const v of [...variants, { name: 'none', ns: 'bench-none' }]) {
          const bodies = Array.from({ length: 8 }, (_, i) => JSON.stringify(validObject(v.ns, i)));
          const runs: { load: LoadResult; webhookMeanMs: number; vapMeanMs: number }[] = [];
          for (let r = 0; r < ctx.settings.reps; r++) {
            const before = await scrape(cluster);
            const load = await runLoadPinned({
              url: `${cluster.cp.server}/apis/${GROUP}/v1beta1/namespaces/${v.ns}/${PLURAL}?dryRun=All`,
              bodies,
              ...cluster.tls,
              ...sc.load,
              expectStatus: 201,
              maxRequests: ctx.settings.maxRequests,
              warmupMs: ctx.settings.warmupMs,
              durationMs: ctx.settings.measureMs,
            });
            const after = await scrape(cluster);
            runs.push({
              load,
              webhookMeanMs:
                histogramMean(before, after, 'apiserver_admission_webhook_admission_duration_seconds') * 1000,
              vapMeanMs:
                histogramMean(before, after, 'apiserver_validating_admission_policy_check_duration_seconds') *
                1000,
            });
          }
          results[v.name] = medianBy(runs, (x) => x.load.latencyMs.p50);
        }
        const none = results.none as (typeof results)[string];
        for (const v of variants) {
          const ours = results[v.name] as (typeof results)[string];
          const s = `${v.name} vs no admission, ${sc.name}`;
          metrics.push(
            metric(s, 'throughput', 'req/s', ours.load.throughput, none.load.throughput, 'higher'),
          );
          metrics.push(metric(s, 'p50', 'ms', ours.load.latencyMs.p50, none.load.latencyMs.p50, 'lower'));
          metrics.push(metric(s, 'p99', 'ms', ours.load.latencyMs.p99, none.load.latencyMs.p99, 'lower'));
          metrics.push(metric(s, 'failed requests', '', ours.load.failed, none.load.failed, 'lower'));
        }
        const w = results.webhooks;
        const vap = results['VAP (CEL)'];
        if (w && vap) {
          const s = `webhooks vs VAP, ${sc.name}`;
          metrics.push(metric(s, 'p50', 'ms', w.load.latencyMs.p50, vap.load.latencyMs.p50, 'lower'));
          metrics.push(metric(s, 'p99', 'ms', w.load.latencyMs.p99, vap.load.latencyMs.p99, 'lower'));
          metrics.push(
            metric(
              s,
              'apiserver-measured admission time per request',
              'ms',
              w.webhookMeanMs,
              vap.vapMeanMs,
              'lower',
              'webhook histogram (both webhooks) vs VAP check histogram',
            ),
          );
        }
        details[sc.name] = results;
      }
    } finally {
      await hook?.proc.stop();
      await cluster.stop();
    }
    return { metrics, details, unavailable };
  },
};
