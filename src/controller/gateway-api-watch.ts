/**
 * Whether the cluster serves Gateway API HTTPRoutes (`httproutes.gateway.networking.k8s.io`, version
 * v1, Established), for `spec.api.httpRoute` (SPEC §13): the operator runs without the Gateway API, and
 * a registry whose route could not be created because the CRD was missing gets it as soon as the CRD
 * appears, without a restart (as discovery picks up ToolHive CRDs, discovery/served-kinds.ts). CRDs
 * are watched as metadata only; the HTTPRoute CRD is read once per change to learn its state.
 */
import type { Logger } from 'pino';
import { METADATA_ACCEPT, METADATA_LIST_ACCEPT, type KubeClient } from '../kube/client.ts';
import { Informer, type KubeObject } from './watch/informer.ts';
import { HTTPROUTE_CRD } from './workload/exposure.ts';

const CRDS = { group: 'apiextensions.k8s.io', version: 'v1', plural: 'customresourcedefinitions' } as const;

interface CrdObject extends KubeObject {
  spec?: { versions?: { name: string; served?: boolean }[] };
  status?: { conditions?: { type: string; status: string }[] };
}

/** Established and serving v1 (the version the controller applies). */
export function servesHttpRouteV1(crd: CrdObject | undefined): boolean {
  const established = crd?.status?.conditions?.some((c) => c.type === 'Established' && c.status === 'True');
  return Boolean(established && crd?.spec?.versions?.some((v) => v.name === 'v1' && v.served));
}

export class GatewayApiWatch {
  private state: boolean | undefined;
  private readonly informer: Informer<CrdObject>;
  private readonly client: KubeClient;
  private readonly log: Logger;
  private readonly changed: (served: boolean) => void;

  constructor(client: KubeClient, log: Logger, changed: (served: boolean) => void) {
    this.client = client;
    this.log = log;
    this.changed = changed;
    this.informer = new Informer<CrdObject>(
      client,
      CRDS,
      (type, o) => {
        if (o.metadata.name === HTTPROUTE_CRD) void this.onEvent(type);
      },
      log.child({ informer: 'gateway-api-crds' }),
      { accept: { list: METADATA_LIST_ACCEPT, watch: METADATA_ACCEPT } },
    );
  }

  /** Served now; undefined until the first list (or when the operator may not list CRDs). */
  served(): boolean | undefined {
    return this.state ?? (this.informer.hasSynced() ? false : undefined);
  }

  informers(): Informer<CrdObject>[] {
    return [this.informer];
  }

  start(): void {
    this.informer.start();
  }

  stop(): void {
    this.informer.stop();
  }

  private async onEvent(type: 'add' | 'update' | 'delete'): Promise<void> {
    let served = false;
    if (type !== 'delete')
      try {
        served = servesHttpRouteV1(await this.client.find<CrdObject>({ ...CRDS, name: HTTPROUTE_CRD }));
      } catch (e) {
        this.log.warn({ err: (e as Error).message, crd: HTTPROUTE_CRD }, 'cannot read the HTTPRoute CRD');
        return;
      }
    if (served === this.state) return;
    this.state = served;
    this.log.info({ crd: HTTPROUTE_CRD, served }, served ? 'Gateway API served' : 'Gateway API not served');
    this.changed(served);
  }
}
