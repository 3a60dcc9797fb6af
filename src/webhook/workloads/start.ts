/**
 * Starts workload admission inside the webhook process: the Kubernetes client it reads registries
 * with, CRD detection, and the worker thread. Without a cluster to talk to (no kubeconfig and not in
 * a Pod) it is off, and says so; the MCPRegistry webhooks serve either way.
 */
import type { Logger } from 'pino';
import { KubeClient } from '../../kube/client.ts';
import { WorkloadAdmission, type WorkloadPolicy } from './admission.ts';
import { WorkloadCrds } from './crds.ts';
import { WorkloadWorker } from './pool.ts';

export interface WorkloadsRunning {
  admission: WorkloadAdmission;
  readiness: () => { ok: boolean; detail: string };
  stop: () => Promise<void>;
}

export function startWorkloads(
  kubeconfig: string | undefined,
  log: Logger,
  policy: () => WorkloadPolicy,
): WorkloadsRunning | { off: string } {
  let client: KubeClient;
  try {
    client = KubeClient.load({ kubeconfig });
  } catch (e) {
    return { off: `workload admission off: no Kubernetes client (${(e as Error).message})` };
  }
  const crds = new WorkloadCrds(client, log);
  crds.start();
  const worker = new WorkloadWorker();
  const admission = new WorkloadAdmission({ client, crds, worker, log, policy });
  return {
    admission,
    readiness: () => ({ ok: true, detail: `${crds.detail()}; ${worker.size()} catalog(s) loaded` }),
    stop: async () => {
      crds.stop();
      await worker.close();
    },
  };
}
