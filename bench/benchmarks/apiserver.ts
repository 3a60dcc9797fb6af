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
import { metricSum, scrapeHttp } from '../lib/scrape.ts';
import {
  PATHS,
  startBaselineServer,
  startWebhook,
  webhookUnavailable,
  type WebhookProc,
} from '../lib/webhook-proc.ts';
import type { Spawned } from '../lib/procs.ts';

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

/** Registers a mutating + validating webhook pair at `url` for namespaces labelled `label`. */
async function registerWebhooks(
  client: KubeClient,
  url: string,
  caPem: string,
  label = 'webhook',
  configName = 'mcpr-bench',
): Promise<void> {
  const common = (path: string) => ({
    clientConfig: { url: `${url}${path}`, caBundle: Buffer.from(caPem).toString('base64') },
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
    namespaceSelector: { matchLabels: { [LABEL]: label } },
  });
  await applyObject(client, {
    apiVersion: 'admissionregistration.k8s.io/v1',
    kind: 'MutatingWebhookConfiguration',
    metadata: { name: configName },
    webhooks: [
      { name: 'mmcpregistry.toolhive.stacklok.io', reinvocationPolicy: 'Never', ...common(PATHS.mutate) },
    ],
  });
  await applyObject(client, {
    apiVersion: 'admissionregistration.k8s.io/v1',
    kind: 'ValidatingWebhookConfiguration',
    metadata: { name: configName },
    webhooks: [{ name: 'vmcpregistry.toolhive.stacklok.io', ...common(PATHS.validate) }],
  });
}

/**
 * Mean seconds the given admission plugins spent per CREATE between two scrapes of the apiserver's
 * /metrics (`apiserver_admission_controller_admission_duration_seconds`), summed over the plugins and
 * divided by the first plugin's call count, i.e. per request.
 */
function pluginMean(before: string, after: string, plugins: string[]): number {
  const total = (text: string, plugin: string, suffix: 'sum' | 'count') =>
    text
      .split('\n')
      .filter((l) =>
        l.startsWith(
          `apiserver_admission_controller_admission_duration_seconds_${suffix}{name="${plugin}",operation="CREATE"`,
        ),
      )
      .reduce((a, l) => a + Number(l.split(' ').pop()), 0);
  const count = total(after, plugins[0] as string, 'count') - total(before, plugins[0] as string, 'count');
  const sum = plugins.reduce((a, p) => a + total(after, p, 'sum') - total(before, p, 'sum'), 0);
  return count > 0 ? sum / count : NaN;
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
    let bare: Spawned | undefined;
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
        await registerWebhooks(client, hook.url, certs.caPem);
        await waitUntil(
          'the webhook to reject an http URL',
          async () => (await dryRunStatus(client, 'bench-webhook', invalidObject('bench-webhook'))) >= 400,
        );
        // The floor of any webhook here: the bare HTTPS server (fixed answer) registered the same way,
        // on the same core. Ours over it is what our code costs; it over the VAP is what a webhook costs.
        const b = await startBaselineServer(certDir);
        bare = b.proc;
        await createNamespace(client, 'bench-bare', { [LABEL]: 'bare' });
        await registerWebhooks(client, `https://127.0.0.1:${b.port}`, certs.caPem, 'bare', 'mcpr-bench-bare');
        // Registered once a dry run in its namespace calls a webhook (it allows everything, so ask the
        // apiserver's per-webhook call counter rather than for a rejection).
        const calls = async () =>
          metricSum(await scrape(cluster), 'apiserver_admission_webhook_admission_duration_seconds_count');
        await waitUntil('the bare webhooks to be called', async () => {
          const before = await calls();
          await dryRunStatus(client, 'bench-bare', validObject('bench-bare', 0));
          return (await calls()) > before;
        });
        variants.unshift(
          { name: 'webhooks', ns: 'bench-webhook' },
          { name: 'bare webhooks', ns: 'bench-bare' },
        );
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
        type Run = {
          load: LoadResult;
          webhookMeanMs: number;
          vapMeanMs: number;
          /** Webhook side only: handshakes and webhook calls seen by our server, and its event loop. */
          handshakes?: number;
          webhookCalls?: number;
          eldP99Ms?: number;
        };
        const results: Record<string, Run> = {};
        const all = [...variants, { name: 'none', ns: 'bench-none' }];
        const runs = new Map<string, Run[]>(all.map((v) => [v.name, []]));
        // Round robin over the variants, one repetition each in turn, so machine drift hits all alike.
        for (let r = 0; r < ctx.settings.reps; r++) {
          for (const v of all) {
            const bodies = Array.from({ length: 8 }, (_, i) => JSON.stringify(validObject(v.ns, i)));
            const before = await scrape(cluster);
            const ours = v.name === 'webhooks' && hook ? hook : undefined;
            const hookBefore = ours ? await scrapeHttp(`http://127.0.0.1:${ours.healthPort}/metrics`) : '';
            await ours?.proc.probe();
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
            const probe = await ours?.proc.probe();
            const hookAfter = ours ? await scrapeHttp(`http://127.0.0.1:${ours.healthPort}/metrics`) : '';
            const delta = (name: string) => metricSum(hookAfter, name) - metricSum(hookBefore, name);
            runs.get(v.name)?.push({
              load,
              ...(ours
                ? {
                    handshakes: delta('mcpr_webhook_tls_handshakes_total'),
                    webhookCalls: delta('controller_runtime_webhook_requests_total'),
                    eldP99Ms: probe?.eldP99Ms,
                  }
                : {}),
              webhookMeanMs:
                pluginMean(before, after, ['MutatingAdmissionWebhook', 'ValidatingAdmissionWebhook']) * 1000,
              vapMeanMs: pluginMean(before, after, ['ValidatingAdmissionPolicy']) * 1000,
            });
          }
        }
        for (const v of all) results[v.name] = medianBy(runs.get(v.name) ?? [], (x) => x.load.latencyMs.p50);
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
        const floor = results['bare webhooks'];
        if (w && floor) {
          const s = `webhooks vs bare webhooks (the floor), ${sc.name}`;
          metrics.push(metric(s, 'p50', 'ms', w.load.latencyMs.p50, floor.load.latencyMs.p50, 'lower'));
          metrics.push(
            metric(
              s,
              'admission plugin time per request, measured by the apiserver',
              'ms',
              w.webhookMeanMs,
              floor.webhookMeanMs,
              'lower',
              'ours vs the bare HTTPS server as both webhooks',
            ),
          );
        }
        if (w && vap) {
          const s = `webhooks vs VAP, ${sc.name}`;
          metrics.push(metric(s, 'p50', 'ms', w.load.latencyMs.p50, vap.load.latencyMs.p50, 'lower'));
          metrics.push(metric(s, 'p99', 'ms', w.load.latencyMs.p99, vap.load.latencyMs.p99, 'lower'));
          // Over every repetition (the first run's connections are reused by the next ones, as on a
          // cluster): each create calls both webhooks (mutating, then validating), two calls per request.
          const hs = (runs.get('webhooks') ?? []).reduce(
            (a, x) => ({ h: a.h + (x.handshakes ?? NaN), c: a.c + (x.webhookCalls ?? 0) }),
            { h: 0, c: 0 },
          );
          const perRequest = hs.c ? (hs.h * 2) / hs.c : NaN;
          metrics.push(
            metric(
              s,
              'TLS handshakes per admission request (at our webhook server)',
              '',
              perRequest,
              NaN,
              'lower',
              'ideal ≈ 0: the apiserver reuses its connections',
            ),
          );
          metrics.push(
            metric(s, 'event-loop delay p99 of the webhook process', 'ms', w.eldP99Ms ?? NaN, NaN, 'lower'),
          );
          metrics.push(
            metric(
              s,
              'admission plugin time per request, measured by the apiserver',
              'ms',
              w.webhookMeanMs,
              vap.vapMeanMs,
              'lower',
              'mutating + validating webhook plugins vs the VAP plugin',
            ),
          );
        }
        details[sc.name] = results;
      }
    } finally {
      await hook?.proc.stop();
      await bare?.stop();
      await cluster.stop();
    }
    return { metrics, details, unavailable };
  },
};
