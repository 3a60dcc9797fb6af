/**
 * SPEC §18 "Admission never waits for sync work" (issue #26 item 2): one operator process serving
 * the admission webhooks and running the controller, as the default Deployment does. A tenant's
 * worst admitted sync runs (20,000 servers from an HTTPS source on loopback, 28 MB, and as many
 * costly name globs as the per-sync work limit lets through) while another namespace's dry-run
 * creates go through both webhooks. The webhooks are registered with a 1 s timeout: any answer the
 * sync holds back that long is an apiserver InternalError, so "never waits" is decided by the
 * apiserver's own timeout, not by a clock in this test. With the sync on the event loop
 * (`--sync-workers=0`, the code before the workers) the dry-runs fail.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { useIsolatedCluster } from './isolated.ts';
import { client, createNamespace, eventually } from '../../support/cluster.ts';
import {
  applyObject,
  startOperator,
  waitForAdmission,
  webhookConfigsForUrl,
} from '../../../src/local/stack.ts';
import { REGISTRIES } from '../../../src/kube/mcpregistries.ts';
import { KubeClient } from '../../../src/kube/client.ts';
import { FIXTURE, getReg, registry, startHttpsSource } from './helpers.ts';

const SERVERS = 20_000;
/** Costly globs (a long run of `a` then a `b` no name has): 16 of them cost 389 of the 400 million units a sync may spend. */
const GLOBS = [...Array.from({ length: 16 }, (_, k) => `*${'a'.repeat(24)}b${k}*`), '*'];

let tenant: string;
let bystander: string;
let op: Awaited<ReturnType<typeof startOperator>>;
let source: Awaited<ReturnType<typeof startHttpsSource>>;
let stopCluster: () => Promise<void>;
let served = 0;

function worstCatalog(): string {
  const entries = Object.values((JSON.parse(FIXTURE) as { servers: Record<string, unknown> }).servers);
  const servers: Record<string, unknown> = {};
  for (let i = 0; i < SERVERS; i++) servers[`${'a'.repeat(40)}-${i}`] = entries[i % entries.length];
  return JSON.stringify({
    version: '1.0.0',
    last_updated: '2025-10-22T00:00:00Z',
    servers,
    remote_servers: {},
  });
}

before(async () => {
  const c = await useIsolatedCluster();
  stopCluster = c.stop;
  tenant = await createNamespace('hostile-sync');
  bystander = await createNamespace('bystander');
  const body = worstCatalog();
  source = await startHttpsSource(tenant, (_q, res) => {
    served++;
    res.end(body);
  });
  op = await startOperator({
    kubeconfigPath: c.kubeconfig,
    dir: mkdtempSync(join(tmpdir(), 'mcpr-admission-sync-')),
    enableController: true,
    extraArgs: [`--watch-namespaces=${tenant}`, '--deploy-registry-api=false'],
  });
  const kc = KubeClient.load({ kubeconfig: c.kubeconfig });
  try {
    for (const cfg of webhookConfigsForUrl(op.webhookUrl, op.caBundle)) {
      for (const w of cfg.webhooks as { timeoutSeconds?: number }[]) w.timeoutSeconds = 1;
      const plural =
        cfg.kind === 'MutatingWebhookConfiguration'
          ? 'mutatingwebhookconfigurations'
          : 'validatingwebhookconfigurations';
      await applyObject(kc, 'admissionregistration.k8s.io', 'v1', plural, cfg);
    }
    await waitForAdmission(kc);
  } finally {
    kc.close();
  }
});
after(async () => {
  await op?.stop();
  source?.close();
  await stopCluster?.();
});

const probe = (n: number) =>
  registry(bystander, `probe-${n}`, {
    sources: [{ name: 'web', type: 'url', url: { href: 'https://registry.example.com/r.json' } }],
  } as never);

test("another namespace's admission never waits for a tenant's worst admitted sync", async () => {
  await client().create(
    { ...REGISTRIES, namespace: tenant },
    registry(tenant, 'worst', {
      sources: [
        { name: 'web', type: 'url', url: { href: `${source.base}/r.json`, caBundleRef: { name: 'ca' } } },
      ],
      filter: { names: { include: GLOBS } },
    } as never),
  );
  await eventually('the source to be fetched', () => (served > 0 ? true : undefined), 120_000);
  const failures: string[] = [];
  let admitted = 0;
  // Dry-run creates one after another for as long as the sync runs (until its status is written).
  for (let n = 0; ; n++) {
    const phase = (await getReg(tenant, 'worst')).status?.phase;
    if (phase === 'Ready' || phase === 'Failed') break;
    try {
      const r = await client().create<{ spec: { syncPolicy?: unknown } }>(
        { ...REGISTRIES, namespace: bystander },
        probe(n),
        { dryRun: 'All' },
      );
      // Defaulted by the mutating webhook: both webhooks answered.
      assert.ok(r.body.spec.syncPolicy, 'the mutating webhook defaulted the probe');
      admitted++;
    } catch (e) {
      failures.push((e as Error).message);
    }
  }
  assert.deepEqual(failures, [], 'no dry-run create may time out or fail while the sync runs');
  assert.ok(admitted > 0, 'dry-run creates went through while the sync ran');
  // The sync itself was admitted and within the work limit: it ends Ready with every server.
  const done = await getReg(tenant, 'worst');
  assert.equal(done.status?.phase, 'Ready', done.status?.message);
  assert.equal(done.status?.sync?.serverCount, SERVERS);
});
