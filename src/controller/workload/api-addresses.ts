/**
 * The addresses of the registry API Services this operator created (ClusterIPs), for the fetch-time
 * rule that a registry's API is reached only by its Service name (src/sources/api-address.ts). Only a
 * Service controlled by an MCPRegistry counts: a look-alike label on a user's Service proves nothing.
 */
import { KIND, LABEL_REGISTRY } from '../../api/constants.ts';
import type { RegistryApiTarget } from '../../admission/source-rules/registry-api-host.ts';

export interface ServiceObject {
  metadata: {
    name?: string;
    namespace?: string;
    labels?: Record<string, string>;
    ownerReferences?: { kind?: string; name?: string; controller?: boolean }[];
  };
  spec?: { clusterIP?: string; clusterIPs?: string[] };
}

export function registryApiAddresses(
  services: () => Iterable<ServiceObject>,
): (address: string) => RegistryApiTarget | undefined {
  return (address) => {
    for (const svc of services()) {
      const owner = svc.metadata.ownerReferences?.find((o) => o.controller && o.kind === KIND);
      const name = svc.metadata.labels?.[LABEL_REGISTRY];
      if (!owner || !name || owner.name !== name) continue;
      const ips = svc.spec?.clusterIPs ?? (svc.spec?.clusterIP ? [svc.spec.clusterIP] : []);
      if (ips.includes(address)) return { namespace: svc.metadata.namespace ?? '', name };
    }
    return undefined;
  };
}
