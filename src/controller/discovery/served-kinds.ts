/**
 * Which ToolHive workload kinds the cluster serves (SPEC §12: a missing CRD is not an error, and one
 * installed later starts discovery without a restart). CRDs are watched as metadata only; when one
 * of ours appears or changes, it is read once to learn its served versions.
 */
import type { Logger } from 'pino';
import { METADATA_ACCEPT, METADATA_LIST_ACCEPT, type KubeClient } from '../../kube/client.ts';
import { DISCOVERY_KINDS, WORKLOAD_GROUP } from '../../registry/discovery/index.ts';
import { Informer, type KubeObject } from '../watch/informer.ts';
import type { ServedKind } from './workload-informers.ts';

const CRDS = { group: 'apiextensions.k8s.io', version: 'v1', plural: 'customresourcedefinitions' } as const;

interface CrdObject extends KubeObject {
  spec?: { versions?: { name: string; served?: boolean; storage?: boolean }[] };
  status?: { conditions?: { type: string; status: string }[] };
}

/** The version discovery reads: the newest served (annotations are the same in every version). */
export function chooseVersion(crd: CrdObject): string | undefined {
  const established = crd.status?.conditions?.some((c) => c.type === 'Established' && c.status === 'True');
  if (!established) return undefined;
  const served = (crd.spec?.versions ?? []).filter((v) => v.served).map((v) => v.name);
  return served.includes('v1beta1') ? 'v1beta1' : served.includes('v1alpha1') ? 'v1alpha1' : served[0];
}

export class ServedKinds {
  private readonly served = new Map<string, ServedKind>();
  /** CRD reads in flight: the kinds are known once the list and these are done. */
  private reading = 0;
  private readonly informer: Informer<CrdObject>;

  private readonly client: KubeClient;
  private readonly log: Logger;
  private readonly changed: () => void;

  constructor(client: KubeClient, log: Logger, changed: () => void) {
    this.client = client;
    this.log = log;
    this.changed = changed;
    this.informer = new Informer<CrdObject>(
      client,
      CRDS,
      (type, o) => void this.onEvent(type, o),
      log.child({ informer: 'customresourcedefinitions' }),
      { accept: { list: METADATA_LIST_ACCEPT, watch: METADATA_ACCEPT } },
    );
  }

  list(): ServedKind[] {
    return [...this.served.values()];
  }

  hasSynced(): boolean {
    return this.informer.hasSynced() && this.reading === 0;
  }

  lastError(): unknown {
    return this.informer.lastError();
  }

  start(): void {
    for (const k of DISCOVERY_KINDS)
      this.log.debug({ kind: k.kind }, 'watching for the CRD of a discovered kind');
    this.informer.start();
  }

  stop(): void {
    this.informer.stop();
  }

  private async onEvent(type: 'add' | 'update' | 'delete', o: CrdObject): Promise<void> {
    const name = o.metadata.name ?? '';
    const kind = DISCOVERY_KINDS.find((k) => `${k.plural}.${WORKLOAD_GROUP}` === name);
    if (!kind) return;
    let version: string | undefined;
    if (type !== 'delete') {
      this.reading++;
      try {
        const full = await this.client.find<CrdObject>({ ...CRDS, name });
        version = full && chooseVersion(full);
      } catch (e) {
        this.log.warn({ err: (e as Error).message, crd: name }, 'cannot read a workload CRD');
      } finally {
        this.reading--;
      }
    }
    const before = this.served.get(kind.kind);
    if (before?.version === version) return;
    if (version) this.served.set(kind.kind, { kind: kind.kind, plural: kind.plural, version });
    else this.served.delete(kind.kind);
    this.log.info(
      { kind: kind.kind, version: version ?? null },
      version ? 'discovering a workload kind' : 'workload kind not served: not discovered',
    );
    this.changed();
  }
}
