/**
 * Which URLs reach a registry's API (SPEC §18 "Registries read registries only with consent"). Every
 * MCPRegistry's API is the Service `<name>-api` in its namespace, so a URL whose host is that
 * Service's cluster name (`<name>-api.<ns>`, `<name>-api.<ns>.svc`, `<name>-api.<ns>.svc.<domain>`, in
 * any case, with or without the root dot, any scheme and port) reads that registry exactly as a
 * `registryRef` would, and needs the same consent: its own namespace always, another only when the
 * registry lists the reader's namespace in `allowed-reader-namespaces`. Admission judges the URL a
 * spec names, the controller judges it again at every fetch. Pure.
 */
import { API_SUFFIX, MAX_REGISTRY_NAME } from '../names.ts';
import { parseRemoteUrl } from './remote-url.ts';

const DNS_1035_LABEL = /^[a-z]([-a-z0-9]*[a-z0-9])?$/;
const DNS_1123_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

export interface RegistryApiTarget {
  namespace: string;
  /** The registry whose API the host names. */
  name: string;
}

/** The registry whose API Service `host` names, or undefined when it names none. */
export function registryApiHost(host: string, clusterDomain: string): RegistryApiTarget | undefined {
  const labels = host.toLowerCase().replace(/\.$/, '').split('.');
  const [service = '', namespace = '', svc, ...rest] = labels;
  if (labels.length < 2 || !service.endsWith(API_SUFFIX) || !DNS_1123_LABEL.test(namespace)) return undefined;
  if (svc !== undefined && svc !== 'svc') return undefined;
  const domain = rest.join('.');
  if (domain !== '' && domain !== clusterDomain.toLowerCase().replace(/\.$/, '')) return undefined;
  const name = service.slice(0, -API_SUFFIX.length);
  if (!DNS_1035_LABEL.test(name) || name.length > MAX_REGISTRY_NAME) return undefined;
  return { namespace, name };
}

/**
 * The registry in another namespace than `own` whose API the URL reaches, or undefined (not a URL,
 * not a registry API, or one in the reader's own namespace, which needs no consent).
 */
export function foreignRegistryApi(
  url: string,
  own: string,
  clusterDomain: string,
): RegistryApiTarget | undefined {
  const host = parseRemoteUrl(url, { scp: false }).url?.host;
  const target = host ? registryApiHost(host, clusterDomain) : undefined;
  return target && target.namespace !== own ? target : undefined;
}

/** The one answer for a registry in another namespace that is missing or does not let `own` read it. */
export function foreignRegistryRefusal(target: RegistryApiTarget, own: string, annotation: string): string {
  return `reaches the API of MCPRegistry ${target.namespace}/${target.name}, which does not exist or does not allow registries in namespace ${own} to read it; its owners can add "${own}" to its ${annotation} annotation`;
}

/**
 * Whether a registry lets `reader` read it: its own namespace always; another only when listed in its
 * `allowed-reader-namespaces` annotation (comma-separated, `*` = every namespace). The registry's
 * owners decide, on the object they control.
 */
export function readerAllowed(
  target: { namespace: string; annotations?: Record<string, string> },
  reader: string,
  annotation: string,
): boolean {
  if (target.namespace === reader) return true;
  return (target.annotations?.[annotation] ?? '')
    .split(',')
    .map((s) => s.trim())
    .some((ns) => ns === '*' || ns === reader);
}
