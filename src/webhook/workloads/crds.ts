/**
 * Which ToolHive workload kinds this operator handles: those whose CRD is installed (SPEC §11). The
 * operator starts without them and picks a kind up when its CRD appears, without a restart: the CRDs
 * are looked up by name every `intervalMs` (metadata only; the schema is read again only when the
 * CRD's resourceVersion changes) and at once when a review arrives for a kind not known yet. The
 * schema gives each served version's spec field names, which is how resolution tells the October-2025
 * generation (`remoteURL`, `targetPort`) from the newer one.
 */
import type { Logger } from 'pino';
import { KubeApiError, METADATA_ACCEPT, type KubeClient } from '../../kube/client.ts';
import {
  WORKLOAD_GROUP,
  WORKLOAD_KINDS,
  type KindInfo,
  type WorkloadKind,
} from '../../admission/workloads/index.ts';

const CRDS = { group: 'apiextensions.k8s.io', version: 'v1', plural: 'customresourcedefinitions' } as const;

interface CrdObject {
  metadata: { resourceVersion?: string };
  spec?: {
    versions?: {
      name: string;
      served?: boolean;
      schema?: { openAPIV3Schema?: { properties?: { spec?: { properties?: Record<string, unknown> } } } };
    }[];
  };
}

interface Installed {
  rv: string;
  /** Served version → spec field names. */
  versions: Map<string, Set<string>>;
}

export class WorkloadCrds {
  private installed = new Map<WorkloadKind, Installed>();
  private checked = new Set<WorkloadKind>();
  private timer: NodeJS.Timeout | undefined;
  private readonly client: KubeClient;
  private readonly log: Logger;

  constructor(client: KubeClient, log: Logger) {
    this.client = client;
    this.log = log;
  }

  start(intervalMs = 10_000): void {
    const tick = () =>
      void this.refreshAll().catch((e: unknown) => this.log.warn({ err: e }, 'CRD check failed'));
    tick();
    this.timer = setInterval(tick, intervalMs);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
  }

  async refreshAll(): Promise<void> {
    await Promise.all(WORKLOAD_KINDS.map((k) => this.refresh(k)));
  }

  private async refresh(k: KindInfo): Promise<void> {
    const name = `${k.plural}.${WORKLOAD_GROUP}`;
    let meta: CrdObject | undefined;
    try {
      meta = await this.client.find<CrdObject>({ ...CRDS, name }, undefined, METADATA_ACCEPT);
    } catch (e) {
      if (e instanceof KubeApiError && e.status === 403)
        this.log.warn({ kind: k.kind }, 'no permission to read CRDs: workload kinds are not detected');
      throw e;
    }
    const first = !this.checked.has(k.kind);
    this.checked.add(k.kind);
    const had = this.installed.get(k.kind);
    if (!meta) {
      if (had || first)
        this.log.info({ kind: k.kind, crd: name }, 'workload CRD not installed: kind not handled');
      this.installed.delete(k.kind);
      return;
    }
    const rv = meta.metadata.resourceVersion ?? '';
    if (had?.rv === rv) return;
    const full = await this.client.get<CrdObject>({ ...CRDS, name });
    const versions = new Map<string, Set<string>>();
    for (const v of full.spec?.versions ?? [])
      if (v.served !== false)
        versions.set(
          v.name,
          new Set(Object.keys(v.schema?.openAPIV3Schema?.properties?.spec?.properties ?? {})),
        );
    this.installed.set(k.kind, { rv: full.metadata.resourceVersion ?? rv, versions });
    this.log.info({ kind: k.kind, versions: [...versions.keys()] }, 'workload CRD found: kind handled');
  }

  /**
   * The spec field names of a kind's served version; checks the CRD at once when not known yet, or
   * when the object uses a field the cached schema lacks (the CRD was replaced since, e.g. by a newer
   * generation, within the check interval).
   */
  async fields(
    kind: KindInfo,
    version: string,
    specKeys: readonly string[] = [],
  ): Promise<Set<string> | undefined> {
    const known = this.installed.get(kind.kind)?.versions.get(version);
    if (known && specKeys.every((k) => known.has(k))) return known;
    await this.refresh(kind);
    return this.installed.get(kind.kind)?.versions.get(version);
  }

  /** For /readyz: which kinds are handled (with their versions) and which are not installed. */
  detail(): string {
    const handled: string[] = [];
    const absent: string[] = [];
    for (const k of WORKLOAD_KINDS) {
      const i = this.installed.get(k.kind);
      if (i) handled.push(`${k.kind} (${[...i.versions.keys()].join(', ')})`);
      else absent.push(k.kind);
    }
    return (
      `handling ${handled.length ? handled.join(', ') : 'no workload kinds'}` +
      (absent.length ? `; CRD not installed: ${absent.join(', ')}` : '')
    );
  }
}
