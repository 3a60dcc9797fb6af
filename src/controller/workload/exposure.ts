/**
 * The object that exposes a registry's API outside the cluster (SPEC §13), from `spec.api.ingress` or
 * `spec.api.httpRoute`: an Ingress or a Gateway API HTTPRoute `<name>-api` with one rule, `host` +
 * a `path` prefix (default: `spec.api.basePath`, else `/`) to the API Service. Pure, apart from a memo
 * of whether the Gateway API was served when a registry's HTTPRoute was last attempted, which tells the
 * controller between syncs that the CRD appeared (or went) and the route must be tried again.
 */
import type { MCPRegistryV1beta1 } from '../../api/types.ts';
import type { ApiSpec } from '../../api/schema/api.ts';
import type { CondInput } from '../conditions.ts';

type Obj = { apiVersion: string; kind: string; metadata: Record<string, unknown>; [k: string]: unknown };

export const GATEWAY_GROUP = 'gateway.networking.k8s.io';
export const HTTPROUTE_CRD = `httproutes.${GATEWAY_GROUP}`;
export const EXPOSURE_KINDS = ['Ingress', 'HTTPRoute'] as const;

export interface ExposureOptions {
  /** The operator's IngressClass for an Ingress whose spec names none (--registry-api-ingress-class). */
  ingressClass?: string;
}

/** The kinds spec.api does not ask for (removed when we own one). */
export function unwantedExposure(api: ApiSpec): string[] {
  return EXPOSURE_KINDS.filter((k) => (k === 'Ingress' ? !api.ingress : !api.httpRoute));
}

const routePath = (api: ApiSpec, path: string | undefined) => path ?? api.basePath ?? '/';

/** The Ingress or HTTPRoute, given the metadata every workload object carries; undefined: none asked. */
export function exposureObject(
  api: ApiSpec,
  meta: Record<string, unknown>,
  service: { name: string; port: number },
  o: ExposureOptions = {},
): Obj | undefined {
  if (api.ingress) {
    const ing = api.ingress;
    const className = ing.className ?? o.ingressClass;
    return {
      apiVersion: 'networking.k8s.io/v1',
      kind: 'Ingress',
      metadata: withAnnotations(meta, ing.annotations),
      spec: {
        ...(className ? { ingressClassName: className } : {}),
        ...(ing.tls && ing.host ? { tls: [{ hosts: [ing.host], secretName: ing.tls.secretName }] } : {}),
        rules: [
          {
            ...(ing.host ? { host: ing.host } : {}),
            http: {
              paths: [
                {
                  path: routePath(api, ing.path),
                  pathType: 'Prefix',
                  backend: { service: { name: service.name, port: { number: service.port } } },
                },
              ],
            },
          },
        ],
      },
    };
  }
  if (api.httpRoute) {
    const r = api.httpRoute;
    return {
      apiVersion: `${GATEWAY_GROUP}/v1`,
      kind: 'HTTPRoute',
      metadata: withAnnotations(meta, r.annotations),
      spec: {
        parentRefs: r.parentRefs.map((p) => ({ group: GATEWAY_GROUP, kind: 'Gateway', ...p })),
        ...(r.host ? { hostnames: [r.host] } : {}),
        rules: [
          {
            matches: [{ path: { type: 'PathPrefix', value: routePath(api, r.path) } }],
            backendRefs: [{ group: '', kind: 'Service', name: service.name, port: service.port }],
          },
        ],
      },
    };
  }
  return undefined;
}

function withAnnotations(meta: Record<string, unknown>, a: Record<string, string> | undefined) {
  return a && Object.keys(a).length > 0 ? { ...meta, annotations: { ...a } } : meta;
}

/** APIReady when the exposure object could not be applied: the API is not reachable where it was asked to be. */
export function exposureCondition(kind: string, status: number, detail: string): CondInput {
  if (kind === 'HTTPRoute' && status === 404)
    return {
      type: 'APIReady',
      status: 'False',
      reason: 'GatewayAPIMissing',
      message: `spec.api.httpRoute needs the Gateway API, which this cluster does not serve (no CRD ${HTTPROUTE_CRD} with version v1): install the Gateway API CRDs and the route is created without a restart`,
    };
  return {
    type: 'APIReady',
    status: 'False',
    reason: 'ExposureFailed',
    message: `the ${kind} for spec.api could not be applied (HTTP ${status}): ${detail}`,
  };
}

interface Attempt {
  kind: string;
  /** Why the last apply failed; absent when it succeeded. */
  failure?: CondInput;
}

/** registry uid → its last exposure apply. */
const attempts = new Map<string, Attempt>();

export function rememberExposure(
  reg: Pick<MCPRegistryV1beta1, 'metadata'>,
  kind: string,
  failure?: CondInput,
): void {
  if (reg.metadata.uid) attempts.set(reg.metadata.uid, { kind, ...(failure ? { failure } : {}) });
}

export function forgetExposure(reg: Pick<MCPRegistryV1beta1, 'metadata'>): void {
  if (reg.metadata.uid) attempts.delete(reg.metadata.uid);
}

/** The exposure kind the registry asks for (none while its API is disabled: nothing is applied then). */
const wanted = (reg: MCPRegistryV1beta1) =>
  reg.spec.api?.enabled === false
    ? undefined
    : reg.spec.api?.ingress
      ? 'Ingress'
      : reg.spec.api?.httpRoute
        ? 'HTTPRoute'
        : undefined;

/** The failure of the last apply of the exposure this registry still asks for, if it failed. */
export function exposureFailure(reg: MCPRegistryV1beta1): CondInput | undefined {
  const a = reg.metadata.uid ? attempts.get(reg.metadata.uid) : undefined;
  return a && a.kind === wanted(reg) ? a.failure : undefined;
}

/**
 * True when the exposure the registry asks for must be applied before its status can be said: this
 * process has not applied it yet (a restart: the condition in status may be a former process's), or it
 * is an HTTPRoute and the Gateway API's presence (`served`, from the CRD watch) changed since: it
 * appeared after a GatewayAPIMissing, or went (and the route with it) after a success.
 */
export function exposureStale(reg: MCPRegistryV1beta1, served: boolean | undefined): boolean {
  const kind = wanted(reg);
  if (!kind || !reg.metadata.uid) return false;
  const a = attempts.get(reg.metadata.uid);
  if (a?.kind !== kind) return true;
  if (kind !== 'HTTPRoute' || served === undefined) return false;
  return (a.failure?.reason === 'GatewayAPIMissing') === served;
}
