/**
 * A registry's API is read only by its Service name (SPEC §18 "Registries read registries only with
 * consent"): consent is judged on the name (`<name>-api.<ns>.svc`, federation/registry-ref-resolver.ts),
 * so a URL that reaches the same Service by its ClusterIP, or by a DNS name or ExternalName that
 * resolves to it, would skip that judgement. Such a destination is refused here, at the lookup that
 * precedes every connection and on the literal IP of a URL. Pure.
 */
import { isIP } from 'node:net';
import { registryApiHost, type RegistryApiTarget } from '../admission/source-rules/registry-api-host.ts';
import { parseRemoteUrl } from '../admission/source-rules/remote-url.ts';

export function apiByAddress(
  url: string,
  addresses: readonly string[],
  clusterDomain: string,
  apiAt: (address: string) => RegistryApiTarget | undefined,
): string | undefined {
  const host = parseRemoteUrl(url, { scp: false }).url?.host;
  if (!host) return undefined;
  const named = registryApiHost(host, clusterDomain);
  for (const address of isIP(host) ? [host, ...addresses] : addresses) {
    const t = apiAt(address);
    if (!t || (named?.namespace === t.namespace && named.name === t.name)) continue;
    return `"${host}" reaches the API of MCPRegistry ${t.namespace}/${t.name} (${address}) by its address; name it by its Service (${t.name}-api.${t.namespace}.svc) or with registryRef, so that its consent is checked`;
  }
  return undefined;
}
