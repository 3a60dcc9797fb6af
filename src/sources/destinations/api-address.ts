/**
 * A registry's API is read only by its Service name (SPEC §18 "Registries read registries only with
 * consent"): consent is judged on the name (`<name>-api.<ns>.svc`, federation/registry-ref-resolver.ts),
 * and every API's NetworkPolicy lets the operator in, so a URL that reaches an API by an address
 * instead (its ClusterIP, a pod's IP or a name that resolves to one, an external or load-balancer IP,
 * a node port) would carry a tenant's read past that judgement. Such a destination is refused here:
 * on the literal IP of a URL before each request and redirect, and at the lookup that precedes every
 * connection, on each address the host resolved to. The answer names no registry and is the same for
 * every registry, consenting or not, in any namespace: it tells nothing about which registries exist
 * where. Pure.
 */
import { isIP } from 'node:net';
import { registryApiHost, type RegistryApiTarget } from '../../admission/source-rules/registry-api-host.ts';
import { parseRemoteUrl } from '../../admission/source-rules/remote-url.ts';

/** The registry whose API is served at this address and port (the controller knows: it deployed them). */
export type RegistryApiAt = (address: string, port: number) => RegistryApiTarget | undefined;

export function apiByAddress(
  url: string,
  addresses: readonly string[],
  clusterDomain: string,
  apiAt: RegistryApiAt,
): string | undefined {
  const target = parseRemoteUrl(url, { scp: true }).url;
  if (!target || target.scheme === 'file' || target.host === '') return undefined;
  const { host, port } = target;
  const named = registryApiHost(host, clusterDomain);
  for (const address of isIP(host) ? [host, ...addresses] : addresses) {
    const t = apiAt(address, port);
    if (!t || (named?.namespace === t.namespace && named.name === t.name)) continue;
    const written = target.hostAsWritten.replace(/^\[|\]$/g, '').toLowerCase();
    const shown = address.toLowerCase() === written ? '' : ` (${address})`;
    return `"${target.hostAsWritten}"${shown} reaches a registry's API by its address; name a registry by its Service (<name>-api.<namespace>.svc) or with registryRef, so that its owners' consent is checked`;
  }
  return undefined;
}
