/**
 * Counts, every `intervalMs` while leading, the workloads enforcement would refuse in each namespace
 * with an enforcing MCPRegistry, and writes the result on those registries (condition.ts). Catalogs
 * are indexed once per storage change, and only storage the registry controls is read. A registry
 * that stops enforcing loses the condition. The registries and their storage ConfigMaps' metadata
 * come from the controller's informers, so a tick where no registry enforces costs no request: a
 * LIST of every MCPRegistry each tick was, at 10,000 registries, tens of MB parsed on the event loop.
 */
import type { Logger } from 'pino';
import type { Condition, MCPRegistryV1beta1 } from '../../api/types.ts';
import type { KubeClient } from '../../kube/client.ts';
import type { ConfigMapObject } from '../../kube/configmaps.ts';
import { updateStatus } from '../../kube/mcpregistries.ts';
import { readStoredCatalog } from '../../storage/configmaps.ts';
import { storageName } from '../../storage/layout.ts';
import { controlledBy } from '../../storage/ownership.ts';
import {
  WORKLOAD_GROUP,
  WORKLOAD_KINDS,
  auditWorkloads,
  indexEntries,
  type AuditSubject,
  type EntryIndex,
} from '../../admission/workloads/index.ts';
import { CONDITION, complianceCondition } from './condition.ts';

const CRDS = { group: 'apiextensions.k8s.io', version: 'v1', plural: 'customresourcedefinitions' } as const;

type Crd = {
  spec: {
    versions: {
      name: string;
      storage: boolean;
      schema?: { openAPIV3Schema?: { properties?: { spec?: { properties?: object } } } };
    }[];
  };
};
type Installed = { kind: (typeof WORKLOAD_KINDS)[number]; version: string; fields: Set<string> };

export interface ComplianceOptions {
  client: KubeClient;
  log: Logger;
  /** Throws unless this replica may write for that namespace's registries (its shard's Lease). */
  guard: (namespace: string) => void;
  /** Every registry the controller's informers hold; undefined until they have synced (no tick then). */
  registries: () => MCPRegistryV1beta1[] | undefined;
  /** A storage ConfigMap's metadata as the controller's cache holds it (undefined: not there). */
  storageMeta: (namespace: string, name: string) => ConfigMapObject | undefined;
  intervalMs?: number;
}

export class Compliance {
  private readonly o: ComplianceOptions;
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private indexes = new Map<string, { rv: string; index: EntryIndex }>();

  constructor(o: ComplianceOptions) {
    this.o = o;
  }

  start(): void {
    const tick = () => {
      this.running ??= this.tick()
        .catch((e: unknown) => this.o.log.warn({ err: e }, 'workload compliance check failed'))
        .finally(() => (this.running = undefined));
    };
    tick();
    this.timer = setInterval(tick, this.o.intervalMs ?? 30_000);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    await this.running;
  }

  private async index(reg: MCPRegistryV1beta1): Promise<EntryIndex | undefined> {
    const namespace = reg.metadata.namespace ?? '';
    const name = reg.metadata.name ?? '';
    const meta = this.o.storageMeta(namespace, storageName(name));
    if (!meta || !controlledBy(meta, reg.metadata.uid ?? '')) return undefined;
    const key = `${namespace}/${name}`;
    const rv = meta.metadata.resourceVersion ?? '';
    const held = this.indexes.get(key);
    if (held?.rv === rv) return held.index;
    const stored = await readStoredCatalog(this.o.client, namespace, name);
    if (!stored) return undefined;
    // Counting enforces only: older versions' images and URLs, not the versions packed to resolve.
    const index = indexEntries(stored.catalog, { versions: 'enforce' });
    this.indexes.set(key, { rv, index });
    return index;
  }

  /** Each installed workload kind's storage version and its spec fields (cluster-wide: once a tick). */
  private async installed(): Promise<Installed[]> {
    const out: Installed[] = [];
    for (const kind of WORKLOAD_KINDS) {
      const crd = await this.o.client.find<Crd>({ ...CRDS, name: `${kind.plural}.${WORKLOAD_GROUP}` });
      const v = crd?.spec.versions.find((x) => x.storage);
      if (!v) continue;
      const fields = new Set(Object.keys(v.schema?.openAPIV3Schema?.properties?.spec?.properties ?? {}));
      out.push({ kind, version: v.name, fields });
    }
    return out;
  }

  /** Workloads of every installed kind in a namespace, read in each CRD's storage version. */
  private async workloads(namespace: string, kinds: Installed[]): Promise<AuditSubject[]> {
    const out: AuditSubject[] = [];
    for (const { kind, version, fields } of kinds) {
      const list = await this.o.client.list<{ metadata: { name: string } } & Record<string, unknown>>({
        group: WORKLOAD_GROUP,
        version,
        plural: kind.plural,
        namespace,
      });
      for (const item of list.items)
        out.push({ kind, namespace, name: item.metadata.name, object: item, fields });
    }
    return out;
  }

  async tick(): Promise<void> {
    const all = this.o.registries();
    if (!all) return;
    let kinds: Installed[] | undefined;
    const byNs = new Map<string, MCPRegistryV1beta1[]>();
    for (const r of all) {
      const ns = r.metadata.namespace ?? '';
      const regs = byNs.get(ns);
      if (regs) regs.push(r);
      else byNs.set(ns, [r]);
    }
    const live = new Set(all.map((r) => `${r.metadata.namespace}/${r.metadata.name}`));
    for (const k of this.indexes.keys()) if (!live.has(k)) this.indexes.delete(k);
    for (const [namespace, regs] of byNs) {
      const enforcing = regs.filter((r) => (r.spec as { enforceServers?: boolean }).enforceServers === true);
      const stale = regs.filter(
        (r) => !enforcing.includes(r) && r.status?.conditions?.some((c) => c.type === CONDITION),
      );
      for (const r of stale) await this.write(r, undefined);
      if (enforcing.length === 0) continue;
      const checked = await Promise.all(
        regs.map(async (r) => ({ label: r.metadata.name ?? '', index: await this.index(r) })),
      );
      const set = checked.map((c) => ({ label: c.label, ...(c.index && { index: c.index }) }));
      kinds ??= await this.installed();
      const subjects = await this.workloads(namespace, kinds);
      const rows = auditWorkloads(subjects, () => ({ namespace: set, policy: [] }));
      const cond = complianceCondition(namespace, rows);
      for (const r of enforcing) await this.write(r, cond);
    }
  }

  /** Sets (or, with undefined, removes) the condition when it differs from what the registry shows. */
  private async write(reg: MCPRegistryV1beta1, cond: ReturnType<typeof complianceCondition> | undefined) {
    const differs = (r: MCPRegistryV1beta1) => {
      const cur = r.status?.conditions?.find((c) => c.type === CONDITION);
      if (!cond) return cur !== undefined;
      return !cur || cur.status !== cond.status || cur.reason !== cond.reason || cur.message !== cond.message;
    };
    if (!differs(reg)) return;
    await updateStatus(
      this.o.client,
      reg,
      (fresh) => {
        if (!differs(fresh)) return undefined;
        const prev = fresh.status?.conditions ?? [];
        const old = prev.find((c) => c.type === CONDITION);
        const rest = prev.filter((c) => c.type !== CONDITION);
        const conditions: Condition[] = cond
          ? [
              ...rest,
              {
                ...cond,
                observedGeneration: fresh.metadata.generation ?? 0,
                lastTransitionTime:
                  old && old.status === cond.status
                    ? old.lastTransitionTime
                    : new Date().toISOString().replace(/\.\d+Z$/, 'Z'),
              },
            ]
          : rest;
        return { ...fresh.status, conditions } as NonNullable<MCPRegistryV1beta1['status']>;
      },
      () => this.o.guard(reg.metadata.namespace ?? ''),
    );
    this.o.log.info(
      { namespace: reg.metadata.namespace, name: reg.metadata.name, condition: cond?.reason ?? 'removed' },
      'workload compliance condition written',
    );
  }
}
