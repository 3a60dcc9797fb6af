/**
 * The workload webhook's routes (src/webhook/workloads/admission.ts) when the apiserver cannot be
 * reached: the real Kubernetes client against a loopback port nothing listens on. The request is
 * refused with a review naming the workload webhook (not the MCPRegistry one) and the reason.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:net';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { KubeClient } from '../../../src/kube/client.ts';
import { WorkloadAdmission } from '../../../src/webhook/workloads/admission.ts';
import { WorkloadCrds } from '../../../src/webhook/workloads/crds.ts';
import { WorkloadWorker } from '../../../src/webhook/workloads/pool.ts';

// A port that was just free: nothing listens on it.
const probe = createServer();
await new Promise<void>((r) => probe.listen(0, '127.0.0.1', r));
const port = (probe.address() as { port: number }).port;
await new Promise<void>((r) => probe.close(() => r()));
const dir = mkdtempSync(join(tmpdir(), 'workload-admission-'));
const kubeconfig = join(dir, 'kubeconfig');
writeFileSync(
  kubeconfig,
  `apiVersion: v1\nkind: Config\nclusters:\n- name: c\n  cluster: {server: "https://127.0.0.1:${port}", insecure-skip-tls-verify: true}\nusers:\n- name: u\n  user: {token: t}\ncontexts:\n- name: x\n  context: {cluster: c, user: u}\ncurrent-context: x\n`,
);

test('an apiserver that cannot be reached: refused, naming the workload webhook and the reason', async () => {
  const client = KubeClient.load({ kubeconfig });
  const log = pino({ level: 'silent' });
  const worker = new WorkloadWorker();
  const admission = new WorkloadAdmission({
    client,
    crds: new WorkloadCrds(client, log),
    worker,
    log,
    policy: () => ({ registries: [] }),
  });
  try {
    const out = await admission.review('/mutate-workload', {
      apiVersion: 'admission.k8s.io/v1',
      kind: 'AdmissionReview',
      request: {
        uid: 'u1',
        operation: 'CREATE',
        namespace: 'team-a',
        kind: { group: 'toolhive.stacklok.dev', version: 'v1beta1', kind: 'MCPServer' },
        object: {
          metadata: {
            name: 'w',
            annotations: { 'toolhive.stacklok.io/registry': 'corp', 'toolhive.stacklok.io/server': 'fetch' },
          },
        },
      },
    });
    assert.equal(out.verdict, 'error');
    const status = out.review.response.status;
    assert.equal(status?.code, 500);
    assert.equal(
      status?.message,
      `internal error in the workload webhook: connect ECONNREFUSED 127.0.0.1:${port}`,
    );
  } finally {
    await worker.close();
  }
});
