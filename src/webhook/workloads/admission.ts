/**
 * The workload webhook routes (SPEC §11): `/mutate-workload` resolves a workload's registry reference,
 * `/validate-workload` enforces the namespace's (and the policy's) registries. Each request: decode,
 * gather what the decision reads (gather.ts), then decide in the worker thread (worker.ts).
 */
import type { Logger } from 'pino';
import type { KubeClient } from '../../kube/client.ts';
import { decodeAdmissionReview, errorReview } from '../../admission/index.ts';
import {
  EXEMPT_VALUE,
  LABEL_EXEMPT,
  NEWEST_FIELDS,
  workloadSubject,
  type WorkloadRequest,
} from '../../admission/workloads/index.ts';
import type { WorkloadCrds } from './crds.ts';
import { getRegistry, listRegistries, loadCatalog, registryView } from './gather.ts';
import type { ReviewOut, WorkloadWorker } from './pool.ts';

export const WORKLOAD_PATHS = {
  mutate: '/mutate-workload',
  validate: '/validate-workload',
} as const;

/** Registries every namespace (but exempted ones) must draw from (the platform policy). */
export interface WorkloadPolicy {
  registries: { namespace: string; name: string }[];
}

export interface WorkloadAdmissionOptions {
  client: KubeClient;
  crds: WorkloadCrds;
  worker: WorkloadWorker;
  log: Logger;
  policy: () => WorkloadPolicy;
}

function allowed(uid: string): ReviewOut {
  return {
    review: { apiVersion: 'admission.k8s.io/v1', kind: 'AdmissionReview', response: { uid, allowed: true } },
    verdict: 'allowed',
  };
}

export class WorkloadAdmission {
  private readonly o: WorkloadAdmissionOptions;

  constructor(o: WorkloadAdmissionOptions) {
    this.o = o;
  }

  readonly paths: readonly string[] = Object.values(WORKLOAD_PATHS);

  /**
   * Throws AdmissionDecodeError for a body that is no AdmissionReview (the server answers 400); any
   * other failure is a review refusing with the reason (an enforcing namespace fails closed).
   */
  async review(path: string, body: unknown): Promise<ReviewOut> {
    const req = decodeAdmissionReview(body) as WorkloadRequest;
    const s = workloadSubject(req);
    if (!s) return allowed(req.uid);
    try {
      // Without the CRD's schema (not readable yet), the newest generation's field names.
      const spec = s.object.spec;
      const specKeys = typeof spec === 'object' && spec !== null ? Object.keys(spec) : [];
      const known = await this.o.crds.fields(s.kind, req.kind?.version ?? '', specKeys);
      const fields = [...(known ?? NEWEST_FIELDS[s.kind.kind])];
      return path === WORKLOAD_PATHS.mutate
        ? await this.mutate(req, s.namespace, fields)
        : await this.validate(req, s.namespace, fields);
    } catch (e) {
      this.o.log.error({ err: e, path, namespace: s.namespace, name: s.name }, 'workload review failed');
      return { review: errorReview(req.uid, e, 'workload'), verdict: 'error' };
    }
  }

  private async mutate(req: WorkloadRequest, namespace: string, fields: string[]): Promise<ReviewOut> {
    const ref = workloadSubject(req)?.reference?.ref;
    if (!ref)
      return this.o.worker.review({
        op: 'mutate',
        request: req,
        fields,
        registry: undefined,
        registryNames: [],
      });
    const reg = await getRegistry(this.o.client, namespace, ref.registry);
    if (!reg) {
      const names = (await listRegistries(this.o.client, namespace)).map((r) => r.metadata.name);
      return this.o.worker.review({
        op: 'mutate',
        request: req,
        fields,
        registry: undefined,
        registryNames: names,
      });
    }
    const key = await loadCatalog(this.o.client, this.o.worker, reg, namespace);
    const view = registryView(reg, namespace);
    return this.o.worker.review({
      op: 'mutate',
      request: req,
      fields,
      registry: { name: view.name, ...(view.phase && { phase: view.phase }), ...(key && { key }) },
      registryNames: [],
    });
  }

  private async validate(req: WorkloadRequest, namespace: string, fields: string[]): Promise<ReviewOut> {
    const client = this.o.client;
    const own = await listRegistries(client, namespace);
    const enforcing = own.some((r) => r.spec?.enforceServers === true);
    const nsSet = enforcing
      ? await Promise.all(
          own.map(async (r) => ({
            label: r.metadata.name,
            key: await loadCatalog(client, this.o.worker, r, namespace),
          })),
        )
      : [];
    const policySet = await this.policySet(namespace);
    if (nsSet.length === 0 && policySet.length === 0) return allowed(req.uid);
    const strip = (rs: { label: string; key?: string | undefined }[]) =>
      rs.map((r) => ({ label: r.label, ...(r.key && { key: r.key }) }));
    return this.o.worker.review({
      op: 'validate',
      request: req,
      fields,
      namespace: strip(nsSet),
      policy: strip(policySet),
    });
  }

  /** The policy's registries, unless the namespace is labelled exempt. */
  private async policySet(namespace: string): Promise<{ label: string; key?: string | undefined }[]> {
    const wanted = this.o.policy().registries;
    if (wanted.length === 0) return [];
    const ns = await this.o.client.find<{ metadata: { labels?: Record<string, string> } }>({
      group: '',
      version: 'v1',
      plural: 'namespaces',
      name: namespace,
    });
    if (ns?.metadata.labels?.[LABEL_EXEMPT] === EXEMPT_VALUE) return [];
    return Promise.all(
      wanted.map(async (w) => {
        const label = `${w.namespace}/${w.name}`;
        const reg = await getRegistry(this.o.client, w.namespace, w.name);
        if (!reg) {
          this.o.log.warn({ namespace: w.namespace, name: w.name }, 'policy registry not found');
          return { label };
        }
        return { label, key: await loadCatalog(this.o.client, this.o.worker, reg, w.namespace) };
      }),
    );
  }
}
